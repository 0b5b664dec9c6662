// Plans a move: a transition to another status (checked by the state machine, WIP limits of every
// board that shows the card) and/or a new place in the column between two neighbours.
import { sql, type Transaction } from 'kysely';
import type { Actor } from '../auth/actor.ts';
import type { BoardRepository } from '../board/board.repository.ts';
import { positionBetween } from '../board/positions.ts';
import type { Database } from '../db/schema.ts';
import type { CardChanges } from './task-writer.ts';
import { AppError } from '../errors.ts';
import type { EventType } from '../events/event-log.ts';
import type { ApprovalRule, TaskTypeDefinition } from '../org/format.schema.ts';
import type { OrgModel } from '../org/org-model.ts';
import { ruleTask } from '../workflow/rule-context.ts';
import { checkTransition, wipRefusal, type Refusal, type WipCheck } from '../workflow/state-machine.ts';
import type { TaskRepository, TaskRow } from './task.repository.ts';

export interface MoveInput {
  /** Target status; omitted or equal to the current one: only reorder. */
  to?: string;
  /** Neighbours the card is dropped between (ids of cards in the target column). */
  afterId?: number | null;
  beforeId?: number | null;
}

/** A blocking WIP limit the move enters: counted again under a lock when the move is written. */
export interface HeldLimit {
  check: WipCheck;
  /** What the column holds: cards of these types in these states. */
  types: string[];
  states: string[];
}

export interface MovePlan {
  changes: CardChanges;
  /** Blocking limits of the target column; pass them to `holdLimits` in the write's transaction. */
  limits: HeldLimit[];
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
  /** The actor's permissions on this card, scope included (core/auth/access.ts). */
  may?: (permission: string) => boolean;
}

async function wipChecks({ boards, repo, row, type }: Context, to: string): Promise<HeldLimit[]> {
  const checks: HeldLimit[] = [];
  for (const board of await boards.showing(type.id)) {
    for (const column of board.columns) {
      if (!column.wip_limit || !column.states.includes(to) || column.states.includes(row.status)) continue;
      const count = await repo.countIn(board.task_types, column.states, row.id);
      checks.push({
        check: { column: `${board.id}/${column.id}`, limit: column.wip_limit, count, mode: column.wip_mode ?? 'block' },
        types: board.task_types,
        states: column.states,
      });
    }
  }
  return checks;
}

function refusal(check: Refusal): AppError {
  return new AppError(check.reason === 'permission' ? 'FORBIDDEN' : 'UNPROCESSABLE', check.message, {
    reason: check.reason,
    ...check.details,
  });
}

/**
 * In the write's transaction: counts each blocking limit's column again, holding a lock on the column
 * until commit, so moves into it one at a time see each other and a limit of N never lets in N + 1.
 * Columns are locked in name order, so two moves cannot wait for each other.
 */
export async function holdLimits(
  tx: Transaction<Database>,
  repo: TaskRepository,
  limits: HeldLimit[],
  cardId: number,
): Promise<void> {
  for (const { check, types, states } of [...limits].sort((a, b) => a.check.column.localeCompare(b.check.column))) {
    await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`wip:${check.column}`}, 0))`.execute(tx);
    const count = await repo.countIn(types, states, cardId, tx);
    if (count >= check.limit) throw refusal(wipRefusal({ ...check, count }));
  }
}

async function placement({ repo, row, input, lastInTarget }: Context, status: string): Promise<string> {
  const atEnd = async () =>
    positionBetween(lastInTarget === undefined ? await repo.lastPosition(row.type, status) : lastInTarget, null);
  if (input.afterId == null && input.beforeId == null) return atEnd();
  const neighbours = await repo.findMany(
    [input.afterId, input.beforeId].filter((id): id is number => typeof id === 'number'),
  );
  const inColumn = (id: number | null | undefined) =>
    neighbours.find((n) => n.id === id && n.type === row.type && n.status === status && n.id !== row.id);
  const after = inColumn(input.afterId)?.position ?? null;
  const before = inColumn(input.beforeId)?.position ?? null;
  if (after === null && before === null) return atEnd();
  // Neighbours that moved meanwhile can arrive out of order; then place right after `after`.
  if (after !== null && before !== null && after >= before) return positionBetween(after, null);
  return positionBetween(after, before);
}

export async function moveTask(context: Context): Promise<MovePlan> {
  const { row, type, input, actor, model, now, approved = false, may } = context;
  const to = input.to ?? row.status;
  if (to === row.status) {
    const position = await placement(context, row.status);
    return {
      changes: { position },
      limits: [],
      event: 'task.reordered',
      activity: { position: [row.position, position] },
      warnings: [],
    };
  }
  const limits = await wipChecks(context, to);
  const check = checkTransition({
    type,
    task: ruleTask(row, now, model.calendar),
    to,
    actor,
    policy: model.policies,
    now,
    wip: limits.map((limit) => limit.check),
    approved,
    ...(may ? { may } : {}),
  });
  if (!check.ok) throw refusal(check);
  const position = await placement(context, to);
  return {
    limits: limits.filter((limit) => limit.check.mode === 'block'),
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
