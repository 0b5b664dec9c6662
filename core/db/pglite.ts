// Opens the embedded PostgreSQL (PGlite) the way a long-running product needs it: one instance per
// process, the data folder created out of process, and the housekeeping a standalone backend lacks.
import { fork } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql, type Kysely } from 'kysely';
import { ConfigError } from '../config.ts';
import { pgliteTemplate, serverScript } from '../paths.ts';
import type { Database } from './schema.ts';

/** Same type parsing as the pg driver gets in create-db.ts: int8 → number. */
export const PGLITE_PARSERS = { 20: (value: string) => Number(value) };

/**
 * initdb inside PGlite leaves ~800 MB of WebAssembly memory behind that the process never gets
 * back, and unpacking the template ~130 MB; doing either in a short-lived child keeps the server
 * itself near 300 MB.
 */
async function initialiseDataDir(dataDir: string, template: string | undefined): Promise<void> {
  const script = serverScript('db/pglite-init');
  await new Promise<void>((resolve, reject) => {
    // Run from the sources (tests, `node --import tsx`), the child needs tsx to load TypeScript.
    const execArgv = script.endsWith('.ts') ? ['--import', 'tsx'] : [];
    const child = fork(script, template ? [dataDir, template] : [dataDir], {
      execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`creating the embedded database in ${dataDir} failed (exit ${code})`)),
    );
  });
}

/** The installed PGlite's version: a dump loads only into the version that made it. */
export function pgliteVersion(): string {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  return (JSON.parse(readFileSync(entry.replace(/dist[\\/].*$/, 'package.json'), 'utf8')) as { version: string })
    .version;
}

/** The template bin/prepare.mjs built, if it was built for the installed PGlite. */
function usableTemplate(): string | undefined {
  try {
    const info = JSON.parse(readFileSync(pgliteTemplate.info, 'utf8')) as { pgliteVersion?: string };
    return info.pgliteVersion === pgliteVersion() && existsSync(pgliteTemplate.data) ? pgliteTemplate.data : undefined;
  } catch {
    return undefined;
  }
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
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    // From the migrated template when there is one for this PGlite: no initdb, no migrations to run.
    await initialiseDataDir(dataDir, usableTemplate());
  }
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
