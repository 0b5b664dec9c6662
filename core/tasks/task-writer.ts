// The one way cards are written. Every change to a card — people's commands, duties, escalation actions,
// approvals, plugins — comes here as a typed change set (core/tasks/card-statements.ts), and commits with
// its activity row and event row; listeners are told after commit. How it is written (one shared
// statement for many requests, or a transaction with the escalation event path) is the writer's own
// business: card-statements.ts, card-batches.ts and card-creates.ts are private to it (tests/card-writer-only.test.ts).
import type { Transaction } from 'kysely';
import type { Actor } from '../auth/actor.ts';
import { positionBetween } from '../board/positions.ts';
import type { WatchedColumn } from '../db/card-columns.ts';
import { WATCHED_COLUMNS } from '../db/card-columns.ts';
import type { Db } from '../db/create-db.ts';
import type { Database } from '../db/schema.ts';
import { recordEvent, type EventType } from '../events/event-log.ts';
import { createCardBatches } from './card-batches.ts';
import { createCardCreates } from './card-creates.ts';
import {
  checkChanges,
  insertCard,
  recountWatchers,
  scheduleCheck,
  updateVersioned,
  type CardChanges,
  type EngineChanges,
  type NewCard,
} from './card-statements.ts';
import { notifyPerson } from './personal-notices.ts';
import { staleVersion } from './task-errors.ts';
import type { Recorded, TaskRepository, TaskRow } from './task.repository.ts';
import { notifyWatchersOf } from './watchers.ts';

export type { CardChanges, EngineChanges, NewCard } from './card-statements.ts';
export type Changes = Record<string, [unknown, unknown]>;
export type Record_ = (
  task: TaskRow,
  type: EventType,
  actor: Actor | null,
  action: string,
  changes: Changes,
  note?: string,
) => Promise<void>;

/** The part of a card that decides whether the event path has anything to do with it. */
export type WatchedCard = Pick<TaskRow, WatchedColumn>;

/** Runs after every change in the same transaction (the escalation engine's event path). */
export interface AfterChange<Context> {
  prepare(): Promise<Context>;
  /** False when no rule can see the card as it will be: the change is then written in one statement. */
  concerns(card: WatchedCard, context: Context): boolean;
  /** Returns the card as it is afterwards (a level that fired may have changed it). */
  run(tx: Transaction<Database>, card: TaskRow, context: Context): Promise<TaskRow>;
}

/** One card's change as the activity log and the live event describe it, with who made it. */
export type ChangeEntry = Omit<Recorded, 'actorId'> & { actor: Actor | null };

/**
 * Cards written inside a transaction someone else holds (a command's, or the escalation engine's time
 * path): a versioned change — undefined when the card is no longer at `expectedVersion` — and the
 * engine's own bookkeeping. The caller records what it did.
 */
export function cardsIn(tx: Transaction<Database>) {
  return {
    update: (id: number, expectedVersion: number, changes: CardChanges) =>
      updateVersioned(tx, id, expectedVersion, changes),
    schedule: (id: number, values: EngineChanges) => scheduleCheck(tx, id, values),
  };
}

