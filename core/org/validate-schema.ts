// Checks one parsed roles file against the format's schema and turns zod's findings into positioned
// errors: unknown keys with a "did you mean", missing keys at their parent, wrong values where they stand.
import type { z } from 'zod';
import { roleFileSchema, type RoleFile } from './format.schema.ts';
import { formatPath, type OrgError, type PathSegment } from './org-error.ts';
import { suggest } from './suggest.ts';
import { locate, type ParsedFile } from './yaml-source.ts';

interface SchemaDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  in?: z.ZodType;
}

const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;

/** The keys the schema allows for the object at `path` (for "did you mean" hints). */
export function allowedKeysAt(schema: z.ZodType, path: readonly PathSegment[]): string[] {
  const objects = (current: z.ZodType): SchemaDef[] => {
    const def = defOf(current);
    if (def.innerType) return objects(def.innerType);
    if (def.in) return objects(def.in);
    if (def.type === 'union') return (def.options ?? []).flatMap(objects);
    return [def];
  };
  let candidates: SchemaDef[] = objects(schema);
  for (const segment of path) {
    candidates = candidates.flatMap((def) => {
      if (def.type === 'object' && typeof segment === 'string' && def.shape?.[segment])
        return objects(def.shape[segment]);
      if (def.type === 'array' && typeof segment === 'number' && def.element) return objects(def.element);
      if (def.type === 'record' && def.valueType) return objects(def.valueType);
      return [];
    });
  }
  return [...new Set(candidates.flatMap((def) => (def.type === 'object' ? Object.keys(def.shape ?? {}) : [])))];
}

function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let current = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_union') {
    const alternatives = issue.errors
      .map((branch) => branch[0]?.message.replace(/^Invalid input: /, ''))
      .filter(Boolean);
    return `none of the accepted forms matched: ${[...new Set(alternatives)].join(' | ')}`;
  }
  return issue.message.replace(/^Invalid input: /, '');
}

export function validateFileSchema(parsed: ParsedFile): { file?: RoleFile; errors: OrgError[] } {
  const result = roleFileSchema.safeParse(parsed.data ?? {});
  if (result.success) return { file: result.data, errors: [] };
  const errors: OrgError[] = [];
  // A misspelt required key is one mistake: report the unknown key with its "did you mean", not also
  // "<key> is required" at the parent.
  const typoed = new Set<string>();
  for (const issue of result.error.issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    const allowed = allowedKeysAt(roleFileSchema, issue.path as PathSegment[]);
    for (const key of issue.keys) {
      const suggestion = suggest(key, allowed);
      if (suggestion) typoed.add(formatPath([...(issue.path as PathSegment[]), suggestion]));
    }
  }
  for (const issue of result.error.issues) {
    const path = issue.path as PathSegment[];
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedKeysAt(roleFileSchema, path);
      for (const key of issue.keys) {
        const suggestion = suggest(key, allowed);
        errors.push({
          file: parsed.name,
          ...locate(parsed, path, key),
          path: formatPath([...path, key]),
          kind: 'unknown_key',
          message: `unknown key "${key}"; allowed here: ${allowed.join(', ')}`,
          ...(suggestion ? { suggestion } : {}),
        });
      }
      continue;
    }
    const missing = path.length > 0 && valueAt(parsed.data, path) === undefined;
    if (missing && typoed.has(formatPath(path))) continue;
    errors.push({
      file: parsed.name,
      ...locate(parsed, missing ? path.slice(0, -1) : path),
      path: formatPath(path),
      kind: 'schema',
      message: missing ? `"${String(path.at(-1))}" is required (${issueMessage(issue)})` : issueMessage(issue),
    });
  }
  return { errors };
}
