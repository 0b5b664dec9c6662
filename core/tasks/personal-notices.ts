// Telling one person of something that concerns them, as watchers are told: a card someone assigned to
// them (kind `assigned`) or their approval request decided (`approval.approved`, `approval.rejected`). An
// inbox notification and a live `notification.created` event, written with the change; nobody is told
// of their own doing.
import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { recordEvent } from '../events/event-log.ts';
import type { TaskRow } from './task.repository.ts';

export type PersonalNotice = 'assigned' | 'approval.approved' | 'approval.rejected';

export async function notifyPerson(
  tx: Transaction<Database>,
  notice: { userId: string | null; actorId: string | null; task: TaskRow; kind: PersonalNotice },
): Promise<void> {
  const { userId, actorId, task, kind } = notice;
  if (userId === null || userId === actorId) return;
  await tx.insertInto('notifications').values({ user_id: userId, task_id: task.id, kind, title: task.title }).execute();
  await recordEvent(tx, {
    type: 'notification.created',
    taskId: task.id,
    taskType: task.type,
    actorId: null,
    recipientId: userId,
  });
}
