// Cards (tasks) with their activity, comments and watchers; boards; and the event log live updates replay.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('tasks')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('type', 'text', (col) => col.notNull())
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('description', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('status', 'text', (col) => col.notNull())
    // The status's category (todo | active | blocked | done), kept with it so boards and KPIs filter fast.
    .addColumn('category', 'text', (col) => col.notNull())
    .addColumn('priority', 'text', (col) =>
      col.notNull().defaultTo('normal').check(sql`priority IN ('low', 'normal', 'high', 'urgent')`),
    )
    .addColumn('fields', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('labels', sql`text[]`, (col) => col.notNull().defaultTo(sql`'{}'`))
    .addColumn('assignee_id', 'uuid', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('role_id', 'text')
    .addColumn('due_at', 'timestamptz')
    // Byte order: fractional keys mix upper and lower case, which a language collation would reorder.
    .addColumn('position', sql`text COLLATE "C"`, (col) => col.notNull())
    .addColumn('version', 'integer', (col) => col.notNull().defaultTo(1))
    .addColumn('created_by', 'uuid', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('started_at', 'timestamptz')
    .addColumn('done_at', 'timestamptz')
    .addColumn('archived_at', 'timestamptz')
    // Cards made by a duty carry `<duty>/<person>/<period start>`: unique, so each period's card exists once.
    .addColumn('duty_key', 'text', (col) => col.unique())
    .execute();
  await sql`CREATE INDEX tasks_board_idx ON tasks (type, status, position) WHERE archived_at IS NULL`.execute(db);
  await sql`CREATE INDEX tasks_assignee_idx ON tasks (assignee_id, category) WHERE archived_at IS NULL`.execute(db);
  await sql`CREATE INDEX tasks_role_idx ON tasks (role_id, category) WHERE archived_at IS NULL`.execute(db);

  await db.schema
    .createTable('task_activity')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('task_id', 'bigint', (col) => col.notNull().references('tasks.id').onDelete('cascade'))
    .addColumn('actor_id', 'uuid', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('action', 'text', (col) => col.notNull())
    // {"<what>": [old, new]} for each value the action changed.
    .addColumn('changes', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('note', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('task_activity_task_idx').on('task_activity').columns(['task_id', 'id']).execute();

  await db.schema
    .createTable('task_comments')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('task_id', 'bigint', (col) => col.notNull().references('tasks.id').onDelete('cascade'))
    .addColumn('author_id', 'uuid', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('body', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('task_comments_task_idx').on('task_comments').columns(['task_id', 'id']).execute();

  await db.schema
    .createTable('task_watchers')
    .addColumn('task_id', 'bigint', (col) => col.notNull().references('tasks.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('task_watchers_pkey', ['task_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('boards')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('name', 'jsonb', (col) => col.notNull())
    .addColumn('task_types', sql`text[]`, (col) => col.notNull())
    // [{id, name, states: [...], wip_limit?, wip_mode: block | warn}]
    .addColumn('columns', 'jsonb', (col) => col.notNull())
    .addColumn('swimlanes', 'text', (col) => col.notNull().defaultTo('none'))
    .addColumn('version', 'integer', (col) => col.notNull().defaultTo(1))
    .addColumn('created_by', 'uuid', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('events')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('type', 'text', (col) => col.notNull())
    .addColumn('task_id', 'bigint')
    .addColumn('task_type', 'text')
    .addColumn('actor_id', 'uuid')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['events', 'boards', 'task_watchers', 'task_comments', 'task_activity', 'tasks']) {
    await db.schema.dropTable(table).execute();
  }
}
