// Opens the embedded PostgreSQL (PGlite) the way a long-running product needs it: one instance per
// process, the data folder created out of process, and the housekeeping a standalone backend lacks.
import { fork } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql, type Kysely } from 'kysely';
import { ConfigError } from '../config.ts';
import type { Database } from './schema.ts';

/** Same type parsing as the pg driver gets in create-db.ts: int8 → number. */
export const PGLITE_PARSERS = { 20: (value: string) => Number(value) };

/**
 * initdb inside PGlite leaves ~800 MB of WebAssembly memory behind that the process never gets
 * back; doing it in a short-lived child keeps the server itself near 300 MB.
 */
async function initialiseDataDir(dataDir: string): Promise<void> {
  const script = fileURLToPath(new URL('./pglite-init.ts', import.meta.url));
  await new Promise<void>((resolve, reject) => {
    const child = fork(script, [dataDir], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`creating the embedded database in ${dataDir} failed (exit ${code})`)),
    );
  });
}

export async function openPglite(dataDir: string | undefined): Promise<PGlite> {
  if (dataDir === undefined) return PGlite.create({ parsers: PGLITE_PARSERS });
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    throw new ConfigError(
      `Cannot create DATA_DIR ${dataDir}: ${(error as Error).message}. Fix: set DATA_DIR to a writable folder.`,
    );
  }
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await initialiseDataDir(dataDir);
  return PGlite.create({ dataDir, parsers: PGLITE_PARSERS });
}

/**
 * PGlite runs PostgreSQL as a single-user backend: no autovacuum and no checkpointer. Without them
 * planner statistics go stale as tables grow and the WAL to replay after a crash only grows, so the
 * product does both itself. It goes through Kysely so it queues behind open transactions.
 */
export async function runPgliteHousekeeping(db: Kysely<Database>): Promise<void> {
  await sql`VACUUM (ANALYZE)`.execute(db);
  await sql`CHECKPOINT`.execute(db);
}
