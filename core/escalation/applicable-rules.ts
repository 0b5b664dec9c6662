// Which escalations watch a card: switched on, with an applies_to that matches its type (and status,
// where given), and either a plugin's default (it watches its task types' cards wherever they sit) or
// listed under
// - the role the card sits with, when it has one;
// - each role of the person it is assigned to, when it has a person but no role;
// - any role, when the card has neither and the rule names its task type (nobody's card is still seen).
import type { Escalation } from '../org/format.schema.ts';
import type { EscalationRule } from '../org/escalation-rules.ts';
import type { OrgModel } from '../org/org-model.ts';

export interface WatchableCard {
  role_id: string | null;
  assignee_id: string | null;
  type: string;
  status: string;
}

const forType = (rule: Escalation, type: string) =>
  rule.enabled !== false && (!rule.applies_to?.task_types || rule.applies_to.task_types.includes(type));

/** `assigneeRoles`: the roles of the card's assignee (read only for a card with a person and no role). */
export function rulesWatching(
  model: OrgModel,
  task: WatchableCard,
  assigneeRoles: readonly string[] = [],
): EscalationRule[] {
  const unassigned = task.role_id === null && task.assignee_id === null;
  const roles = new Set(task.role_id !== null ? [task.role_id] : assigneeRoles);
  return model.escalations.filter(({ role, rule }) => {
    if (!forType(rule, task.type)) return false;
    if (role === null) return true;
    return unassigned ? rule.applies_to?.task_types !== undefined : roles.has(role);
  });
}

/** Whether a rule may watch the card, without reading its assignee's roles (a person's card: any rule for its type). */
export function mayWatch(model: OrgModel, task: WatchableCard): boolean {
  if (task.role_id !== null || task.assignee_id === null) return rulesWatching(model, task).length > 0;
  return model.escalations.some(({ rule }) => forType(rule, task.type));
}

/** Whether a status still counts for the rule (the cycle's own filter, not the stop condition). */
export function statusApplies(rule: Escalation, status: string): boolean {
  return !rule.applies_to?.statuses || rule.applies_to.statuses.includes(status);
}
