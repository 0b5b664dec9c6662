// What a fired level does to the card: notify the target role's holders, reassign to it, raise the
// priority, add a label, or move it. Returns the card's changes; notifications are written here.
import type { Priority } from '../db/schema.ts';
import type { TaskTypeDefinition } from '../org/format.schema.ts';
import { categoryOf } from '../workflow/state-machine.ts';
import type { TaskRow } from '../tasks/task.repository.ts';
import type { CardChanges } from '../tasks/task-writer.ts';

const PRIORITIES: Priority[] = ['low', 'normal', 'high', 'urgent'];

export interface ActionContext {
  card: TaskRow;
  type: TaskTypeDefinition | undefined;
  targetRole: string | null;
  /** Ids of the target role's active holders, the one to reassign to first. */
  holders: string[];
}

export interface ActionResult {
  changes: CardChanges;
  notify: string[];
}

export function applyActions(actions: readonly string[], ctx: ActionContext): ActionResult {
  const changes: CardChanges = {};
  const notify: string[] = [];
  for (const action of actions) {
    if (action === 'notify') notify.push(...ctx.holders);
    else if (action === 'reassign' && ctx.targetRole) {
      changes.role_id = ctx.targetRole;
      changes.assignee_id = ctx.holders[0] ?? null;
    } else if (action === 'raise_priority') {
      const current = (changes.priority as Priority | undefined) ?? ctx.card.priority;
      changes.priority = PRIORITIES[Math.min(PRIORITIES.indexOf(current) + 1, PRIORITIES.length - 1)]!;
    } else if (action.startsWith('label:')) {
      const labels = (changes.labels as string[] | undefined) ?? ctx.card.labels;
      if (!labels.includes(action.slice(6))) changes.labels = [...labels, action.slice(6)];
    } else if (action.startsWith('move:') && ctx.type) {
      const category = categoryOf(ctx.type, action.slice(5));
      if (category)
        Object.assign(changes, {
          status: action.slice(5),
          category,
          ...(category === 'done' ? { done_at: new Date() } : {}),
        });
    }
  }
  return { changes, notify: [...new Set(notify)] };
}
