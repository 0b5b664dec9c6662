// The parts of a roles file with schema errors that are right on their own: its organization and
// policies if valid, and each valid item of its lists at its own index (an item whose only fault is an
// unknown key is valid without it), so that references, duplicate ids and rules are still checked in
// the same pass. What is left out is recorded as unreadable.
import type { z } from 'zod';
import type { RoleFile } from './format.schema.ts';
import { roleFileSchema } from './format.schema.ts';
import type { Unreadable } from './unreadable.ts';
import type { ParsedFile } from './yaml-source.ts';

export const LIST_KEYS = ['departments', 'roles', 'task_types', 'members'] as const;
export type ListKey = (typeof LIST_KEYS)[number];

/** An item left out: where it is, and its id (members: email) when that much can be read. */
export interface BrokenItem {
  key: ListKey;
  index: number;
  id?: string;
}

const shape = roleFileSchema.shape;
const itemSchemas = {
  departments: shape.departments.unwrap().element,
  roles: shape.roles.unwrap().element,
  task_types: shape.task_types.unwrap().element,
  members: shape.members.unwrap().element,
};
const policies = shape.policies.unwrap();

const isMap = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The item without the keys the schema does not know (reported as unknown_key; they mean nothing). */
function withoutUnknownKeys(item: unknown, issues: z.core.$ZodIssue[]): unknown {
  const copy = structuredClone(item);
  for (const issue of issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    let target: unknown = copy;
    for (const segment of issue.path)
      target = (target as Record<PropertyKey, unknown> | undefined)?.[segment as PropertyKey];
    if (isMap(target)) for (const key of issue.keys) delete target[key];
  }
  return copy;
}

function idOf(key: ListKey, item: unknown): string | undefined {
  const id = isMap(item) ? item[key === 'members' ? 'email' : 'id'] : undefined;
  if (typeof id !== 'string') return undefined;
  return key === 'members' ? id.toLowerCase() : id;
}

/**
 * The valid parts of a file that failed the schema. Lists keep each valid item at its index (the
 * others are holes), so positions in errors stay those of the file.
 */
export function salvage(parsed: ParsedFile, unreadable: Unreadable): { file: RoleFile; broken: BrokenItem[] } {
  const data = isMap(parsed.data) ? parsed.data : {};
  const file: RoleFile = { version: 1 };
  const broken: BrokenItem[] = [];

  if (data.organization !== undefined) {
    const organization = shape.organization.unwrap().safeParse(data.organization);
    if (organization.success) file.organization = organization.data;
    else unreadable.all('organization');
  }
  if (data.policies !== undefined) {
    if (!isMap(data.policies)) unreadable.all('policies');
    else {
      file.policies = {};
      for (const [key, value] of Object.entries(data.policies)) {
        const valid = policies.keyType.safeParse(key).success ? policies.valueType.safeParse(value) : undefined;
        if (valid?.success) file.policies[key] = valid.data;
        else unreadable.add('policies', key);
      }
    }
  }
  for (const key of LIST_KEYS) {
    const items = data[key];
    if (items === undefined) continue;
    if (!Array.isArray(items)) {
      unreadable.all(key);
      continue;
    }
    const kept: unknown[] = new Array(items.length);
    items.forEach((item, index) => {
      const first = itemSchemas[key].safeParse(item);
      const result = first.success ? first : itemSchemas[key].safeParse(withoutUnknownKeys(item, first.error.issues));
      if (result.success) {
        kept[index] = result.data;
        return;
      }
      const id = idOf(key, item);
      // An item whose id cannot be read could be what any reference of its kind means.
      if (id === undefined) unreadable.all(key);
      else unreadable.add(key, id);
      broken.push({ key, index, ...(id === undefined ? {} : { id }) });
    });
    (file as Record<ListKey, unknown[]>)[key] = kept;
  }
  return { file, broken };
}
