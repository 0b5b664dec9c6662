// A card's due time derived from its own date-time field (a task type's `due_from`): e.g. a shipment
// is due policy.ship_within_hours after the order was paid, whenever the card itself was made.
import type { TaskTypeDefinition } from '../org/format.schema.ts';

type Policies = Readonly<Record<string, unknown>>;

/** The derived due time; null when the field is empty or the policy is not a positive number; undefined without `due_from`. */
export function derivedDue(
  type: TaskTypeDefinition,
  fields: Record<string, unknown>,
  policies: Policies,
): Date | null | undefined {
  const rule = type.due_from;
  if (!rule) return undefined;
  const from = fields[rule.field];
  const hours = typeof rule.hours === 'number' ? rule.hours : policies[rule.hours.policy];
  if (typeof from !== 'string' || typeof hours !== 'number' || !(hours > 0)) return null;
  const start = new Date(from);
  return Number.isNaN(start.getTime()) ? null : new Date(start.getTime() + hours * 3_600_000);
}

/** Whether an edit changes the field a due time is derived from. */
export function changesDueSource(
  type: TaskTypeDefinition,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): boolean {
  const field = type.due_from?.field;
  return field !== undefined && before[field] !== after[field];
}
