// The one way card changes are written: a transaction with the change, its activity row and its
// event row; listeners are told after commit. Inside `fn` use only `tx`: PGlite has a single
// connection, and a query on the outer handle would wait for this transaction forever.
import type { Transaction } from 'kysely';
import type { Actor } from '../auth/actor.ts';
import type { Db } from '../db/create-db.ts';
import type { Database } from '../db/schema.ts';
import { recordEvent, type EventType } from '../events/event-log.ts';
import type { TaskRepository, TaskRow } from './task.repository.ts';

export type Changes = Record<string, [unknown, unknown]>;
export type Record_ = (task: TaskRow, type: EventType, actor: Actor | null, action: string, changes: Changes, note?: string) => Promise<void>;

/** Runs after every change in the same transaction (the escalation engine's event path). */
export interface AfterChange<Context> {
  prepare(): Promise<Context>;
  run(tx: Transaction<Database>, card: TaskRow, context: Context): Promise<void>;
}

export function createTaskWriter<Context>(deps: { db: Db; repo: TaskRepository; afterCommit: () => void; afterChange?: AfterChange<Context> }) {
  return async function write<T>(fn: (tx: Transaction<Database>, record: Record_) => Promise<T>): Promise<T> {
    const context = await deps.afterChange?.prepare();
    const result = await deps.db.kysely.transaction().execute(async (tx) => {
      const touched = new Set<number>();
      const value = await fn(tx, async (task, type, actor, action, changes, note) => {
        touched.add(task.id);
        await deps.repo.addActivity(tx, { taskId: task.id, actorId: actor?.id ?? null, action, changes, ...(note ? { note } : {}) });
        await recordEvent(tx, { type, taskId: task.id, taskType: task.type, actorId: actor?.id ?? null });
      });
      if (deps.afterChange) {
        for (const id of touched) {
          const card = await deps.repo.find(id, tx);
          if (card) await deps.afterChange.run(tx, card, context as Context);
        }
      }
      return value;
    });
    deps.afterCommit();
    return result;
  };
}

export type TaskWriter = ReturnType<typeof createTaskWriter>;
