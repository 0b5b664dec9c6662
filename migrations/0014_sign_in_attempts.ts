// Sign-in attempts as one counter row per key (an email at an address, an email, an address), so an
// attempt is reserved by one atomic UPSERT before the password is checked. Replaces the row-per-failure
// table, whose count-then-insert let parallel guesses all through.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sign_in_attempts')
    .addColumn('scope', 'text', (col) => col.notNull().check(sql`scope IN ('pair', 'email', 'address')`))
    .addColumn('key', 'text', (col) => col.notNull())
    .addColumn('attempts', 'integer', (col) => col.notNull())
    .addColumn('window_ends_at', 'timestamptz', (col) => col.notNull())
    // Set once the key reached its limit: no attempt before this time.
    .addColumn('blocked_until', 'timestamptz')
    .addPrimaryKeyConstraint('sign_in_attempts_pkey', ['scope', 'key'])
    .execute();
  // Clean-up deletes rows whose window ended.
  await db.schema.createIndex('sign_in_attempts_window_idx').on('sign_in_attempts').column('window_ends_at').execute();
  await db.schema.dropTable('sign_in_failures').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sign_in_attempts').execute();
  await db.schema
    .createTable('sign_in_failures')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('email', 'text', (col) => col.notNull())
    .addColumn('ip', 'text', (col) => col.notNull())
    .addColumn('failed_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('sign_in_failures_email_idx')
    .on('sign_in_failures')
    .columns(['email', 'failed_at'])
    .execute();
  await db.schema.createIndex('sign_in_failures_ip_idx').on('sign_in_failures').columns(['ip', 'failed_at']).execute();
}
