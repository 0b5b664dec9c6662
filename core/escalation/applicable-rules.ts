// Which escalations watch a card: those listed under the role the card sits with, switched on, whose
// applies_to matches its type (and status, where given).
import type { Escalation } from '../org/format.schema.ts';
import type { OrgModel } from '../org/org-model.ts';

export interface ApplicableRule {
  /** `<role>/<escalation id>`: unique across the organisation. */
  key: string;
  role: string;
  rule: Escalation;
}

export function rulesWatching(model: OrgModel, task: { role_id: string | null; type: string; status: string }): ApplicableRule[] {
  if (task.role_id === null) return [];
  const role = model.role(task.role_id);
  if (!role) return [];
  return role.escalations
    .filter((rule) => rule.enabled !== false)
    .filter((rule) => !rule.applies_to?.task_types || rule.applies_to.task_types.includes(task.type))
    .map((rule) => ({ key: `${role.id}/${rule.id}`, role: role.id, rule }));
}

/** Whether a status still counts for the rule (the cycle's own filter, not the stop condition). */
export function statusApplies(rule: Escalation, status: string): boolean {
  return !rule.applies_to?.statuses || rule.applies_to.statuses.includes(status);
}
