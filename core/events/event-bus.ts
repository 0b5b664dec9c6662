// Delivers committed events to this process's listeners (board websockets, later escalations and
// plugins). Writers announce after commit: this process reads, and on PostgreSQL a NOTIFY wakes the
// other processes. Under load commits share both: one read and one NOTIFY at a time, at most one of
// each per COALESCE_MS. Rows are read by id, so a missed or merged wake-up loses nothing.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { compiledOnce } from '../db/compiled-once.ts';
import type { Db } from '../db/create-db.ts';
import type { Logger } from '../logger.ts';
import type { TaskRow } from '../tasks/task.repository.ts';
import { toTaskView, type TaskView } from '../tasks/task-view.ts';
import { NOTIFY_CHANNEL, ORG_ACTIVATED, type EventType } from './event-log.ts';

export interface DeliveredEvent {
  id: number;
  type: EventType;
  taskId: number | null;
  taskType: string | null;
  actorId: string | null;
  recipientId: string | null;
  createdAt: string;
  /** The card as it is now (null if it has been deleted). */
  task: TaskView | null;
}

const BATCH = 1000;
/**
 * Ids are handed out before commit, so a slow transaction can commit an id below one already read.
 * Skipped ids are looked for again until this long has passed (a rolled-back one never comes).
 */
const GAP_TTL_MS = 10_000;
const MAX_GAP = 1000;
/**
 * The least time between two reads (and between two NOTIFYs): a live update may wait this long, and in
 * exchange a busy server makes one read per 25 ms instead of one per commit.
 */
const COALESCE_MS = 25;
/** On PostgreSQL, a wake-up can be lost (a process dies between commit and NOTIFY): look anyway. */
const SAFETY_POLL_MS = 5_000;

const eventsWithCards = compiledOnce(
  (db, values: { after: number; also: number[]; taskTypes: string[]; limit: number }, shape) =>
    db
      .selectFrom('events')
      .leftJoin('tasks', 'tasks.id', 'events.task_id')
      .selectAll('tasks')
      .select([
        'events.id as event_id',
        'events.type as event_type',
        'events.task_id as event_task_id',
        'events.task_type',
        'events.actor_id',
        'events.recipient_id',
        'events.created_at as event_created_at',
      ])
      .where((eb) =>
        shape.includes('also')
          ? eb.or([eb('events.id', '>', values.after), sql<boolean>`events.id = ANY(${values.also}::bigint[])`])
          : eb('events.id', '>', values.after),
      )
      // A board's events: of its task types or a new organisation version, and addressed to everyone
      // (not one person's notification).
      .$if(shape.includes('types'), (select) =>
        select
          .where(sql<boolean>`(events.task_type = ANY(${values.taskTypes}::text[]) OR events.type = ${ORG_ACTIVATED})`)
          .where('events.recipient_id', 'is', null),
      )
      .orderBy('events.id')
      .limit(values.limit),
);