export function createTaskWriter<Context>(deps: {
  db: Db;
  repo: TaskRepository;
  afterCommit: () => void;
  afterChange?: AfterChange<Context>;
}) {
  const batches = createCardBatches(deps.db.kysely);
  const creates = createCardCreates(deps.db.kysely);
  const concerns = (card: WatchedCard, context: Context | undefined) =>
    deps.afterChange?.concerns(card, context as Context) ?? false;

  /** `fn`'s value, and each card it recorded as committed (after the event path). */
  async function transaction<T>(
    context: Context | undefined,
    fn: (tx: Transaction<Database>, record: Record_) => Promise<T>,
  ): Promise<{ value: T; cards: Map<number, TaskRow> }> {
    const result = await deps.db.kysely.transaction().execute(async (tx) => {
      const touched = new Set<number>();
      const cards = new Map<number, TaskRow>();
      const value = await fn(tx, async (task, type, actor, action, changes, note) => {
        touched.add(task.id);
        await deps.repo.addActivity(tx, {
          taskId: task.id,
          actorId: actor?.id ?? null,
          action,
          changes,
          ...(note ? { note } : {}),
        });
        await recordEvent(tx, { type, taskId: task.id, taskType: task.type, actorId: actor?.id ?? null });
        await notifyWatchersOf(tx, { task, actorId: actor?.id ?? null, action });
      });
      if (deps.afterChange) {
        for (const id of touched) {
          const card = await deps.repo.find(id, tx);
          if (card) cards.set(id, await deps.afterChange.run(tx, card, context as Context));
        }
      }
      return { value, cards };
    });
    deps.afterCommit();
    return result;
  }

  /** Any number of writes in one transaction; each card passed to `record` gets the event path. */
  async function write<T>(fn: (tx: Transaction<Database>, record: Record_) => Promise<T>): Promise<T> {
    return (await transaction(await deps.afterChange?.prepare(), fn)).value;
  }

  /**
   * One card written and recorded by `fn`; answers the card as committed: an escalation firing in the
   * same write changes it after `fn` (a stale version in the answer would make the next edit a 409).
   */
  async function writeCard(fn: (tx: Transaction<Database>, record: Record_) => Promise<TaskRow>): Promise<TaskRow> {
    const { value, cards } = await transaction(await deps.afterChange?.prepare(), fn);
    return cards.get(value.id) ?? value;
  }

  /**
   * One card's versioned change with its record: a 409 with the current card when `expectedVersion` is
   * stale. A card no rule and nobody watches is written in one statement; otherwise in a transaction,
   * with the event path and telling the watchers. `first` runs in that transaction before the write
   * (a change that needs it gets one).
   */
  async function change(
    row: TaskRow,
    expectedVersion: number,
    changes: CardChanges,
    entry: ChangeEntry,
    first?: (tx: Transaction<Database>) => Promise<void>,
  ): Promise<TaskRow> {
    checkChanges(changes);
    const context = await deps.afterChange?.prepare();
    const after = { ...pickWatched(row), ...pickWatched(changes) } as WatchedCard;
    const { actor, ...rest } = entry;
    const recorded = { ...rest, actorId: actor?.id ?? null };
    const inTransaction = async () => {
      const result = await deps.db.kysely.transaction().execute(async (tx) => {
        await first?.(tx);
        const updated = await batches.updateRecordedIn(tx, row.id, expectedVersion, changes, recorded);
        if (!updated) throw staleVersion((await deps.repo.find(row.id, tx)) ?? row, expectedVersion);
        // The UPDATE holds the card's row lock: `updated` is the card as the engine must see it.
        return (await deps.afterChange?.run(tx, updated, context as Context)) ?? updated;
      });
      deps.afterCommit();
      return result;
    };
    if (first || row.watchers > 0 || concerns(after, context)) return inTransaction();
    const updated = await batches.updateRecordedUnlessWatched(row.id, expectedVersion, changes, recorded);
    if (updated) {
      deps.afterCommit();
      return updated;
    }
    const now = await deps.repo.find(row.id);
    // Still at the version seen, so a cycle opened or someone started watching meanwhile: write it in a
    // transaction after all.
    if (now?.version === expectedVersion) return inTransaction();
    throw staleVersion(now ?? row, expectedVersion);
  }

  /**
   * A new card at the end of its column, recorded as created. `assign` decides its assignee inside the
   * transaction (handing a role's card to the holder with the fewest open cards takes turns); `tell`: the
   * person it is given to hears of it (not when they made it). A card no rule can see and nobody has to be
   * chosen for is made together with the others made meanwhile, in shared statements; any other in a
   * transaction with the event path, without reading the card again.
   */
  async function create(
    card: NewCard,
    entry: {
      actor: Actor | null;
      tell: boolean;
      assign?: (tx: Transaction<Database>) => Promise<Pick<NewCard, 'assignee_id' | 'role_id'>>;
    },
  ): Promise<TaskRow> {
    const context = await deps.afterChange?.prepare();
    const actorId = entry.actor?.id ?? null;
    const unseen =
      !entry.assign &&
      !concerns(
        {
          type: card.type,
          status: card.status,
          role_id: card.role_id ?? null,
          assignee_id: card.assignee_id ?? null,
          archived_at: null,
          open_escalations: 0,
        },
        context,
      );
    const created = unseen
      ? await creates({ card, actorId, tell: entry.tell })
      : await deps.db.kysely.transaction().execute(async (tx) => {
          const assignment = (await entry.assign?.(tx)) ?? {};
          const position = positionBetween(await deps.repo.lastPosition(card.type, card.status, tx), null);
          const row = await insertCard(tx, { ...card, ...assignment, position });
          // A card just made has nobody watching it yet.
          await deps.repo.addActivity(tx, {
            taskId: row.id,
            actorId,
            action: 'created',
            changes: { status: [null, row.status], title: [null, row.title] },
          });
          await recordEvent(tx, { type: 'task.created', taskId: row.id, taskType: row.type, actorId });
          if (entry.tell) await notifyPerson(tx, { userId: row.assignee_id, actorId, task: row, kind: 'assigned' });
          return concerns(row, context) ? deps.afterChange!.run(tx, row, context as Context) : row;
        });
    deps.afterCommit();
    return created;
  }

  /** Starts or stops `userId` watching the card, counting its watchers again in the same transaction. */
  async function watch(taskId: number, userId: string, watching: boolean): Promise<void> {
    await deps.db.kysely.transaction().execute(async (tx) => {
      if (watching)
        await tx
          .insertInto('task_watchers')
          .values({ task_id: taskId, user_id: userId })
          .onConflict((oc) => oc.doNothing())
          .execute();
      else await tx.deleteFrom('task_watchers').where('task_id', '=', taskId).where('user_id', '=', userId).execute();
      await recountWatchers(tx, taskId);
    });
  }

  return { write, writeCard, change, create, watch };
}

function pickWatched(values: object): Partial<WatchedCard> {
  const picked: Record<string, unknown> = {};
  for (const key of WATCHED_COLUMNS) {
    if (key in values) picked[key] = (values as Record<string, unknown>)[key];
  }
  return picked as Partial<WatchedCard>;
}

/** The transaction form, for commands that write more than one card's change. */
export type TaskWriter = ReturnType<typeof createTaskWriter>['write'];
