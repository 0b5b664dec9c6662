// The whole app on a throwaway PostgreSQL schema, served over loopback HTTP, for the benchmarks that
// measure it: a one-role organisation, one signed-in person, plain pg pools for same-run baselines.
import { randomBytes } from 'node:crypto';
import { generateNKeysBetween } from 'fractional-indexing';
import { sql, type Insertable } from 'kysely';
import pg from 'pg';
import { pino } from 'pino';
import { DEMO_PASSWORD, seedMembers } from '../core/auth/seed-members.ts';
import { createDb, type Db } from '../core/db/create-db.ts';
import type { StateCategory, TasksTable } from '../core/db/schema.ts';
import { migrateToLatest } from '../core/db/migrate.ts';
import { createApp } from '../core/http/app.ts';
import { startHttpServer, type RunningServer } from '../core/http/server.ts';
import { createServices, type Services } from '../core/compose.ts';
import { createHttpClient, type BenchResponse } from './http-client.ts';

export const BENCH_DATABASE_URL = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

const EMAIL = 'mover@bench.local';
/**
 * The bench organisation; `escalations` (YAML lines at the role's indentation) go under the mover's
 * role, `can` adds permissions to it.
 */
const roles = (escalations = '', can: string[] = []) => `
version: 1
organization: {id: bench, name: Bench}
roles:
  - id: mover
    name: Mover
    can: [${['boards.view', 'tasks.create', 'tasks.move', 'tasks.edit', ...can].join(', ')}]
${escalations}
members:
  - {email: ${EMAIL}, name: Mover, roles: [mover]}
`;

export interface BenchApp {
  url: string;
  /** `dutyboard_session=…`, for the Cookie header. */
  cookie: string;
  schema: string;
  db: Db;
  services: Services;
  /** Calls the API over HTTP as the signed-in person (JSON body when given). */
  call(method: string, path: string, body?: unknown): Promise<BenchResponse>;
  /** A plain pg pool on the bench schema, for baselines that skip the app; closed with the app. */
  rawPool(max: number): pg.Pool;
  /** Stops the server and services, closes every pool and drops the schema. */
  close(): Promise<void>;
}

function unreachable(error: unknown): Error {
  const { hostname, port } = new URL(BENCH_DATABASE_URL);
  const { code, message } = error as NodeJS.ErrnoException;
  return new Error(
    `PostgreSQL is unreachable at ${hostname}:${port || 5432} (${code ?? message}). The database benchmarks need a ` +
      'server: start one, or point BENCH_DATABASE_URL at one (e.g. postgres://postgres@127.0.0.1:5432/test).',
  );
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: BENCH_DATABASE_URL, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    throw unreachable(error);
  }
  try {
    await client.query(statement);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** `trustProxy`: as TRUST_PROXY, so a bench can send requests from many addresses through X-Forwarded-For. */
export async function startBenchApp(
  options: { maxConnections?: number; escalations?: string; can?: string[]; trustProxy?: number; uiDir?: string } = {},
): Promise<BenchApp> {
  const schema = `bench_${randomBytes(6).toString('hex')}`;
  await admin(`CREATE SCHEMA ${schema}`);
  const pools: pg.Pool[] = [];
  let db: Db | undefined;
  let services: Services | undefined;
  let server: RunningServer | undefined;
  let client: ReturnType<typeof createHttpClient> | undefined;
  let closed = false;

  const close = async () => {
    if (closed) return;
    closed = true;
    process.off('SIGINT', onInterrupt);
    client?.close();
    await server?.stop(2000);
    await services?.stop();
    await db?.close();
    await Promise.all(pools.map((pool) => pool.end()));
    await admin(`DROP SCHEMA ${schema} CASCADE`);
  };
  // Ctrl-C mid-run: still drop the schema, so no bench_* schema is left behind.
  const onInterrupt = () => void close().finally(() => process.exit(130));
  process.once('SIGINT', onInterrupt);

  try {
    db = await createDb({
      kind: 'postgres',
      url: BENCH_DATABASE_URL,
      searchPath: schema,
      maxConnections: options.maxConnections ?? 20,
    });
    const { schemaVersion } = await migrateToLatest(db.kysely);
    const log = pino({ level: 'silent' });
    services = createServices({ db, log });
    await services.org.activate([{ name: 'bench.yaml', text: roles(options.escalations, options.can) }], {
      baseVersionId: null,
      authorId: null,
      origin: 'roles-folder',
    });
    await seedMembers((await services.org.active()).definition.members, services.users);
    await services.boards.ensureTemplates();
    await services.start();
    server = await startHttpServer(
      createApp({
        services,
        log,
        schemaVersion,
        startedAt: Date.now(),
        ...(options.trustProxy ? { trustProxy: options.trustProxy } : {}),
        ...(options.uiDir ? { uiDir: options.uiDir } : {}),
      }),
      { port: 0, host: '127.0.0.1' },
    );
    const url = server.url;

    client = createHttpClient(url, 64);
    const signIn = await client.request(
      'POST',
      '/api/auth/sign-in',
      { email: EMAIL, password: DEMO_PASSWORD },
      undefined,
    );
    if (signIn.status !== 200) throw new Error(`bench sign-in failed: ${signIn.status} ${signIn.text()}`);
    const cookie = (signIn.header('Set-Cookie') ?? '').split(';')[0]!;

    return {
      url,
      cookie,
      schema,
      db,
      services,
      call: (method, path, body) => client!.request(method, path, body, cookie),
      rawPool(max) {
        const pool = new pg.Pool({ connectionString: BENCH_DATABASE_URL, max, options: `-c search_path=${schema}` });
        pools.push(pool);
        return pool;
      },
      close,
    };
  } catch (error) {
    await close().catch(() => undefined);
    if (error instanceof Error && /Cannot reach PostgreSQL/.test(error.message)) throw unreachable(error);
    throw error;
  }
}

const STATES: [string, StateCategory][] = [
  ['todo', 'todo'],
  ['in_progress', 'active'],
  ['blocked', 'blocked'],
  ['done', 'done'],
];
const SEED_BATCH = 1_000;

/** `count` core.task cards spread over the four columns, in valid fractional-index order; the same every run. */
export async function seedCards(app: BenchApp, count: number): Promise<void> {
  const positions = generateNKeysBetween(null, null, count);
  const epoch = new Date('2026-01-05T09:00:00Z').getTime();
  await app.db.kysely.transaction().execute(async (tx) => {
    for (let from = 0; from < count; from += SEED_BATCH) {
      const rows: Insertable<TasksTable>[] = [];
      for (let n = from; n < Math.min(count, from + SEED_BATCH); n++) {
        const [status, category] = STATES[n % STATES.length]!;
        const created = new Date(epoch + n * 60_000);
        rows.push({
          type: 'core.task',
          title: `商品详情页更新 Update product page #${n + 1}`,
          status,
          category,
          fields: '{}',
          labels: n % 3 === 0 ? ['listing'] : [],
          position: positions[n]!,
          created_at: created,
          updated_at: created,
          started_at: category === 'active' || category === 'done' ? created : null,
          done_at: category === 'done' ? created : null,
        });
      }
      await tx.insertInto('tasks').values(rows).execute();
    }
  });
  // Planner statistics now, not whenever autovacuum gets to them: the same plan every run.
  await sql`ANALYZE tasks`.execute(app.db.kysely);
}

/** The q-quantile (0…1) of `values`, nearest rank. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export const round2 = (value: number) => Math.round(value * 100) / 100;
