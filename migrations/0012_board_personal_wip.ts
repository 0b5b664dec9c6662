// A board's personal WIP limit: at most this many open cards of the board per person, respected when a
// card is assigned to a role.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('boards')
    .addColumn('personal_wip', 'integer', (col) => col.check(sql`personal_wip > 0`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('boards').dropColumn('personal_wip').execute();
}
