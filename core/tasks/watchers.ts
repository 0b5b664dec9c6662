// People who watch a card hear of every change someone else makes to it: a notification in their inbox
// (kind `watched.<action>`, e.g. `watched.moved`) and a live `notification.created` event. Reordering
// within a column is not worth telling.
import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { TaskRow } from './task.repository.ts';

/**
 * Two CTEs (`watched`, `told`) to append to a statement's WITH list; `changes` yields one row per card
 * change with task_id, type, title, actor_id, action and n (the order to tell them in).
 */
export function notifyWatchers(changes: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`watched AS (
      INSERT INTO notifications (user_id, task_id, kind, title)
      SELECT watcher.user_id, change.task_id, 'watched.' || change.action, change.title
      FROM (${changes}) AS change JOIN task_watchers AS watcher ON watcher.task_id = change.task_id
      WHERE watcher.user_id IS DISTINCT FROM change.actor_id AND change.action <> 'reordered'
      ORDER BY change.n, watcher.user_id
      RETURNING user_id, task_id
    ), told AS (
      INSERT INTO events (type, task_id, task_type, actor_id, recipient_id)
      SELECT 'notification.created', watched.task_id, (SELECT type FROM tasks WHERE tasks.id = watched.task_id), NULL, watched.user_id
      FROM watched
    )`;
}

/** The same for one change written in a transaction of its own (a comment, an assignment, an approval…). */
export async function notifyWatchersOf(
  tx: Transaction<Database>,
  change: { task: TaskRow; actorId: string | null; action: string },
): Promise<void> {
  const { task, actorId, action } = change;
  const row = sql`SELECT ${task.id}::int8 AS task_id, ${task.type}::text AS type, ${task.title}::text AS title, ${actorId}::uuid AS actor_id, ${action}::text AS action, 1 AS n`;
  await sql`WITH ${notifyWatchers(row)} SELECT 1`.execute(tx);
}