export function createEventBus(db: Db, log: Logger) {
  const listeners = new Set<(events: DeliveredEvent[]) => void>();
  const gaps = new Map<number, number>();
  let cursor = 0;
  let draining: Promise<void> | undefined;
  let pending = false;
  let lastDrain = Number.NEGATIVE_INFINITY;
  let drainLater: NodeJS.Timeout | undefined;
  let notifying = false;
  let lastNotify = Number.NEGATIVE_INFINITY;
  let notifyWanted = false;
  let unlisten: (() => Promise<void>) | undefined;
  let safety: NodeJS.Timeout | undefined;
  const processTag = randomUUID();

  /** Events with their cards as they are now, in one query (it runs after every write). */
  async function load(query: {
    after: number;
    also?: number[];
    taskTypes?: string[];
    limit: number;
  }): Promise<DeliveredEvent[]> {
    const shape = `${query.also?.length ? 'also' : ''} ${query.taskTypes ? 'types' : ''}`;
    const rows = await eventsWithCards(db.kysely, shape, {
      after: query.after,
      also: query.also ?? [],
      taskTypes: query.taskTypes ?? [],
      limit: query.limit,
    });
    return rows.map((row) => ({
      id: row.event_id,
      type: row.event_type as EventType,
      taskId: row.event_task_id,
      taskType: row.task_type,
      actorId: row.actor_id,
      recipientId: row.recipient_id,
      createdAt: row.event_created_at.toISOString(),
      // The joined columns are nullable only for an event whose card is gone (id null).
      task: row.id === null ? null : toTaskView(row as TaskRow),
    }));
  }

  async function drainOnce(): Promise<void> {
    for (;;) {
      const now = Date.now();
      for (const [id, since] of gaps) if (now - since > GAP_TTL_MS) gaps.delete(id);
      const events = await load({ after: cursor, also: [...gaps.keys()], limit: BATCH });
      if (events.length === 0) return;
      for (const event of events) {
        gaps.delete(event.id);
        if (event.id <= cursor) continue;
        for (let missing = Math.max(cursor + 1, event.id - MAX_GAP); missing < event.id; missing++)
          gaps.set(missing, now);
        cursor = event.id;
      }
      for (const listener of listeners) {
        try {
          listener(events);
        } catch (error) {
          log.error({ err: error }, 'event listener failed');
        }
      }
      if (events.length < BATCH) return;
    }
  }

  function poke(): void {
    if (draining) {
      pending = true;
      return;
    }
    const wait = lastDrain + COALESCE_MS - performance.now();
    if (wait > 0) {
      drainLater ??= setTimeout(() => {
        drainLater = undefined;
        poke();
      }, wait);
      return;
    }
    lastDrain = performance.now();
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

  /** After a commit that recorded events: read them here, and wake the other processes. */
  function announce(): void {
    poke();
    // Only processes that listen hear a NOTIFY (none share the embedded database).
    if (!db.listen) return;
    notifyWanted = true;
    if (!notifying) void notifyOthers();
  }

  /** One NOTIFY in flight at a time; commits announced meanwhile share the next one. */
  async function notifyOthers(): Promise<void> {
    notifying = true;
    while (notifyWanted) {
      const wait = lastNotify + COALESCE_MS - performance.now();
      if (wait > 0) await sleep(wait);
      notifyWanted = false;
      lastNotify = performance.now();
      await sql`SELECT pg_notify(${NOTIFY_CHANNEL}, ${processTag})`
        .execute(db.kysely)
        .catch((error: unknown) => log.warn({ err: error }, 'NOTIFY failed'));
    }
    notifying = false;
  }

  return {
    /** Starts from the newest event: listeners hear what happens from now on. */
    async start(): Promise<void> {
      const row = await db.kysely
        .selectFrom('events')
        .select((eb) => eb.fn.max('id').as('max'))
        .executeTakeFirst();
      cursor = Number(row?.max ?? 0);
      if (db.listen) {
        // This process has read its own writes already when its NOTIFY comes back.
        unlisten = await db.listen(NOTIFY_CHANNEL, (from) => from !== processTag && poke(), poke);
        safety = setInterval(poke, SAFETY_POLL_MS).unref();
      }
    },
    subscribe(listener: (events: DeliveredEvent[]) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    announce,
    /** Events after `lastId` for these task types, for a client catching up after a reconnect. */
    /** A board's events after `lastId`: of these task types and addressed to everyone, as live delivery sends them. */
    since: (lastId: number, taskTypes: string[], limit: number) => load({ after: lastId, taskTypes, limit }),
    get lastId(): number {
      return cursor;
    },
    /** Resolves once everything announced so far has been read (benchmarks, shutdown). */
    async settled(): Promise<void> {
      for (;;) {
        if (drainLater) {
          clearTimeout(drainLater);
          drainLater = undefined;
          lastDrain = Number.NEGATIVE_INFINITY;
          poke();
        }
        if (!draining) return;
        await draining;
      }
    },
    async stop(): Promise<void> {
      clearInterval(safety);
      clearTimeout(drainLater);
      await unlisten?.();
      await draining;
      listeners.clear();
    },
  };
}

export type EventBus = ReturnType<typeof createEventBus>;
