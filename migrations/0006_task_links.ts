// Links from a card to another card (relates to, blocks, duplicates) or to a web page.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('task_links')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('task_id', 'bigint', (col) => col.notNull().references('tasks.id').onDelete('cascade'))
    .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind IN ('relates', 'blocks', 'duplicates', 'url')`))
    .addColumn('target_task_id', 'bigint', (col) => col.references('tasks.id').onDelete('cascade'))
    .addColumn('url', 'text')
    .addColumn('title', 'text')
    .addColumn('created_by', 'uuid', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addCheckConstraint(
      'task_links_target',
      sql`(kind = 'url') = (url IS NOT NULL) AND (kind = 'url') = (target_task_id IS NULL)`,
    )
    .execute();
  await db.schema.createIndex('task_links_task_idx').on('task_links').column('task_id').execute();
  await db.schema.createIndex('task_links_target_idx').on('task_links').column('target_task_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('task_links').execute();
}
