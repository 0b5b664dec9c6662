// Which of each plugin's own migrations are applied: kept apart from core's, keyed by plugin id, so a
// plugin's history never mixes with core's and one plugin's failure leaves the others' as they were.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('plugin_migrations')
    .addColumn('plugin_id', 'text', (col) => col.notNull())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('applied_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('plugin_migrations_pkey', ['plugin_id', 'name'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('plugin_migrations').execute();
}
