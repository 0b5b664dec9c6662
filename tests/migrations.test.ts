// Migrations on every database: idempotent, and all-or-nothing when one fails.
import { sql, type Migration } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateToLatest, MigrationError } from '../core/db/migrate.ts';
import { coreMigrations } from '../migrations/index.ts';
import { testDatabases, type TestDb } from './helpers/databases.ts';

async function tableNames(db: TestDb): Promise<string[]> {
  const { rows } = await sql<{ table_name: string }>`
    SELECT table_name FROM information_schema.tables
    WHERE table_schema = current_schema() ORDER BY table_name`.execute(db.kysely);
  return rows.map((row) => row.table_name);
}

describe.each(testDatabases)('migrations on $kind', ({ create }) => {
  let db: TestDb;
  beforeEach(async () => {
    db = await create();
  });
  afterEach(async () => {
    await db.dispose();
  });

  it('applies every core migration on an empty database, then does nothing the second time', async () => {
    const first = await migrateToLatest(db.kysely);
    expect(first.applied).toEqual(Object.keys(coreMigrations));
    const instance = await db.kysely.selectFrom('instance').selectAll().execute();
    expect(instance).toHaveLength(1);

    const second = await migrateToLatest(db.kysely);
    expect(second.applied).toEqual([]);
    expect(second.schemaVersion).toBe(first.schemaVersion);
    expect(await db.kysely.selectFrom('instance').selectAll().execute()).toEqual(instance);
  });

  it('applies a migration that landed with an earlier number after a later one was applied', async () => {
    const [skipped] = Object.keys(coreMigrations).slice(-2);
    const without = Object.fromEntries(Object.entries(coreMigrations).filter(([name]) => name !== skipped));
    await migrateToLatest(db.kysely, without);
    expect((await migrateToLatest(db.kysely)).applied).toEqual([skipped]);
  });

  it('leaves the schema as it was when a migration fails, and names the migration', async () => {
    await migrateToLatest(db.kysely);
    const before = await tableNames(db);
    const broken: Record<string, Migration> = {
      ...coreMigrations,
      '9000_good': { up: (k) => k.schema.createTable('would_be_kept').addColumn('id', 'integer').execute() },
      '9001_broken': { up: (k) => sql`SELECT * FROM no_such_table`.execute(k).then(() => undefined) },
    };

    const failure = await migrateToLatest(db.kysely, broken).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MigrationError);
    expect((failure as MigrationError).migration).toBe('9001_broken');
    expect((failure as MigrationError).message).toMatch(/^Migration 9001_broken failed: .*no_such_table/);
    expect(await tableNames(db)).toEqual(before);

    // Fixed and run again, the good one goes in as if nothing had happened.
    const fixed = { ...broken, '9001_broken': { up: async () => {} } };
    expect((await migrateToLatest(db.kysely, fixed)).applied).toEqual(['9000_good', '9001_broken']);
  });
});
