// A plugin's default escalation the organisation cannot staff is inactive there, not an error: the plugin
// cannot know the organisation's roles and policies, and a small shop should not have to switch off, line
// by line, what it has nobody for. Inactive means never evaluated; the reasons are shown to the team lead
// (GET /api/plugins, `roles validate`). An override in the roles file is the organisation's own line and
// is checked as such (check-refs.ts, check-rules.ts). Relation targets are always staffable.
import { analyzeRule } from '../rules/json-logic.ts';
import type { Escalation } from './format.schema.ts';

const TARGETS_BY_RELATION: ReadonlySet<string> = new Set(['reports_to', 'department_head']);

/** What a default needs that the organisation lacks: a role one of its levels goes to, or a policy it reads. */
export interface MissingForDefault {
  kind: 'role' | 'policy';
  id: string;
}

/** The organisation as far as a default escalation needs it. */
export interface Staffing {
  hasRole(id: string): boolean;
  hasPolicy(key: string): boolean;
}

/** Why the default cannot run in this organisation; empty when it can. */
export function missingForDefault(rule: Escalation, staffing: Staffing): MissingForDefault[] {
  const roles = new Set(
    rule.levels.map((level) => level.to).filter((to) => !TARGETS_BY_RELATION.has(to) && !staffing.hasRole(to)),
  );
  const policies = [...policiesRead(rule)].filter((key) => !staffing.hasPolicy(key));
  return [
    ...[...roles].map((id) => ({ kind: 'role' as const, id })),
    ...policies.map((id) => ({ kind: 'policy' as const, id })),
  ];
}

/** One line for people reading the CLI's output or the API (the UI words it in its own language). */
export function describeMissing(missing: readonly MissingForDefault[]): string {
  return missing
    .map(({ kind, id }) =>
      kind === 'role'
        ? `it goes to role "${id}", which this organisation does not have`
        : `it reads policy "${id}", which this organisation does not set`,
    )
    .join('; ');
}

/** The policies a rule's `when` and `stop_when` read (`policy.<key>`). */
function policiesRead(rule: Escalation): Set<string> {
  const parts = [rule.when, ...(rule.stop_when === undefined ? [] : [rule.stop_when])];
  return new Set(
    parts.flatMap((part) =>
      analyzeRule(part)
        .varPaths.map(({ path }) => path.split('.'))
        .filter(([root, key]) => root === 'policy' && key)
        .map(([, key]) => key!),
    ),
  );
}
