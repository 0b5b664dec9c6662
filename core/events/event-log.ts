// Domain events, written in the same transaction as the change they describe. Other server processes
// are woken by a NOTIFY sent after commit (see event-bus.ts): NOTIFY inside the transaction would make
// PostgreSQL serialise every such commit behind one lock.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';

export const EVENT_TYPES = [
  'task.created',
  'task.updated',
  'task.assigned',
  'task.transitioned',
  'task.reordered',
  'task.archived',
  'task.restored',
  'task.commented',
  'task.approval_requested',
  'task.approval_decided',
  'task.linked',
  'notification.created',
  'access.changed',
  'org.activated',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const NOTIFY_CHANNEL = 'dutyboard_events';

/**
 * A person signed out, was disabled, or had roles changed: every process checks that person's live
 * sockets again (an event row, so it reaches the other processes the way card events do).
 */
export const ACCESS_CHANGED = 'access.changed' satisfies EventType;

/**
 * A new organisation version became active: every process applies it (boards for new task types,
 * caches, schedulers) and live clients hear of it. Addressed to everyone, about no card.
 */
export const ORG_ACTIVATED = 'org.activated' satisfies EventType;

export interface NewEvent {
  type: EventType;
  taskId: number;
  taskType: string;
  actorId: string | null;
  recipientId?: string;
}

export async function recordEvent(tx: Transaction<Database>, event: NewEvent): Promise<number> {
  const { id } = await tx
    .insertInto('events')
    .values({
      type: event.type,
      task_id: event.taskId,
      task_type: event.taskType,
      actor_id: event.actorId,
      recipient_id: event.recipientId ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

export async function recordAccessChange(db: Kysely<Database>, userId: string): Promise<void> {
  await db
    .insertInto('events')
    .values({ type: ACCESS_CHANGED, task_id: null, task_type: null, actor_id: null, recipient_id: userId })
    .execute();
}
