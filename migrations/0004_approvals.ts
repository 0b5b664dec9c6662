// Requested transitions waiting for approval, and each approver's decision.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('approvals')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('task_id', 'bigint', (col) => col.notNull().references('tasks.id').onDelete('cascade'))
    .addColumn('from_status', 'text', (col) => col.notNull())
    .addColumn('to_status', 'text', (col) => col.notNull())
    .addColumn('reject_to', 'text')
    .addColumn('role_id', 'text', (col) => col.notNull())
    .addColumn('mode', 'text', (col) => col.notNull())
    .addColumn('required', 'integer', (col) => col.notNull())
    .addColumn('requested_by', 'uuid', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('state', 'text', (col) =>
      col.notNull().defaultTo('pending').check(sql`state IN ('pending', 'approved', 'rejected', 'cancelled')`),
    )
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('decided_at', 'timestamptz')
    .execute();
  // One open request per card at a time.
  await sql`CREATE UNIQUE INDEX approvals_one_pending ON approvals (task_id) WHERE state = 'pending'`.execute(db);
  await sql`CREATE INDEX approvals_role_idx ON approvals (role_id) WHERE state = 'pending'`.execute(db);

  await db.schema
    .createTable('approval_decisions')
    .addColumn('approval_id', 'bigint', (col) => col.notNull().references('approvals.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('approve', 'boolean', (col) => col.notNull())
    .addColumn('comment', 'text')
    .addColumn('decided_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('approval_decisions_pkey', ['approval_id', 'user_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('approval_decisions').execute();
  await db.schema.dropTable('approvals').execute();
}
