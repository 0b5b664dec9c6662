// `npm start` builds only what changed (bin/prepare.mjs) — the UI again when the plugin list changes — and
// a new embedded database starts from the migrated template it built: no initdb and no migrations at a
// first start.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { REGISTRY_FILE } from '../bin/plugin-ui-registry.mjs';
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

  it('builds the UI again when the configured plugins change, their UI modules in its registry', async () => {
    await prepare({ log: () => {} });
    const before = process.env.PLUGINS;
    const built: string[] = [];
    try {
      process.env.PLUGINS = './plugins/examples/warehouse';
      await prepare({ log: (line) => built.push(line) });
      expect(readFileSync(REGISTRY_FILE, 'utf8')).toContain(
        '"./plugins/examples/warehouse": () => import("../../../plugins/examples/warehouse/ui.tsx")',
      );
    } finally {
      if (before === undefined) delete process.env.PLUGINS;
      else process.env.PLUGINS = before;
    }
    await prepare({ log: (line) => built.push(line) });
    expect(built.map((line) => line.replace(/ in \d+ ms$/, ''))).toEqual(['UI built', 'UI built']);
    expect(readFileSync(REGISTRY_FILE, 'utf8')).not.toContain('warehouse');
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
