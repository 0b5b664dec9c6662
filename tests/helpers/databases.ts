// The databases every integration suite runs on: PGlite always, PostgreSQL when TEST_DATABASE_URL is set.
// Each call gives an isolated database: a fresh PGlite, or a schema of its own on the PostgreSQL server.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { inject } from 'vitest';
import { createDb, pgliteDb, type Db, type DatabaseKind } from '../../core/db/create-db.ts';
import { PGLITE_PARSERS } from '../../core/db/pglite.ts';

export interface TestDb extends Db {
  dispose(): Promise<void>;
}

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;

async function pgliteTestDb(): Promise<TestDb> {
  const template = new Blob([readFileSync(inject('pgliteTemplate'))]);
  const pglite = await PGlite.create({ loadDataDir: template, parsers: PGLITE_PARSERS });
  const db = pgliteDb(pglite);
  return { ...db, dispose: db.close };
}

async function postgresTestDb(url: string): Promise<TestDb> {
  const schema = `test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const db = await createDb({ kind: 'postgres', url, searchPath: schema, maxConnections: 8 });
  return {
    ...db,
    dispose: async () => {
      await db.close();
      const cleanup = new pg.Client({ connectionString: url });
      await cleanup.connect();
      await cleanup.query(`DROP SCHEMA ${schema} CASCADE`);
      await cleanup.end();
    },
  };
}

export interface TestDatabase {
  kind: DatabaseKind;
  create(): Promise<TestDb>;
}

/** Use with describe.each(testDatabases) so one suite runs on every available database. */
export const testDatabases: TestDatabase[] = [
  { kind: 'pglite', create: pgliteTestDb },
  ...(TEST_DATABASE_URL ? [{ kind: 'postgres' as const, create: () => postgresTestDb(TEST_DATABASE_URL!) }] : []),
];

/** A database for server processes (tests/helpers/server-process.ts): the environment that points a process at it. */
export interface ServerDatabase {
  kind: DatabaseKind;
  /** Several processes may share it (PostgreSQL); the embedded database serves one process. */
  shared: boolean;
  create(): Promise<{ env: Record<string, string>; dispose(): Promise<void> }>;
}

async function pgliteServerDb() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'dutyboard-server-'));
  return { env: { DATA_DIR: dataDir }, dispose: async () => rmSync(dataDir, { recursive: true, force: true }) };
}

async function postgresServerDb(url: string) {
  const schema = `proc_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const withSchema = new URL(url);
  withSchema.searchParams.set('options', `-c search_path=${schema}`);
  return {
    env: { DATABASE_URL: withSchema.toString() },
    dispose: async () => {
      const cleanup = new pg.Client({ connectionString: url });
      await cleanup.connect();
      await cleanup.query(`DROP SCHEMA ${schema} CASCADE`);
      await cleanup.end();
    },
  };
}

/** Use with describe.each(serverDatabases) for suites that run the real server process. */
export const serverDatabases: ServerDatabase[] = [
  { kind: 'pglite', shared: false, create: pgliteServerDb },
  ...(TEST_DATABASE_URL
    ? [{ kind: 'postgres' as const, shared: true, create: () => postgresServerDb(TEST_DATABASE_URL!) }]
    : []),
];
