// An approval request keeps what it was asked about (the card's title, description and fields when it
// was opened), whether the requester's own approval counts, and can be withdrawn by its requester.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('approvals')
    .addColumn('snapshot', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('self_approval', 'boolean', (col) => col.notNull().defaultTo(false))
    .execute();
  await sql`ALTER TABLE approvals DROP CONSTRAINT approvals_state_check`.execute(db);
  await sql`ALTER TABLE approvals ADD CONSTRAINT approvals_state_check CHECK (state IN ('pending', 'approved', 'rejected', 'cancelled', 'withdrawn'))`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`UPDATE approvals SET state = 'cancelled' WHERE state = 'withdrawn'`.execute(db);
  await sql`ALTER TABLE approvals DROP CONSTRAINT approvals_state_check`.execute(db);
  await sql`ALTER TABLE approvals ADD CONSTRAINT approvals_state_check CHECK (state IN ('pending', 'approved', 'rejected', 'cancelled'))`.execute(
    db,
  );
  await db.schema.alterTable('approvals').dropColumn('snapshot').dropColumn('self_approval').execute();
}
