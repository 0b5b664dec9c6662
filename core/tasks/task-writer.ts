// The one way card changes are written: the change, its activity row and its event row commit together;
// listeners are told after commit. Inside `write`'s `fn` use only `tx`: PGlite has a single connection,
// and a query on the outer handle would wait for this transaction forever.
import type { Transaction, Updateable } from 'kysely';
import type { Actor } from '../auth/actor.ts';
import type { Db } from '../db/create-db.ts';
import type { Database, TasksTable } from '../db/schema.ts';
import { recordEvent, type EventType } from '../events/event-log.ts';
import { staleVersion } from './task-errors.ts';
import type { Recorded, TaskRepository, TaskRow } from './task.repository.ts';
import { notifyWatchersOf } from './watchers.ts';

export type Changes = Record<string, [unknown, unknown]>;
export type Record_ = (task: TaskRow, type: EventType, actor: Actor | null, action: string, changes: Changes, note?: string) => Promise<void>;

/** The part of a card that decides whether the event path has anything to do with it. */
export type WatchedCard = Pick<TaskRow, 'type' | 'status' | 'role_id' | 'assignee_id' | 'archived_at' | 'open_escalations'>;

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

export function createTaskWriter<Context>(deps: { db: Db; repo: TaskRepository; afterCommit: () => void; afterChange?: AfterChange<Context> }) {
  /** `fn`'s value, and each card it recorded as committed (after the event path). */
  async function transaction<T>(context: Context | undefined, fn: (tx: Transaction<Database>, record: Record_) => Promise<T>): Promise<{ value: T; cards: Map<number, TaskRow> }> {
    const result = await deps.db.kysely.transaction().execute(async (tx) => {
      const touched = new Set<number>();
      const cards = new Map<number, TaskRow>();
      const value = await fn(tx, async (task, type, actor, action, changes, note) => {
        touched.add(task.id);
        await deps.repo.addActivity(tx, { taskId: task.id, actorId: actor?.id ?? null, action, changes, ...(note ? { note } : {}) });
        await recordEvent(tx, { type, taskId: task.id, taskType: task.type, actorId: actor?.id ?? null });
        // A card just made has nobody watching it yet.
        if (action !== 'created') await notifyWatchersOf(tx, { task, actorId: actor?.id ?? null, action });
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
  async function change(row: TaskRow, expectedVersion: number, changes: Updateable<TasksTable>, entry: ChangeEntry, first?: (tx: Transaction<Database>) => Promise<void>): Promise<TaskRow> {
    const context = await deps.afterChange?.prepare();
    const after = { ...pickWatched(row), ...pickWatched(changes) } as WatchedCard;
    const { actor, ...rest } = entry;
    const recorded = { ...rest, actorId: actor?.id ?? null };
    const inTransaction = async () => {
      const result = await deps.db.kysely.transaction().execute(async (tx) => {
        await first?.(tx);
        const updated = await deps.repo.updateRecordedIn(tx, row.id, expectedVersion, changes, recorded);
        if (!updated) throw staleVersion((await deps.repo.find(row.id, tx)) ?? row, expectedVersion);
        // The UPDATE holds the card's row lock: `updated` is the card as the engine must see it.
        return (await deps.afterChange?.run(tx, updated, context as Context)) ?? updated;
      });
      deps.afterCommit();
      return result;
    };
    if (first || row.watchers > 0 || (deps.afterChange?.concerns(after, context as Context) ?? false)) return inTransaction();
    const updated = await deps.repo.updateRecordedUnlessWatched(row.id, expectedVersion, changes, recorded);
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

  return { write, writeCard, change };
}

function pickWatched(values: object): Partial<WatchedCard> {
  const picked: Record<string, unknown> = {};
  for (const key of ['type', 'status', 'role_id', 'assignee_id', 'archived_at', 'open_escalations'] as const) {
    if (key in values) picked[key] = (values as Record<string, unknown>)[key];
  }
  return picked as Partial<WatchedCard>;
}

/** The transaction form, for commands that write more than one card's change. */
export type TaskWriter = ReturnType<typeof createTaskWriter>['write'];
