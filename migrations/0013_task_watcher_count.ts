// How many people watch a card, kept next to it, so a write to a card nobody watches skips telling them.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('tasks')
    .addColumn('watchers', 'integer', (col) => col.notNull().defaultTo(0))
    .execute();
  await sql`UPDATE tasks SET watchers = counted.n
    FROM (SELECT task_id, count(*) AS n FROM task_watchers GROUP BY task_id) counted
    WHERE tasks.id = counted.task_id`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('tasks').dropColumn('watchers').execute();
}
