// Delivers committed events to this process's listeners (board websockets, later escalations and
// plugins). Writers poke it after commit; on PostgreSQL, NOTIFY pokes it for other processes' writes.
// It reads rows by id, so a missed or merged notification loses nothing.
import type { Db } from '../db/create-db.ts';
import type { Logger } from '../logger.ts';
import { toTaskView, type TaskView } from '../tasks/task-view.ts';
import { NOTIFY_CHANNEL, type EventType } from './event-log.ts';

export interface DeliveredEvent {
  id: number;
  type: EventType;
  taskId: number | null;
  taskType: string | null;
  actorId: string | null;
  createdAt: string;
  /** The card as it is now (null if it has been deleted). */
  task: TaskView | null;
}

/** Ids are handed out before commit, so a slow transaction can commit an id below one already read. */
const REORDER_WINDOW = 500;
const BATCH = 1000;

export function createEventBus(db: Db, log: Logger) {
  const listeners = new Set<(events: DeliveredEvent[]) => void>();
  const delivered = new Set<number>();
  let cursor = 0;
  let draining: Promise<void> | undefined;
  let pending = false;
  let unlisten: (() => Promise<void>) | undefined;

  async function load(query: { after: number; taskTypes?: string[]; limit: number }): Promise<DeliveredEvent[]> {
    let select = db.kysely.selectFrom('events').selectAll().where('id', '>', query.after);
    if (query.taskTypes) select = select.where('task_type', 'in', query.taskTypes.length ? query.taskTypes : ['']);
    const rows = await select.orderBy('id').limit(query.limit).execute();
    const taskIds = [...new Set(rows.map((row) => row.task_id).filter((id): id is number => id !== null))];
    const tasks = taskIds.length ? await db.kysely.selectFrom('tasks').selectAll().where('id', 'in', taskIds).execute() : [];
    const byId = new Map(tasks.map((task) => [task.id, toTaskView(task)]));
    return rows.map((row) => ({
      id: row.id,
      type: row.type as EventType,
      taskId: row.task_id,
      taskType: row.task_type,
      actorId: row.actor_id,
      createdAt: row.created_at.toISOString(),
      task: row.task_id === null ? null : (byId.get(row.task_id) ?? null),
    }));
  }

  async function drainOnce(): Promise<void> {
    for (;;) {
      const events = (await load({ after: Math.max(0, cursor - REORDER_WINDOW), limit: BATCH })).filter((e) => !delivered.has(e.id));
      if (events.length === 0) return;
      for (const event of events) {
        delivered.add(event.id);
        cursor = Math.max(cursor, event.id);
      }
      for (const id of delivered) if (id <= cursor - REORDER_WINDOW) delivered.delete(id);
      for (const listener of listeners) {
        try {
          listener(events);
        } catch (error) {
          log.error({ err: error }, 'event listener failed');
        }
      }
      if (events.length < BATCH / 2) return;
    }
  }

  function poke(): void {
    if (draining) {
      pending = true;
      return;
    }
    draining = drainOnce()
      .catch((error: unknown) => log.warn({ err: error }, 'reading events failed'))
      .finally(() => {
        draining = undefined;
        if (pending) {
          pending = false;
          poke();
        }
      });
  }

  return {
    /** Starts from the newest event: listeners hear what happens from now on. */
    async start(): Promise<void> {
      const row = await db.kysely.selectFrom('events').select((eb) => eb.fn.max('id').as('max')).executeTakeFirst();
      cursor = Number(row?.max ?? 0);
      if (db.listen) unlisten = await db.listen(NOTIFY_CHANNEL, poke, poke);
    },
    subscribe(listener: (events: DeliveredEvent[]) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    poke,
    /** Events after `lastId` for these task types, for a client catching up after a reconnect. */
    since: (lastId: number, taskTypes: string[], limit: number) => load({ after: lastId, taskTypes, limit }),
    get lastId(): number {
      return cursor;
    },
    /** Resolves once every poke so far has been read (tests and shutdown). */
    async settled(): Promise<void> {
      while (draining) await draining;
    },
    async stop(): Promise<void> {
      await unlisten?.();
      await draining;
      listeners.clear();
    },
  };
}

export type EventBus = ReturnType<typeof createEventBus>;
