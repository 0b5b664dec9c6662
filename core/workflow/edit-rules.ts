// What a card's state lets people change. A card in a `done` state is read-only except for comments
// (unless its state says `read_only: false`; any state may say `read_only: true`), and a state's
// `locked_fields` cannot change while the card is in it: what was approved or passed a guard stays so.
import { AppError } from '../errors.ts';
import type { TaskTypeDefinition, WorkflowState } from '../org/format.schema.ts';
import type { TaskRow } from '../tasks/task.repository.ts';
import { toTaskView } from '../tasks/task-view.ts';

const stateOf = (type: TaskTypeDefinition, status: string): WorkflowState | undefined =>
  type.workflow.states.find((state) => state.id === status);

export function isReadOnly(state: WorkflowState | undefined): boolean {
  return state?.read_only ?? state?.category === 'done';
}

const nameOf = (state: WorkflowState) =>
  typeof state.name === 'string' ? state.name : (state.name['zh-CN'] ?? state.name.en ?? state.id);

/** Refuses any change but a comment (and a move out) to a card whose state is read-only. */
export function refuseIfReadOnly(type: TaskTypeDefinition, row: TaskRow): void {
  const state = stateOf(type, row.status);
  if (!state || !isReadOnly(state)) return;
  throw new AppError(
    'CONFLICT',
    `Card ${row.id} is in "${nameOf(state)}" (${state.id}), where it is read-only except for comments; move it out of that state to change it.`,
    { reason: 'read_only', status: state.id, current: toTaskView(row) },
  );
}

/** Refuses an edit that changes a field the card's state locks. `changed`: the field ids the edit changes. */
export function refuseLockedFields(type: TaskTypeDefinition, row: TaskRow, changed: string[]): void {
  const state = stateOf(type, row.status);
  const locked = changed.filter((field) => state?.locked_fields?.includes(field));
  if (!state || locked.length === 0) return;
  throw new AppError(
    'CONFLICT',
    `Card ${row.id} is in "${nameOf(state)}" (${state.id}), where ${locked.map((field) => `"${field}"`).join(', ')} cannot change.`,
    { reason: 'locked_fields', status: state.id, fields: locked, current: toTaskView(row) },
  );
}
