// Approval requests and decisions.
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { ApprovalSnapshot, ApprovalState, ApprovalsTable, Database } from '../db/schema.ts';

type Executor = Kysely<Database> | Transaction<Database>;
export type ApprovalRow = Selectable<ApprovalsTable>;

export function createApprovalsRepository(db: Kysely<Database>) {
  return {
    find: (id: number, executor: Executor = db) =>
      executor.selectFrom('approvals').selectAll().where('id', '=', id).executeTakeFirst(),
    /** Locks the request so concurrent deciders take turns. */
    lock: (tx: Transaction<Database>, id: number) =>
      tx.selectFrom('approvals').selectAll().where('id', '=', id).forUpdate().executeTakeFirst(),
    pendingFor: (taskId: number, executor: Executor = db) =>
      executor
        .selectFrom('approvals')
        .selectAll()
        .where('task_id', '=', taskId)
        .where('state', '=', 'pending')
        .executeTakeFirst(),
    insert: (
      tx: Transaction<Database>,
      values: Omit<ApprovalRow, 'id' | 'state' | 'created_at' | 'decided_at' | 'snapshot'> & {
        snapshot: ApprovalSnapshot;
      },
    ) =>
      tx
        .insertInto('approvals')
        .values({ ...values, snapshot: JSON.stringify(values.snapshot) })
        .returningAll()
        .executeTakeFirstOrThrow(),
    async decide(
      tx: Transaction<Database>,
      approvalId: number,
      userId: string,
      approve: boolean,
      comment: string | null,
    ) {
      await tx
        .insertInto('approval_decisions')
        .values({ approval_id: approvalId, user_id: userId, approve, comment })
        .execute();
    },
    decisions: (approvalId: number, executor: Executor = db) =>
      executor
        .selectFrom('approval_decisions')
        .leftJoin('users', 'users.id', 'approval_decisions.user_id')
        .select(['user_id', 'approve', 'comment', 'decided_at', 'users.display_name'])
        .where('approval_id', '=', approvalId)
        .orderBy('decided_at')
        .execute(),
    close: (tx: Transaction<Database>, id: number, state: Exclude<ApprovalState, 'pending'>) =>
      tx.updateTable('approvals').set({ state, decided_at: new Date() }).where('id', '=', id).execute(),
    /** Pending requests for these roles that this person has not decided yet. */
    inbox: (roles: string[], userId: string) =>
      db
        .selectFrom('approvals')
        .innerJoin('tasks', 'tasks.id', 'approvals.task_id')
        .leftJoin('users', 'users.id', 'approvals.requested_by')
        .select([
          'approvals.id',
          'approvals.task_id',
          'tasks.title',
          'tasks.type',
          'from_status',
          'to_status',
          'approvals.role_id',
          'mode',
          'required',
          'approvals.snapshot',
          'approvals.created_at',
          'users.display_name as requested_by_name',
        ])
        .where('approvals.state', '=', 'pending')
        .where('approvals.role_id', 'in', roles.length ? roles : [''])
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('approval_decisions')
                .select('user_id')
                .whereRef('approval_decisions.approval_id', '=', 'approvals.id')
                .where('approval_decisions.user_id', '=', userId),
            ),
          ),
        )
        .orderBy('approvals.id')
        .execute(),
  };
}

export type ApprovalsRepository = ReturnType<typeof createApprovalsRepository>;
