// Roles-file versions, people, their role assignments, sessions, and failed sign-ins (for rate limiting).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('email', 'text', (col) => col.notNull())
    .addColumn('display_name', 'text', (col) => col.notNull())
    .addColumn('password_hash', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('disabled_at', 'timestamptz')
    .execute();
  await sql`CREATE UNIQUE INDEX users_email_key ON users (lower(email))`.execute(db);

  await db.schema
    .createTable('role_assignments')
    .addColumn('user_id', 'uuid', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role_id', 'text', (col) => col.notNull())
    .addColumn('assigned_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('role_assignments_pkey', ['user_id', 'role_id'])
    .execute();
  await db.schema.createIndex('role_assignments_role_idx').on('role_assignments').column('role_id').execute();

  await db.schema
    .createTable('sessions')
    .addColumn('token_hash', 'text', (col) => col.primaryKey())
    .addColumn('user_id', 'uuid', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();

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

  await db.schema
    .createTable('org_versions')
    .addColumn('id', 'serial', (col) => col.primaryKey())
    // Each version names the one it replaced; the unique index lets only one activation win per base.
    .addColumn('previous_id', 'integer', (col) => col.references('org_versions.id'))
    .addColumn('org_id', 'text', (col) => col.notNull())
    .addColumn('sources', 'jsonb', (col) => col.notNull())
    .addColumn('definition', 'jsonb', (col) => col.notNull())
    .addColumn('content_hash', 'text', (col) => col.notNull())
    .addColumn('diff', 'jsonb', (col) => col.notNull())
    .addColumn('origin', 'text', (col) => col.notNull())
    .addColumn('author_id', 'uuid', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`CREATE UNIQUE INDEX org_versions_one_successor ON org_versions (coalesce(previous_id, 0))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['org_versions', 'sign_in_failures', 'sessions', 'role_assignments', 'users']) {
    await db.schema.dropTable(table).execute();
  }
}
