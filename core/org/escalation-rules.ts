// The escalations in force: those the roles file lists under a role, and the loaded plugins' defaults
// with the roles file's overrides applied (an escalation with a default's id replaces the keys it gives).
import type { PluginEscalation } from './catalogue.ts';
import type { Escalation, EscalationEntry, Role } from './format.schema.ts';

export interface EscalationRule {
  /** The ledger's name for it: `<role>/<id>`, or `<plugin>/<id>` for a plugin's default. */
  key: string;
  /** The role it is listed under (it watches that role's cards); null for a plugin's default, which watches its task types' cards wherever they sit. */
  role: string | null;
  rule: Escalation;
}

/**
 * A default with a roles file entry's keys in place of its own, `applies_to` key by key (so narrowing the
 * statuses keeps the plugin's task types). A copy: each version freezes its own.
 */
export function overridden(base: Escalation, entry: EscalationEntry | undefined): Escalation {
  if (!entry) return structuredClone(base);
  const appliesTo =
    base.applies_to || entry.applies_to ? { applies_to: { ...base.applies_to, ...entry.applies_to } } : {};
  return structuredClone({ ...base, ...entry, ...appliesTo } as Escalation);
}

/** A complete entry (an override of a default that is not loaded has no `when` or `levels`). */
const complete = (entry: EscalationEntry): entry is Escalation =>
  entry.when !== undefined && entry.levels !== undefined;

export function escalationRules(
  roles: readonly Role[],
  defaults: ReadonlyMap<string, PluginEscalation>,
): EscalationRule[] {
  const overrides = new Map(
    roles.flatMap((role) =>
      role.escalations.filter((entry) => defaults.has(entry.id)).map((entry) => [entry.id, entry] as const),
    ),
  );
  const listed = roles.flatMap((role) =>
    role.escalations
      .filter((entry) => !defaults.has(entry.id) && complete(entry))
      .map((rule) => ({ key: `${role.id}/${rule.id}`, role: role.id, rule: rule as Escalation })),
  );
  const plugins = [...defaults.values()].map(({ plugin, rule }) => ({
    key: `${plugin}/${rule.id}`,
    role: null,
    rule: overridden(rule, overrides.get(rule.id)),
  }));
  return [...listed, ...plugins];
}
