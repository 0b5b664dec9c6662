// Checks between a roles file and the loaded plugins' default escalations: an entry that overrides a
// default must name one that is loaded, and a default the organisation leaves in force must find what it
// names here — its target roles and the policies its rules read (the plugin cannot know them).
import { analyzeRule } from '../rules/json-logic.ts';
import type { OrgCatalogue } from './catalogue.ts';
import type { Escalation } from './format.schema.ts';
import { errorAt } from './located.ts';
import type { MergedOrg } from './merge-files.ts';
import type { OrgError } from './org-error.ts';
import { suggest } from './suggest.ts';

const TARGETS_BY_RELATION = new Set(['reports_to', 'department_head']);

export function checkPluginEscalations(merged: MergedOrg, catalogue: OrgCatalogue): OrgError[] {
  const errors: OrgError[] = [];
  const overridden = new Set<string>();
  for (const at of merged.roles) {
    at.value.escalations.forEach((entry, i) => {
      if (catalogue.escalations.has(entry.id)) {
        overridden.add(entry.id);
        return;
      }
      if (entry.when !== undefined && entry.levels !== undefined) return;
      const missing = [entry.when === undefined ? '"when"' : [], entry.levels === undefined ? '"levels"' : []]
        .flat()
        .join(' and ');
      const loaded = [...catalogue.escalations.keys()];
      const declared = loaded.length
        ? `the loaded plugins declare ${loaded.join(', ')}`
        : 'no loaded plugin declares escalations';
      errors.push(
        errorAt(
          at,
          ['escalations', i],
          'schema',
          `escalation "${entry.id}" needs ${missing}: it overrides no plugin's default escalation (${declared}), so it is the organisation's own`,
          suggest(entry.id, loaded),
        ),
      );
    });
  }
  // A default left as the plugin wrote it is reported at `organization`: the file has no line for it.
  const organization = merged.organization;
  if (!organization) return errors;
  const roles = new Set(merged.roles.map((at) => at.value.id));
  const unread = (kind: 'roles' | 'policies', id: string) => merged.unreadable.has(kind, id);
  for (const { plugin, rule } of catalogue.escalations.values()) {
    if (overridden.has(rule.id) || rule.enabled === false) continue;
    const problem = (what: string) =>
      errors.push(
        errorAt(
          organization,
          [],
          'unresolved_ref',
          `plugin "${plugin}"'s escalation "${rule.id}" ${what}; override it under a role (escalations: [{id: ${rule.id}, …}]) or switch it off ({id: ${rule.id}, enabled: false})`,
        ),
      );
    rule.levels.forEach((level, j) => {
      if (!TARGETS_BY_RELATION.has(level.to) && !roles.has(level.to) && !unread('roles', level.to))
        problem(`levels[${j}].to names role "${level.to}", which this organisation does not have`);
    });
    for (const key of policiesRead(rule))
      if (!merged.policies.has(key) && !unread('policies', key))
        problem(`reads policy "${key}", which this organisation does not set`);
  }
  return errors;
}

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
