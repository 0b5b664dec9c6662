// Brings the schema to the latest version at start; all pending migrations commit together or not at all.
import { Migrator, sql, type Kysely, type Migration } from 'kysely';
import { coreMigrations } from '../../migrations/index.ts';
import type { Database } from './schema.ts';

/** A migration failed; nothing of that run was applied. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  constructor(
    readonly migration: string,
    override readonly cause: unknown,
  ) {
    super(`Migration ${migration} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

export interface MigrateResult {
  applied: string[];
  schemaVersion: string | null;
}

export async function migrateToLatest(
  db: Kysely<Database>,
  migrations: Record<string, Migration> = coreMigrations,
): Promise<MigrateResult> {
  // Named explicitly: Kysely otherwise finds its bookkeeping tables in any schema on the server.
  const { rows } = await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(db);
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableSchema: rows[0]!.schema,
    // Numbers are handed out ahead to work that lands in any order (0017 may be applied before 0016
    // exists): apply a missing earlier one instead of calling the history corrupt.
    allowUnorderedMigrations: true,
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error) {
    const failed = results.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
    throw new MigrationError(failed, error);
  }
  // After a successful run every known migration is applied, so the newest name is the version.
  const schemaVersion = Object.keys(migrations).sort().at(-1) ?? null;
  return { applied: results.map((result) => result.migrationName), schemaVersion };
}
