// What was last imported from the roles folder, so a start imports the folder only when it changed
// since then, and a version activated over the API meanwhile stays active.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('roles_folder_imports')
    .addColumn('id', 'serial', (col) => col.primaryKey())
    // sha256 of the folder's files (names and text, canonical JSON of them sorted by name).
    .addColumn('sources_hash', 'text', (col) => col.notNull())
    // The version the folder became, or equalled, when it was imported.
    .addColumn('version_id', 'integer', (col) => col.notNull().references('org_versions.id'))
    .addColumn('imported_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('roles_folder_imports').execute();
}
