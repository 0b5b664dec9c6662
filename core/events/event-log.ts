// Domain events, written in the same transaction as the change they describe. On PostgreSQL the
// transaction also NOTIFYs, so other server processes learn of the event exactly when it commits.
import { sql, type Transaction } from 'kysely';
import type { DatabaseKind } from '../db/create-db.ts';
import type { Database } from '../db/schema.ts';

export const EVENT_TYPES = [
  'task.created', 'task.updated', 'task.assigned', 'task.transitioned', 'task.reordered',
  'task.archived', 'task.restored', 'task.commented', 'task.approval_requested', 'task.approval_decided',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const NOTIFY_CHANNEL = 'dutyboard_events';

export interface NewEvent {
  type: EventType;
  taskId: number;
  taskType: string;
  actorId: string | null;
}

export async function recordEvent(tx: Transaction<Database>, kind: DatabaseKind, event: NewEvent): Promise<number> {
  const { id } = await tx
    .insertInto('events')
    .values({ type: event.type, task_id: event.taskId, task_type: event.taskType, actor_id: event.actorId })
    .returning('id')
    .executeTakeFirstOrThrow();
  // Payload is only a wake-up call (NOTIFY payloads are capped and not replayed); readers fetch rows.
  if (kind === 'postgres') await sql`SELECT pg_notify(${NOTIFY_CHANNEL}, ${String(id)})`.execute(tx);
  return id;
}
