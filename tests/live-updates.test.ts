// Live board updates on every database: events reach everyone on the board after commit, a
// reconnecting client gets what it missed, and only people allowed to see the board connect.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Transaction } from 'kysely';
import { migrateToLatest } from '../core/db/migrate.ts';
import type { Database } from '../core/db/schema.ts';
import { attachBoardSockets, REPLAY_LIMIT } from '../core/events/board-socket.ts';
import { createEventBus } from '../core/events/event-bus.ts';
import { recordEvent } from '../core/events/event-log.ts';
import { startHttpServer, type RunningServer } from '../core/http/server.ts';
import { testDatabases } from './helpers/databases.ts';
import { connectInbox, connectLive } from './helpers/live-client.ts';
import { memoryLogger } from './helpers/silent-logger.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

const org = `
version: 1
organization: {id: live, name: Live, member_can: []}
roles:
  - {id: lead, name: Lead, can: [boards.view, tasks.create, tasks.move, tasks.edit]}
  - {id: outsider, name: Outsider, can: [org.view]}
members:
  - {email: a@live.test, name: A, roles: [lead]}
  - {email: b@live.test, name: B, roles: [lead]}
  - {email: c@live.test, name: C, roles: [outsider]}
`;

describe.each(testDatabases)('live board updates on $kind', (database) => {
  let t: TestApp;
  let server: RunningServer;
  let sockets: { close(): void };
  let a: string;
  let b: string;

  beforeAll(async () => {
    t = await createTestApp(database, [{ name: 'live.yaml', text: org }]);
    server = await startHttpServer(t.app, { port: 0, host: '127.0.0.1' });
    // Every push checks the session again, so a test sees a sign-out take effect at once.
    sockets = attachBoardSockets(server.server, t.services, memoryLogger().log, { recheckMs: 0 });
    [a, b] = await Promise.all([t.signIn('a@live.test'), t.signIn('b@live.test')]);
  });
  afterAll(async () => {
    sockets.close();
    await server.stop(1000);
    await t.dispose();
  });

  const api = (cookie: string, method: string, path: string, body?: unknown) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: { Cookie: cookie, 'Content-Type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    }).then((r) => r.json());

  it('pushes created and moved cards to everyone on the board, after commit', async () => {
    const watcher = await connectLive(server.url, 'core-task', b);
    const card = await api(a, 'POST', '/api/tasks', { type: 'core.task', title: '上新 10 款' });
    const created = await watcher.waitFor((m) => m.event?.taskId === card.id && m.event?.type === 'task.created');
    expect(created.task).toMatchObject({ id: card.id, status: 'todo', title: '上新 10 款' });

    await api(a, 'PATCH', `/api/tasks/${card.id}/transition`, { to: 'in_progress', expectedVersion: 1 });
    const moved = await watcher.waitFor((m) => m.event?.taskId === card.id && m.event?.type === 'task.transitioned');
    expect(moved.task).toMatchObject({ status: 'in_progress', version: 2 });
    await watcher.close();
  });

  it('sends a reconnecting client the events it missed, in order, then live ones', async () => {
    const first = await connectLive(server.url, 'core-task', b);
    const hello = await first.waitFor((m) => m.type === 'hello');
    await first.close();

    const card = await api(a, 'POST', '/api/tasks', { type: 'core.task', title: '断线期间' });
    await api(a, 'PATCH', `/api/tasks/${card.id}/transition`, { to: 'in_progress', expectedVersion: 1 });

    const again = await connectLive(server.url, 'core-task', b, hello.lastEventId);
    await again.waitFor((m) => m.event?.taskId === card.id && m.event?.type === 'task.transitioned');
    const missed = again.messages.filter((m) => m.event?.taskId === card.id).map((m) => m.event!.type);
    expect(missed).toEqual(['task.created', 'task.transitioned']);

    await api(a, 'PATCH', `/api/tasks/${card.id}/transition`, { to: 'done', expectedVersion: 2 });
    await again.waitFor((m) => m.event?.taskId === card.id && m.task?.status === 'done');
    await again.close();
  });

  it("replays to a reconnecting client only what it would have been sent live: not another person's notification", async () => {
    const first = await connectLive(server.url, 'core-task', b);
    const hello = await first.waitFor((m) => m.type === 'hello');
    await first.close();

    const card = await api(a, 'POST', '/api/tasks', { type: 'core.task', title: '只给 A 的提醒' });
    const me = await api(a, 'GET', '/api/me');
    const notification = await t.db.kysely.transaction().execute((tx) =>
      recordEvent(tx, {
        type: 'notification.created',
        taskId: card.id,
        taskType: 'core.task',
        actorId: null,
        recipientId: me.id,
      }),
    );
    t.services.events.announce();
    await api(a, 'PATCH', `/api/tasks/${card.id}/transition`, { to: 'in_progress', expectedVersion: 1 });

    const again = await connectLive(server.url, 'core-task', b, hello.lastEventId);
    await again.waitFor((m) => m.event?.taskId === card.id && m.event?.type === 'task.transitioned');
    expect(again.messages.filter((m) => m.event?.taskId === card.id).map((m) => m.event!.type)).toEqual([
      'task.created',
      'task.transitioned',
    ]);
    expect(again.messages.some((m) => m.event?.id === notification)).toBe(false);
    await again.close();
  });

  it('asks a client that missed too much to refresh', async () => {
    const hello = await (async () => {
      const client = await connectLive(server.url, 'core-task', b);
      const message = await client.waitFor((m) => m.type === 'hello');
      await client.close();
      return message;
    })();
    const card = await api(a, 'POST', '/api/tasks', { type: 'core.task', title: '很多事件' });
    for (let version = 1; version <= REPLAY_LIMIT; version++) {
      await api(a, 'PATCH', `/api/tasks/${card.id}`, { expectedVersion: version, title: `很多事件 ${version}` });
    }
    const late = await connectLive(server.url, 'core-task', b, hello.lastEventId);
    await late.waitFor((m) => m.type === 'refresh');
    await late.close();
  }, 120_000);

  it('does not push cards of other boards', async () => {
    const watcher = await connectLive(server.url, 'core-report', b);
    const task = await api(a, 'POST', '/api/tasks', { type: 'core.task', title: '别的看板' });
    const report = await api(a, 'POST', '/api/tasks', { type: 'core.report', title: '周报' });
    await watcher.waitFor((m) => m.event?.taskId === report.id);
    expect(watcher.messages.some((m) => m.event?.taskId === task.id)).toBe(false);
    await watcher.close();
  });

  it('keeps delivering after an event id was taken by a write that rolled back', async () => {
    const bus = createEventBus(t.db, memoryLogger().log);
    await bus.start();
    const seen: number[] = [];
    bus.subscribe((events) => seen.push(...events.map((e) => e.id)));
    const insert = (tx: Transaction<Database>) =>
      tx
        .insertInto('events')
        .values({ type: 'task.updated', task_id: null, task_type: 'core.task', actor_id: null })
        .returning('id')
        .executeTakeFirstOrThrow();
    let lost = 0;
    await expect(
      t.db.kysely.transaction().execute(async (tx) => {
        lost = (await insert(tx)).id;
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    for (let i = 0; i < 2; i++) {
      // The second read also looks for the missing id, in case its write was only slow.
      const { id } = await t.db.kysely.transaction().execute(insert);
      bus.announce();
      await expect.poll(() => seen).toContain(id);
    }
    expect(seen).not.toContain(lost);
    await bus.stop();
  });

  it('stops pushing to a person who signed out, on the board and in their inbox', async () => {
    const session = await t.signIn('b@live.test');
    const board = await connectLive(server.url, 'core-task', session);
    const inbox = await connectInbox(server.url, session);
    await Promise.all([board.waitFor((m) => m.type === 'hello'), inbox.waitFor((m) => m.type === 'hello')]);
    expect((await t.call('POST', '/api/auth/sign-out', { cookie: session })).status).toBe(204);

    const card = await api(a, 'POST', '/api/tasks', { type: 'core.task', title: '登出之后' });
    const me = await api(b, 'GET', '/api/me');
    await t.db.kysely.transaction().execute((tx) =>
      recordEvent(tx, {
        type: 'notification.created',
        taskId: card.id,
        taskType: 'core.task',
        actorId: null,
        recipientId: me.id,
      }),
    );
    t.services.events.announce();

    expect(await board.closed).toEqual({ code: 4403, reason: 'no longer allowed to view this board' });
    expect(await inbox.closed).toEqual({ code: 4401, reason: 'signed out' });
    expect([...board.messages, ...inbox.messages].map((m) => m.type)).toEqual(['hello', 'hello']);
  });

  it('refuses connections without a session, without boards.view, to unknown boards, and from other origins', async () => {
    await expect(connectLive(server.url, 'core-task', '')).rejects.toThrow('HTTP 401');
    await expect(connectLive(server.url, 'core-task', await t.signIn('c@live.test'))).rejects.toThrow('HTTP 403');
    await expect(connectLive(server.url, 'no-such-board', a)).rejects.toThrow('HTTP 404');
    await expect(connectLive(server.url, 'core-task', a, undefined, 'https://evil.example')).rejects.toThrow(
      'HTTP 403',
    );
    const sameOrigin = await connectLive(server.url, 'core-task', a, undefined, server.url);
    await sameOrigin.close();
  });
});

// Two transactions at once need a server with more than one connection.
const postgres = testDatabases.find((d) => d.kind === 'postgres');
if (postgres) {
  describe('event order on PostgreSQL', () => {
    it('delivers an event whose transaction commits after a later event was already read', async () => {
      const db = await postgres.create();
      try {
        await migrateToLatest(db.kysely);
        const bus = createEventBus(db, memoryLogger().log);
        await bus.start();
        const seen: number[] = [];
        bus.subscribe((events) => seen.push(...events.map((e) => e.id)));

        const insert = (tx: Transaction<Database>) =>
          tx
            .insertInto('events')
            .values({ type: 'task.updated', task_id: null, task_type: 'core.task', actor_id: null })
            .returning('id')
            .executeTakeFirstOrThrow();
        let releaseSlow!: () => void;
        const slowDone = new Promise<void>((resolve) => (releaseSlow = resolve));
        let slowId = 0;
        const slow = db.kysely.transaction().execute(async (tx) => {
          slowId = (await insert(tx)).id;
          await slowDone;
        });
        await new Promise((resolve) => setTimeout(resolve, 100));
        const fast = await db.kysely.transaction().execute(insert);
        bus.announce();
        await expect.poll(() => seen).toContain(fast.id);
        expect(slowId).toBeLessThan(fast.id);
        expect(seen).not.toContain(slowId);

        releaseSlow();
        await slow;
        bus.announce();
        await expect.poll(() => seen).toContain(slowId);
        await bus.stop();
      } finally {
        await db.dispose();
      }
    });
  });
}
