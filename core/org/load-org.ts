// The roles loader: parse (positions kept) → schema → merge → references → rules. Collects every error
// in one pass: a file with schema errors still gives its valid parts to the later checks, and what
// could not be read is never reported as missing. Only an organisation with no error is returned.
import type { OrgCatalogue } from './catalogue.ts';
import { checkPluginEscalations } from './check-plugin-escalations.ts';
import { checkRefs } from './check-refs.ts';
import { checkRules } from './check-rules.ts';
import type { OrgDefinition } from './format.schema.ts';
import { mergeFiles, type FileParts } from './merge-files.ts';
import type { OrgError } from './org-error.ts';
import { salvage } from './salvage.ts';
import { Unreadable } from './unreadable.ts';
import { validateFileSchema } from './validate-schema.ts';
import { parseRolesYaml, type SourceFile } from './yaml-source.ts';

export type LoadResult = { ok: true; definition: OrgDefinition; errors: [] } | { ok: false; errors: OrgError[] };

const byPosition = (a: OrgError, b: OrgError) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column;

export function loadOrg(sources: SourceFile[], catalogue: OrgCatalogue): LoadResult {
  if (sources.length === 0) {
    return {
      ok: false,
      errors: [{ file: '(none)', line: 1, column: 1, path: '', kind: 'schema', message: 'no roles files given' }],
    };
  }
  const ordered = [...sources].sort((a, b) => a.name.localeCompare(b.name));
  const errors: OrgError[] = [];
  const parts: FileParts[] = [];
  const unreadable = new Unreadable();
  for (const source of ordered) {
    const { parsed, errors: parseErrors } = parseRolesYaml(source);
    errors.push(...parseErrors);
    if (!parsed) {
      unreadable.everything();
      continue;
    }
    const { file, errors: schemaErrors } = validateFileSchema(parsed);
    errors.push(...schemaErrors);
    parts.push(file ? { parsed, file } : { parsed, ...salvage(parsed, unreadable) });
  }

  const { merged, errors: mergeErrors } = mergeFiles(parts, unreadable);
  errors.push(
    ...mergeErrors,
    ...checkRefs(merged, catalogue),
    ...checkRules(merged, catalogue),
    ...checkPluginEscalations(merged, catalogue),
  );
  if (errors.length || !merged.organization) return { ok: false, errors: errors.sort(byPosition) };

  return {
    ok: true,
    errors: [],
    definition: {
      version: 1,
      organization: merged.organization.value,
      policies: Object.fromEntries([...merged.policies].map(([key, at]) => [key, at.value])),
      departments: merged.departments.map((at) => at.value),
      roles: merged.roles.map((at) => at.value),
      task_types: merged.taskTypes.map((at) => at.value),
      members: merged.members.map((at) => at.value),
    },
  };
}
