// Escalation state: when each card needs its next check, each cycle of each rule on a card, each level
// fired (unique: a level fires once per cycle however often and wherever the engine runs), and the
// in-app inbox notifications escalations send.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('tasks').addColumn('next_check_at', 'timestamptz').execute();
  await sql`CREATE INDEX tasks_next_check_idx ON tasks (next_check_at) WHERE next_check_at IS NOT NULL`.execute(db);

  await db.schema
    .createTable('escalation_cycles')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('task_id', 'bigint', (col) => col.notNull().references('tasks.id').onDelete('cascade'))
    .addColumn('rule', 'text', (col) => col.notNull())
    .addColumn('cycle', 'integer', (col) => col.notNull())
    .addColumn('org_version_id', 'integer', (col) => col.notNull())
    .addColumn('started_at', 'timestamptz', (col) => col.notNull())
    .addColumn('ended_at', 'timestamptz')
    .addUniqueConstraint('escalation_cycles_once', ['task_id', 'rule', 'cycle'])
    .execute();
  await sql`CREATE UNIQUE INDEX escalation_cycles_one_open ON escalation_cycles (task_id, rule) WHERE ended_at IS NULL`.execute(
    db,
  );

  await db.schema
    .createTable('escalation_firings')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('task_id', 'bigint', (col) => col.notNull().references('tasks.id').onDelete('cascade'))
    .addColumn('rule', 'text', (col) => col.notNull())
    .addColumn('cycle', 'integer', (col) => col.notNull())
    .addColumn('level', 'integer', (col) => col.notNull())
    .addColumn('target_role', 'text')
    // Roles passed over because nobody holds them, nearest first.
    .addColumn('skipped_roles', sql`text[]`, (col) => col.notNull().defaultTo(sql`'{}'`))
    .addColumn('actions', sql`text[]`, (col) => col.notNull())
    .addColumn('fired_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('escalation_firings_once', ['task_id', 'rule', 'cycle', 'level'])
    .execute();
  await db.schema
    .createIndex('escalation_firings_rule_idx')
    .on('escalation_firings')
    .columns(['rule', 'fired_at'])
    .execute();

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('user_id', 'uuid', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('task_id', 'bigint', (col) => col.references('tasks.id').onDelete('cascade'))
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('read_at', 'timestamptz')
    .execute();
  await sql`CREATE INDEX notifications_unread_idx ON notifications (user_id, id) WHERE read_at IS NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['notifications', 'escalation_firings', 'escalation_cycles'])
    await db.schema.dropTable(table).execute();
  await db.schema.alterTable('tasks').dropColumn('next_check_at').execute();
}
