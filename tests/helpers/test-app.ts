// A full application on a test database: migrated, an organisation loaded, people seeded, and helpers
// to sign in and call the API the way a browser does (JSON bodies, the session cookie).
import type { Hono } from 'hono';
import { DEMO_PASSWORD, seedMembers } from '../../core/auth/seed-members.ts';
import { migrateToLatest } from '../../core/db/migrate.ts';
import { createApp } from '../../core/http/app.ts';
import type { AppEnv } from '../../core/http/env.ts';
import { readRoleSources } from '../../core/org/read-sources.ts';
import type { SourceFile } from '../../core/org/yaml-source.ts';
import { createServices, type Services } from '../../core/compose.ts';
import type { PersonCaps } from '../../core/tasks/person-caps.ts';
import { DEFAULT_PLUGINS } from '../../core/config.ts';
import { loadPlugins, pluginSource, type PluginSource } from '../../core/plugins/loader.ts';
import type { TestDb, TestDatabase } from './databases.ts';
import { memoryLogger } from './silent-logger.ts';

export interface TestApp {
  app: Hono<AppEnv>;
  services: Services;
  db: TestDb;
  /** What the app has logged so far, as parsed JSON lines. */
  logLines(): Record<string, unknown>[];
  /** Signs in with the demo password; returns the Cookie header value. */
  signIn(email: string, password?: string): Promise<string>;
  call(
    method: string,
    path: string,
    options?: { cookie?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>;
  dispose(): Promise<void>;
}

export const demoRoles = (): SourceFile[] => readRoleSources('roles', 'roles');

/**
 * `trustProxy`: as TRUST_PROXY, so tests can come from many addresses through X-Forwarded-For;
 * `webhookAllowHosts`: as WEBHOOK_ALLOW_HOSTS, for receivers listening on loopback;
 * `plugins`: loaded as PLUGINS entries are (core/plugins/loader.ts), by default the department plugins the demo needs;
 * `hookTimeBoxMs`: a beforeTransition hook's time box;
 * `restartOn`: another app's database, as a restarted server finds it (its organisation and people stay; `sources` is not read).
 */
export async function createTestApp(
  database: TestDatabase,
  sources: SourceFile[] = demoRoles(),
  options: {
    now?: () => Date;
    trustProxy?: number;
    webhookAllowHosts?: string[];
    caps?: PersonCaps;
    plugins?: PluginSource[];
    hookTimeBoxMs?: number;
    restartOn?: TestDb;
  } = {},
): Promise<TestApp> {
  const db = options.restartOn ?? (await database.create());
  const { schemaVersion } = await migrateToLatest(db.kysely);
  const { log, lines } = memoryLogger();
  const plugins = await loadPlugins(options.plugins ?? DEFAULT_PLUGINS.map((entry) => pluginSource(entry)), {
    log: log.child({ module: 'plugins' }),
    db: db.kysely,
  });
  const services = createServices({
    db,
    log,
    plugins,
    ...(options.now ? { now: options.now } : {}),
    ...(options.webhookAllowHosts ? { webhookAllowHosts: options.webhookAllowHosts } : {}),
    ...(options.caps ? { caps: options.caps } : {}),
    ...(options.hookTimeBoxMs ? { hookTimeBoxMs: options.hookTimeBoxMs } : {}),
  });
  if (!options.restartOn) {
    await services.org.activate(sources, { baseVersionId: null, authorId: null, origin: 'roles-folder' });
    await seedMembers((await services.org.active()).definition.members, services.users);
  }
  await services.boards.ensureTemplates();
  await services.start();
  const app = createApp({
    services,
    log,
    schemaVersion,
    startedAt: Date.now(),
    ...(options.trustProxy ? { trustProxy: options.trustProxy } : {}),
  });

  const call: TestApp['call'] = async (method, path, options = {}) =>
    app.request(path, {
      method,
      headers: {
        ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(options.cookie ? { Cookie: options.cookie } : {}),
        ...options.headers,
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });

  let signInTurn: Promise<void> = Promise.resolve();

  return {
    app,
    services,
    db,
    call,
    logLines: lines,
    async signIn(email, password = DEMO_PASSWORD) {
      // Sign-ins take turns: the server checks at most two passwords from one address at once (429 beyond).
      const turn = signInTurn.then(() => call('POST', '/api/auth/sign-in', { body: { email, password } }));
      signInTurn = turn.then(
        () => undefined,
        () => undefined,
      );
      const response = await turn;
      if (response.status !== 200)
        throw new Error(`sign-in of ${email} failed: ${response.status} ${await response.text()}`);
      const cookie = response.headers.get('Set-Cookie') ?? '';
      return cookie.split(';')[0]!;
    },
    async dispose() {
      await services.stop();
      if (!options.restartOn) await db.dispose();
    },
  };
}
