// An activation applies at once, on every process: a task type it adds gets its board, the schedulers
// run, and live board clients hear `org.activated`. One process on every database; two server
// processes where they can share one (PostgreSQL).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDutyScheduler, type DutyScheduler } from '../core/duties/duty-scheduler.ts';
import { attachBoardSockets } from '../core/events/board-socket.ts';
import { startHttpServer, type RunningServer } from '../core/http/server.ts';
import { readRoleSources } from '../core/org/read-sources.ts';
import type { SourceFile } from '../core/org/yaml-source.ts';
import { serverDatabases, testDatabases, type TestDatabase } from './helpers/databases.ts';
import { connectLive } from './helpers/live-client.ts';
import { signInAt, twoServers } from './helpers/server-process.ts';
import { memoryLogger } from './helpers/silent-logger.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

const LEAD = 'lead@activation.test';
const org = (duties = '[]') => `
version: 1
organization: {id: activation, name: Activation, timezone: Asia/Shanghai}
roles:
  - id: lead
    name: Lead
    can: [org.view, roles.edit, boards.view, tasks.create, tasks.edit, tasks.move]
    duties: ${duties}
members:
  - {email: ${LEAD}, name: Lead, roles: [lead]}
`;
const RETURN_TYPE = `
  - id: shop.return
    name: {zh-CN: 退货, en: Return}
    workflow:
      initial: open
      states:
        - {id: open, name: Open, category: todo}
        - {id: done, name: Done, category: done}
      transitions:
        - {from: open, to: done}`;
/** Adds a task type to a roles file's text: to its `task_types:`, or as one before `members:`. */
const withReturnType = (text: string) =>
  text.includes('\ntask_types:\n')
    ? text.replace('\ntask_types:\n', `\ntask_types:${RETURN_TYPE}\n`)
    : text.replace(/\nmembers:/, `\ntask_types:${RETURN_TYPE}\n\nmembers:`);

describe.each(testDatabases)('an activation on one process on $kind', (database: TestDatabase) => {
  let t: TestApp;
  let server: RunningServer;
  let sockets: { close(): void };
  let scheduler: DutyScheduler | undefined;
  const clock = { now: new Date('2026-12-07T01:00:00Z') }; // Monday 09:00 in Shanghai

  beforeAll(async () => {
    t = await createTestApp(database, [{ name: 'org.yaml', text: org() }], { now: () => clock.now });
    server = await startHttpServer(t.app, { port: 0, host: '127.0.0.1' });
    sockets = attachBoardSockets(server.server, t.services, memoryLogger().log);
  });
  afterAll(async () => {
    sockets.close();
    await server.stop(1000);
    await t.dispose();
  });
  afterEach(async () => {
    await scheduler?.stop();
    scheduler = undefined;
  });

  const activate = async (cookie: string, files: SourceFile[]) => {
    const baseVersionId = (await t.services.org.active()).versionId;
    const response = await t.call('PUT', '/api/org', { cookie, body: { baseVersionId, files } });
    expect(response.status).toBe(200);
    return baseVersionId;
  };

  it('gives a task type it adds a board at once, and tells live board clients', async () => {
    const cookie = await t.signIn(LEAD);
    const live = await connectLive(server.url, 'core-task', cookie);
    const hello = await live.waitFor((m) => m.type === 'hello');

    await activate(cookie, [{ name: 'org.yaml', text: withReturnType(org()) }]);
    // No restart and no waiting: the board is there as soon as the activation has answered.
    const boards = (await (await t.call('GET', '/api/boards', { cookie })).json()) as { id: string }[];
    expect(boards.map((board) => board.id)).toContain('shop-return');
    const created = await t.call('POST', '/api/tasks', {
      cookie,
      body: { type: 'shop.return', title: 'Parcel came back' },
    });
    expect(created.status).toBe(201);
    const board = (await (await t.call('GET', '/api/boards/shop-return', { cookie })).json()) as {
      cards: { title: string }[];
    };
    expect(board.cards.map((card) => card.title)).toEqual(['Parcel came back']);

    const announced = await live.waitFor((m) => m.type === 'event' && m.event?.type === 'org.activated');
    expect(announced.task).toBeNull();
    await live.close();
    // A client reconnecting from before the activation is told of it in the replay too.
    const again = await connectLive(server.url, 'core-task', cookie, hello.lastEventId);
    await again.waitFor((m) => m.type === 'event' && m.event?.id === announced.event!.id);
    await again.close();
  });

  it('runs the duty scheduler at once for the duties it adds', async () => {
    const cookie = await t.signIn(LEAD);
    scheduler = createDutyScheduler({ services: t.services, log: memoryLogger().log, now: () => clock.now });
    scheduler.start(3_600_000);
    await scheduler.runOnce();
    const current = (await t.services.org.active()).definition;
    const text = withReturnType(
      org('[{id: standup-notes, title: Stand-up notes, every: day, at: "08:30", due: PT9H}]'),
    );
    expect(current.task_types.map((type) => type.id)).toEqual(['shop.return']);
    await activate(cookie, [{ name: 'org.yaml', text }]);
    // The timer would next run in an hour; the activation runs it now.
    await expect
      .poll(
        async () =>
          (await t.db.kysely.selectFrom('tasks').select('duty_key').where('duty_key', 'is not', null).execute()).map(
            (row) => row.duty_key!.split('/')[2],
          ),
        { timeout: 10_000 },
      )
      .toEqual(['day:2026-12-07']);
  });
});

// Two processes share one database only on PostgreSQL.
describe.each(serverDatabases.filter((database) => database.shared))(
  'an activation with two server processes on $kind',
  (database) => {
    const DIRECTOR = 'chen.zhiyuan@demo.dutyboard.local';
    const servers = twoServers(database);

    it('applies a version activated through one process on the other at once, and tells its live clients', async () => {
      const signIn = (url: string) => signInAt(url, DIRECTOR);
      const [cookieA, cookieB] = [await signIn(servers.a.url), await signIn(servers.b.url)];
      const call = (url: string, cookie: string, method: string, path: string, body?: unknown) =>
        fetch(`${url}${path}`, {
          method,
          headers: { Cookie: cookie, 'Content-Type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      const live = await connectLive(servers.b.url, 'core-task', cookieB);
      await live.waitFor((m) => m.type === 'hello');
      // B has read the active version (and cached it) before A changes it.
      expect((await call(servers.b.url, cookieB, 'GET', '/api/boards')).status).toBe(200);

      const files = readRoleSources('roles', 'roles').map((file) =>
        file.name === 'org.yaml' ? { ...file, text: withReturnType(file.text) } : file,
      );
      const { versionId: baseVersionId } = (await (await call(servers.a.url, cookieA, 'GET', '/api/org')).json()) as {
        versionId: number;
      };
      const activated = await call(servers.a.url, cookieA, 'PUT', '/api/org', { baseVersionId, files });
      expect(activated.status).toBe(200);

      // B hears of it through the database (NOTIFY), applies it, and tells its live client.
      await live.waitFor((m) => m.type === 'event' && m.event?.type === 'org.activated', 10_000);
      await expect
        .poll(
          async () =>
            ((await (await call(servers.b.url, cookieB, 'GET', '/api/boards')).json()) as { id: string }[]).map(
              (board) => board.id,
            ),
          { timeout: 5_000 },
        )
        .toContain('shop-return');
      const created = await call(servers.b.url, cookieB, 'POST', '/api/tasks', {
        type: 'shop.return',
        title: 'Parcel came back',
      });
      expect(created.status).toBe(201);
      await live.close();
    }, 120_000);
  },
);
