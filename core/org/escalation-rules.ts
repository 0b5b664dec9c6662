// The escalations in force: those the roles file lists under a role, and the loaded plugins' defaults
// with the roles file's overrides applied (an escalation with a default's id replaces the keys it gives),
// but for a default the organisation cannot staff and does not override: that one is inactive here.
import type { PluginEscalation } from './catalogue.ts';
import type { Escalation, EscalationEntry, OrgDefinition } from './format.schema.ts';
import { describeMissing, missingForDefault, type MissingForDefault } from './inactive-defaults.ts';

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

/** A loaded plugin's default escalation in this organisation: whether it runs, and if not why. */
export interface DefaultEscalationState {
  plugin: string;
  id: string;
  title: string | null;
  active: boolean;
  /** The roles file switches it off (`enabled: false`). */
  switchedOff: boolean;
  /** What the organisation lacks for it (never for an overridden default: an override is checked as the file's own). */
  missing: MissingForDefault[];
  /** Why it is inactive, in a sentence; absent when active. */
  reason?: string;
}

export function escalationRules(
  definition: Pick<OrgDefinition, 'roles' | 'policies'>,
  defaults: ReadonlyMap<string, PluginEscalation>,
): { rules: EscalationRule[]; defaults: DefaultEscalationState[] } {
  const { roles } = definition;
  const roleIds = new Set(roles.map((role) => role.id));
  const staffing = {
    hasRole: (id: string) => roleIds.has(id),
    hasPolicy: (key: string) => Object.hasOwn(definition.policies, key),
  };
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
  const plugins: EscalationRule[] = [];
  const states = [...defaults.values()].map(({ plugin, rule }): DefaultEscalationState => {
    const entry = overrides.get(rule.id);
    const inForce = overridden(rule, entry);
    const missing = entry ? [] : missingForDefault(rule, staffing);
    const switchedOff = inForce.enabled === false;
    const active = !switchedOff && missing.length === 0;
    if (missing.length === 0) plugins.push({ key: `${plugin}/${rule.id}`, role: null, rule: inForce });
    const reason = switchedOff ? 'the roles file switches it off (enabled: false)' : describeMissing(missing);
    return {
      plugin,
      id: rule.id,
      title: inForce.title ?? null,
      active,
      switchedOff,
      missing,
      ...(active ? {} : { reason }),
    };
  });
  return { rules: [...listed, ...plugins], defaults: states };
}
