// createDb(): Kysely on the embedded PGlite by default, or on PostgreSQL through pg when a URL is set.
import type { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { createPgliteKysely } from './pglite-dialect.ts';
import pg from 'pg';
import { PreparingClient } from './prepared-statements.ts';
import { ConfigError, type Config } from '../config.ts';
import { openPglite, runPgliteHousekeeping } from './pglite.ts';
import type { Database } from './schema.ts';

export type DatabaseKind = 'pglite' | 'postgres';

export interface Db {
  kysely: Kysely<Database>;
  kind: DatabaseKind;
  /** Periodic upkeep the database needs from us (none on a real server, which runs its own). */
  housekeeping(): Promise<void>;
  /**
   * Runs `fn` unless another process runs work under the same `key` now (then undefined): on PostgreSQL
   * under a session advisory lock, on one connection that `fn` gets; the embedded database serves one
   * process, so there it always runs, on the shared handle.
   */
  exclusively<T>(key: number, fn: (db: Kysely<Database>) => Promise<T>): Promise<T | undefined>;
  /**
   * LISTEN on a channel through a dedicated connection that reconnects by itself (PostgreSQL only:
   * the embedded database serves one process, which hears its own writes directly).
   */
  listen?(channel: string, onNotify: (payload: string) => void, onReconnect: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export type DatabaseConfig =
  | Config['database']
  | { kind: 'pglite'; dataDir?: undefined }
  | { kind: 'postgres'; url: string; searchPath?: string; maxConnections?: number };

function pgTypes(): pg.CustomTypesConfig {
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
  return types;
}

export async function createDb(config: DatabaseConfig): Promise<Db> {
  if (config.kind === 'pglite') return pgliteDb(await openPglite(config.dataDir));
  const searchPath = 'searchPath' in config ? config.searchPath : undefined;
  const pool = new pg.Pool({
    connectionString: config.url,
    max: ('maxConnections' in config && config.maxConnections) || 20,
    connectionTimeoutMillis: 5000,
    types: pgTypes(),
    Client: PreparingClient,
    ...(searchPath ? { options: `-c search_path=${searchPath}` } : {}),
  });
  await assertReachable(pool, config.url);
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    kysely,
    kind: 'postgres',
    housekeeping: async () => {},
    // The lock belongs to one connection, so all of `fn` runs on the one that took it.
    exclusively: (key, fn) =>
      kysely.connection().execute(async (connection) => {
        const { rows } = await sql<{ locked: boolean }>`SELECT pg_try_advisory_lock(${key}) AS locked`.execute(
          connection,
        );
        if (!rows[0]?.locked) return undefined;
        try {
          return await fn(connection);
        } finally {
          await sql`SELECT pg_advisory_unlock(${key})`.execute(connection);
        }
      }),
    listen: (channel, onNotify, onReconnect) => listenWithReconnect(config.url, channel, onNotify, onReconnect),
    close: () => kysely.destroy(),
  };
}

/** The embedded database, opened: its one connection is shared by the process (core/db/pglite-dialect.ts). */
export function pgliteDb(pglite: PGlite): Db {
  const kysely = createPgliteKysely(pglite);
  return {
    kysely,
    kind: 'pglite',
    housekeeping: () => runPgliteHousekeeping(kysely),
    exclusively: (_key, fn) => fn(kysely),
    close: () => kysely.destroy(),
  };
}

async function listenWithReconnect(
  url: string,
  channel: string,
  onNotify: (payload: string) => void,
  onReconnect: () => void,
) {
  let client: pg.Client | undefined;
  let stopped = false;
  const connect = async (): Promise<void> => {
    if (stopped) return;
    const next = new pg.Client({ connectionString: url });
    next.on('notification', (message) => onNotify(message.payload ?? ''));
    next.on('error', () => undefined);
    next.on('end', () => {
      if (!stopped) setTimeout(() => void connect().then(onReconnect, () => undefined), 1000).unref();
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      client = next;
    } catch {
      await next.end().catch(() => undefined);
    }
  };
  await connect();
  return async () => {
    stopped = true;
    await client?.end().catch(() => undefined);
  };
}

async function assertReachable(pool: pg.Pool, url: string): Promise<void> {
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end();
    const { hostname, port } = new URL(url);
    const { code, message } = error as NodeJS.ErrnoException;
    // Network failures carry an errno code (ECONNREFUSED); server refusals a readable message.
    const reason = code?.startsWith('E') ? code : message;
    throw new ConfigError(
      `Cannot reach PostgreSQL at ${hostname}:${port || 5432} from DATABASE_URL (${reason}). ` +
        'Fix: start that server or correct DATABASE_URL, or leave DATABASE_URL unset to use the embedded database (PGlite).',
    );
  }
}
