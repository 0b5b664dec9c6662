// Merges the files of a roles folder into one organisation, checking that ids are unique across it
// (items left out for schema errors still count, when their id can be read).
import type { Department, Member, Organization, Role, RoleFile, TaskTypeDefinition } from './format.schema.ts';
import { errorAt, type Located } from './located.ts';
import { formatPath, type OrgError } from './org-error.ts';
import type { BrokenItem, ListKey } from './salvage.ts';
import { Unreadable } from './unreadable.ts';
import type { ParsedFile } from './yaml-source.ts';

export interface MergedOrg {
  organization?: Located<Organization>;
  policies: Map<string, Located<number | string | boolean>>;
  departments: Located<Department>[];
  roles: Located<Role>[];
  taskTypes: Located<TaskTypeDefinition>[];
  members: Located<Member>[];
  /** What the files define but could not be read; references to it are not reported. */
  unreadable: Unreadable;
}

export interface FileParts {
  parsed: ParsedFile;
  /** The file, or its valid parts when it has schema errors (lists then have holes). */
  file: RoleFile;
  broken?: BrokenItem[];
}

export function mergeFiles(
  files: FileParts[],
  unreadable = new Unreadable(),
): { merged: MergedOrg; errors: OrgError[] } {
  const errors: OrgError[] = [];
  const merged: MergedOrg = { policies: new Map(), departments: [], roles: [], taskTypes: [], members: [], unreadable };
  const located = <T>(parsed: ParsedFile, key: string, items: T[] | undefined) => {
    const list: Located<T>[] = [];
    // forEach skips the holes a file with schema errors leaves
    (items ?? []).forEach((value, index) => {
      list.push({ value, file: parsed, path: [key, index] });
    });
    return list;
  };

  for (const { parsed, file } of files) {
    if (file.organization) {
      const here = { value: file.organization, file: parsed, path: ['organization'] };
      if (merged.organization) {
        errors.push(
          errorAt(here, [], 'duplicate_id', `organization is already defined in ${merged.organization.file.name}`),
        );
      } else merged.organization = here;
    }
    for (const [key, value] of Object.entries(file.policies ?? {})) {
      const here = { value, file: parsed, path: ['policies', key] };
      const earlier = merged.policies.get(key);
      if (earlier)
        errors.push(errorAt(here, [], 'duplicate_id', `policy "${key}" is already set in ${earlier.file.name}`));
      else merged.policies.set(key, here);
    }
    merged.departments.push(...located(parsed, 'departments', file.departments));
    merged.roles.push(...located(parsed, 'roles', file.roles));
    merged.taskTypes.push(...located(parsed, 'task_types', file.task_types));
    merged.members.push(...located(parsed, 'members', file.members));
  }

  if (!merged.organization && files[0] && !unreadable.has('organization')) {
    errors.push({
      file: files[0].parsed.name,
      line: 1,
      column: 1,
      path: 'organization',
      kind: 'schema',
      message: 'no file defines "organization" (id, name, timezone); one file of the folder must',
    });
  }

  const unique = <T>(kind: string, items: { id: string; at: Located<T>; sub: (string | number)[] }[]) => {
    const seen = new Map<string, { at: Located<T>; sub: (string | number)[] }>();
    for (const { id, at, sub } of items) {
      const earlier = seen.get(id);
      if (earlier) {
        const where = formatPath([...earlier.at.path, ...earlier.sub.slice(0, -1)]);
        errors.push(
          errorAt(at, sub, 'duplicate_id', `${kind} "${id}" is already defined at ${earlier.at.file.name} ${where}`),
        );
      } else seen.set(id, { at, sub });
    }
  };
  // Items left out for schema errors, in file order with the valid ones, so a duplicate is found either way.
  const withBroken = <T>(key: ListKey, valid: { id: string; at: Located<T>; sub: (string | number)[] }[]) => {
    const order = (at: Located<unknown>) => [files.findIndex((f) => f.parsed === at.file), at.path[1] as number];
    const broken = files.flatMap((f) =>
      (f.broken ?? [])
        .filter((item) => item.key === key && item.id !== undefined)
        .map((item) => ({
          id: item.id!,
          at: { value: undefined as T, file: f.parsed, path: [key, item.index] },
          sub: [key === 'members' ? 'email' : 'id'],
        })),
    );
    return [...valid, ...broken].sort((a, b) => {
      const [fa, ia] = order(a.at);
      const [fb, ib] = order(b.at);
      return fa! - fb! || ia! - ib!;
    });
  };
  unique(
    'department',
    withBroken(
      'departments',
      merged.departments.map((at) => ({ id: at.value.id, at, sub: ['id'] })),
    ),
  );
  unique(
    'role',
    withBroken(
      'roles',
      merged.roles.map((at) => ({ id: at.value.id, at, sub: ['id'] })),
    ),
  );
  unique(
    'task type',
    withBroken(
      'task_types',
      merged.taskTypes.map((at) => ({ id: at.value.id, at, sub: ['id'] })),
    ),
  );
  unique(
    'member',
    withBroken(
      'members',
      merged.members.map((at) => ({ id: at.value.email.toLowerCase(), at, sub: ['email'] })),
    ),
  );
  for (const [kind, key] of [
    ['duty', 'duties'],
    ['KPI', 'kpis'],
    ['escalation', 'escalations'],
  ] as const) {
    unique(
      kind,
      merged.roles.flatMap((at) => at.value[key].map((item, index) => ({ id: item.id, at, sub: [key, index, 'id'] }))),
    );
  }
  return { merged, errors };
}
