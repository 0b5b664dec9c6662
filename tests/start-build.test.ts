// `npm start` builds only what changed (bin/prepare.mjs), and a new embedded database starts from the
// migrated template it built: no initdb and no migrations at a first start.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { prepare } from '../bin/prepare.mjs';
import { createDb } from '../core/db/create-db.ts';
import { migrateToLatest } from '../core/db/migrate.ts';
import { coreMigrations } from '../migrations/index.ts';

describe('what npm start builds', () => {
  let dir: string | undefined;
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('builds the UI, the server bundle and the database template once, and nothing again while no source changes', async () => {
    await prepare({ log: () => {} });
    const built: string[] = [];
    await prepare({ log: (line) => built.push(line) });
    expect(built).toEqual([]);
  }, 600_000);

  it('starts a new embedded database from the migrated template', async () => {
    await prepare({ log: () => {} });
    dir = mkdtempSync(path.join(tmpdir(), 'start-template-'));
    const db = await createDb({ kind: 'pglite', dataDir: path.join(dir, 'data') });
    try {
      // Every migration is there before any has run in this process.
      const { rows } = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(db.kysely);
      expect(rows.map((row) => row.name)).toEqual(Object.keys(coreMigrations).sort());
      expect((await migrateToLatest(db.kysely)).applied).toEqual([]);
    } finally {
      await db.close();
    }
  }, 600_000);
});
