// Plans a move: a transition to another status (checked by the state machine, WIP limits of every
// board that shows the card) and/or a new place in the column between two neighbours.
import type { Updateable } from 'kysely';
import type { Actor } from '../auth/actor.ts';
import type { BoardRepository } from '../board/board.repository.ts';
import { positionBetween } from '../board/positions.ts';
import type { TasksTable } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import type { EventType } from '../events/event-log.ts';
import type { ApprovalRule, TaskTypeDefinition } from '../org/format.schema.ts';
import type { OrgModel } from '../org/org-model.ts';
import { ruleTask } from '../workflow/rule-context.ts';
import { checkTransition, type WipCheck } from '../workflow/state-machine.ts';
import type { TaskRepository, TaskRow } from './task.repository.ts';

export interface MoveInput {
  /** Target status; omitted or equal to the current one: only reorder. */
  to?: string;
  /** Neighbours the card is dropped between (ids of cards in the target column). */
  afterId?: number | null;
  beforeId?: number | null;
}

export interface MovePlan {
  changes: Updateable<TasksTable>;
  /** Set when the move has to be requested and approved before it happens. */
  approval?: ApprovalRule;
  event: EventType;
  activity: Record<string, [unknown, unknown]>;
  warnings: string[];
}

interface Context {
  repo: TaskRepository;
  boards: BoardRepository;
  model: OrgModel;
  type: TaskTypeDefinition;
  row: TaskRow;
  actor: Actor;
  input: MoveInput;
  now: Date;
  /** Carrying out an approved request. */
  approved?: boolean;
  /** The last position in the target column, when the caller read it with the card. */
  lastInTarget?: string | null;
}

async function wipChecks({ boards, repo, row, type }: Context, to: string): Promise<WipCheck[]> {
  const checks: WipCheck[] = [];
  for (const board of await boards.showing(type.id)) {
    for (const column of board.columns) {
      if (!column.wip_limit || !column.states.includes(to) || column.states.includes(row.status)) continue;
      const count = await repo.countIn(board.task_types, column.states, row.id);
      checks.push({ column: `${board.id}/${column.id}`, limit: column.wip_limit, count, mode: column.wip_mode ?? 'block' });
    }
  }
  return checks;
}

async function placement({ repo, row, input, lastInTarget }: Context, status: string): Promise<string> {
  const atEnd = async () => positionBetween(lastInTarget === undefined ? await repo.lastPosition(row.type, status) : lastInTarget, null);
  if (input.afterId == null && input.beforeId == null) return atEnd();
  const neighbours = await repo.findMany([input.afterId, input.beforeId].filter((id): id is number => typeof id === 'number'));
  const inColumn = (id: number | null | undefined) => neighbours.find((n) => n.id === id && n.type === row.type && n.status === status && n.id !== row.id);
  const after = inColumn(input.afterId)?.position ?? null;
  const before = inColumn(input.beforeId)?.position ?? null;
  if (after === null && before === null) return atEnd();
  // Neighbours that moved meanwhile can arrive out of order; then place right after `after`.
  if (after !== null && before !== null && after >= before) return positionBetween(after, null);
  return positionBetween(after, before);
}

export async function moveTask(context: Context): Promise<MovePlan> {
  const { row, type, input, actor, model, now, approved = false } = context;
  const to = input.to ?? row.status;
  if (to === row.status) {
    const position = await placement(context, row.status);
    return { changes: { position }, event: 'task.reordered', activity: { position: [row.position, position] }, warnings: [] };
  }
  const check = checkTransition({ type, task: ruleTask(row, now, model.calendar), to, actor, policy: model.policies, now, wip: await wipChecks(context, to), approved });
  if (!check.ok) {
    const code = check.reason === 'permission' ? 'FORBIDDEN' : 'UNPROCESSABLE';
    throw new AppError(code, check.message, { reason: check.reason, ...check.details });
  }
  const position = await placement(context, to);
  return {
    changes: {
      status: to,
      category: check.category,
      position,
      started_at: row.started_at ?? (check.category === 'active' || check.category === 'done' ? now : null),
      done_at: check.category === 'done' ? now : null,
    },
    event: 'task.transitioned',
    activity: { status: [row.status, to] },
    warnings: check.warnings,
    ...(check.approval ? { approval: check.approval } : {}),
  };
}
