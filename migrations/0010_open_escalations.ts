// How many escalation cycles are open on a card, kept by the escalation engine next to next_check_at,
// so a write to a card no rule watches and no cycle is open on can skip the engine entirely.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('tasks')
    .addColumn('open_escalations', 'smallint', (col) => col.notNull().defaultTo(0))
    .execute();
  await sql`UPDATE tasks SET open_escalations = open.n
    FROM (SELECT task_id, count(*) AS n FROM escalation_cycles WHERE ended_at IS NULL GROUP BY task_id) open
    WHERE tasks.id = open.task_id`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('tasks').dropColumn('open_escalations').execute();
}
