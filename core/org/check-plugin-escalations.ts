// Checks between a roles file and the loaded plugins' default escalations: an entry that overrides a
// default must name one that is loaded. A default the organisation cannot staff is not an error: it is
// inactive there (inactive-defaults.ts).
import type { OrgCatalogue } from './catalogue.ts';
import { errorAt } from './located.ts';
import type { MergedOrg } from './merge-files.ts';
import type { OrgError } from './org-error.ts';
import { suggest } from './suggest.ts';

export function checkPluginEscalations(merged: MergedOrg, catalogue: OrgCatalogue): OrgError[] {
  const errors: OrgError[] = [];
  for (const at of merged.roles) {
    at.value.escalations.forEach((entry, i) => {
      if (catalogue.escalations.has(entry.id)) return;
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
  return errors;
}
