// The escalation run log: each cycle started or ended, each level fired, each evaluation that failed,
// with the inputs the rule saw and the reason. Events gain a recipient, for personal live updates.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('escalation_runs')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('task_id', 'bigint', (col) => col.notNull().references('tasks.id').onDelete('cascade'))
    .addColumn('rule', 'text', (col) => col.notNull())
    .addColumn('outcome', 'text', (col) => col.notNull().check(sql`outcome IN ('started', 'ended', 'fired', 'failed')`))
    .addColumn('level', 'integer')
    .addColumn('inputs', 'jsonb', (col) => col.notNull())
    .addColumn('reason', 'text', (col) => col.notNull())
    .addColumn('at', 'timestamptz', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('escalation_runs_task_idx').on('escalation_runs').columns(['task_id', 'id']).execute();
  await db.schema.createIndex('escalation_runs_rule_idx').on('escalation_runs').columns(['rule', 'id']).execute();
  await db.schema.alterTable('events').addColumn('recipient_id', 'uuid').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('events').dropColumn('recipient_id').execute();
  await db.schema.dropTable('escalation_runs').execute();
}
