// Live sockets follow a person's access: signing out, being disabled or losing a role closes their
// sockets at once on the same process and within a couple of seconds on the others; and one session
// or person cannot open sockets without limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachBoardSockets } from '../core/events/board-socket.ts';
import { SOCKETS_PER_PERSON, SOCKETS_PER_SESSION } from '../core/events/socket-registry.ts';
import { startHttpServer, type RunningServer } from '../core/http/server.ts';
import { serverDatabases, testDatabases } from './helpers/databases.ts';
import { connectInbox, connectLive, type LiveClient } from './helpers/live-client.ts';
import { rawConnect, rawRequest, upgradeHead } from './helpers/raw-client.ts';
import { signInAt, twoServers } from './helpers/server-process.ts';
import { memoryLogger } from './helpers/silent-logger.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

const org = `
version: 1
organization: {id: access, name: Access, member_can: []}
roles:
  - {id: lead, name: Lead, can: [boards.view, tasks.create, tasks.move, tasks.edit]}
  - {id: admin, name: Admin, can: [org.view, people.manage, boards.view, tasks.create]}
  - {id: viewer, name: Viewer, can: [boards.view]}
members:
  - {email: admin@access.test, name: Admin, roles: [admin, lead]}
  - {email: a@access.test, name: A, roles: [lead]}
  - {email: b@access.test, name: B, roles: [lead]}
  - {email: c@access.test, name: C, roles: [lead]}
  - {email: d@access.test, name: D, roles: [lead]}
  - {email: e@access.test, name: E, roles: [lead]}
  - {email: f@access.test, name: F, roles: [viewer]}
`;

/** Resolves with the close, or with 'still open' once `ms` passed: the test says how soon is soon enough. */
const closedWithin = (client: LiveClient, ms: number) =>
  Promise.race([client.closed, new Promise<'still open'>((resolve) => setTimeout(() => resolve('still open'), ms))]);

describe.each(testDatabases)('live socket access on one process, $kind', (database) => {
  let t: TestApp;
  let server: RunningServer;
  let sockets: { close(): void };
  let admin: string;

  beforeAll(async () => {
    t = await createTestApp(database, [{ name: 'access.yaml', text: org }]);
    server = await startHttpServer(t.app, { port: 0, host: '127.0.0.1' });
    // The product's own re-check interval (30 s): nothing but the access change itself may close the sockets.
    sockets = attachBoardSockets(server.server, t.services, memoryLogger().log);
    admin = await t.signIn('admin@access.test');
  });
  afterAll(async () => {
    sockets.close();
    await server.stop(1000);
    await t.dispose();
  });

  const idOf = async (email: string) => {
    const people = (await (await t.call('GET', '/api/people', { cookie: admin })).json()) as {
      id: string;
      email: string;
    }[];
    return people.find((person) => person.email === email)!.id;
  };
  const open = async (cookie: string) => {
    const [board, inbox] = await Promise.all([
      connectLive(server.url, 'core-task', cookie),
      connectInbox(server.url, cookie),
    ]);
    await Promise.all([board.waitFor((m) => m.type === 'hello'), inbox.waitFor((m) => m.type === 'hello')]);
    return { board, inbox };
  };

  it('closes the board and inbox sockets of a session at once when it signs out, and no other session', async () => {
    const [signedOut, other] = [await t.signIn('a@access.test'), await t.signIn('a@access.test')];
    const mine = await open(signedOut);
    const elsewhere = await open(other);
    expect((await t.call('POST', '/api/auth/sign-out', { cookie: signedOut })).status).toBe(204);
    expect(await closedWithin(mine.board, 2000)).toEqual({
      code: 4403,
      reason: 'no longer allowed to view this board',
    });
    expect(await closedWithin(mine.inbox, 2000)).toEqual({ code: 4401, reason: 'signed out' });
    // The person's other session keeps streaming.
    const card = await (
      await t.call('POST', '/api/tasks', { cookie: admin, body: { type: 'core.task', title: '另一个会话' } })
    ).json();
    await elsewhere.board.waitFor((m) => m.event?.taskId === card.id);
    await Promise.all([elsewhere.board.close(), elsewhere.inbox.close()]);
  });

  it('closes every socket of a person who is disabled, at once', async () => {
    const sessions = [await t.signIn('b@access.test'), await t.signIn('b@access.test')];
    const opened = await Promise.all(sessions.map(open));
    const response = await t.call('PATCH', `/api/people/${await idOf('b@access.test')}`, {
      cookie: admin,
      body: { disabled: true },
    });
    expect(response.status).toBe(200);
    for (const { board, inbox } of opened) {
      expect(await closedWithin(board, 2000)).toMatchObject({ code: 4403 });
      expect(await closedWithin(inbox, 2000)).toMatchObject({ code: 4401 });
    }
  });

  it('closes the board sockets of a person whose role with boards.view is removed, and keeps their inbox', async () => {
    const cookie = await t.signIn('c@access.test');
    const { board, inbox } = await open(cookie);
    const response = await t.call('PUT', `/api/people/${await idOf('c@access.test')}/roles`, {
      cookie: admin,
      body: { roles: [] },
    });
    expect(response.status).toBe(200);
    expect(await closedWithin(board, 2000)).toEqual({ code: 4403, reason: 'no longer allowed to view this board' });
    expect(await closedWithin(inbox, 300)).toBe('still open');
    await inbox.close();
  });

  it('closes board sockets at once when a new organisation version takes boards.view from their role', async () => {
    const cookie = await t.signIn('f@access.test');
    const { board, inbox } = await open(cookie);
    const current = await t.services.org.active();
    const withoutView = org.replace(
      '{id: viewer, name: Viewer, can: [boards.view]}',
      '{id: viewer, name: Viewer, can: [org.view]}',
    );
    expect(withoutView).not.toBe(org);
    await t.services.org.activate([{ name: 'access.yaml', text: withoutView }], {
      baseVersionId: current.versionId,
      authorId: null,
      origin: 'api',
    });
    expect(await closedWithin(board, 2000)).toEqual({ code: 4403, reason: 'no longer allowed to view this board' });
    expect(await closedWithin(inbox, 300)).toBe('still open');
    await inbox.close();
  });

  it(`refuses a session's ${SOCKETS_PER_SESSION + 1}st socket with 429 TOO_MANY_SOCKETS, and takes one again once a place is free`, async () => {
    const cookie = await t.signIn('d@access.test');
    const clients = await Promise.all(
      Array.from({ length: SOCKETS_PER_SESSION }, (_, i) =>
        i % 2 ? connectInbox(server.url, cookie) : connectLive(server.url, 'core-task', cookie),
      ),
    );
    const refused = await rawRequest(server.url, [...upgradeHead(server.url, '/api/me/live', [`Cookie: ${cookie}`])]);
    expect(refused).toBe(429);
    await expect(connectLive(server.url, 'core-task', cookie)).rejects.toThrow('HTTP 429');
    await clients.pop()!.close();
    await expect
      .poll(async () => {
        const again = await connectInbox(server.url, cookie).catch(() => undefined);
        await again?.close();
        return again !== undefined;
      })
      .toBe(true);
    await Promise.all(clients.map((client) => client.close()));
  });

  it(`refuses a person's ${SOCKETS_PER_PERSON + 1}st socket across sessions, saying which limit was reached`, async () => {
    const sessions: string[] = [];
    for (let i = 0; i <= Math.ceil(SOCKETS_PER_PERSON / SOCKETS_PER_SESSION); i++)
      sessions.push(await t.signIn('e@access.test'));
    const clients: LiveClient[] = [];
    for (let i = 0; i < SOCKETS_PER_PERSON; i++)
      clients.push(await connectInbox(server.url, sessions[Math.floor(i / SOCKETS_PER_SESSION)]!));
    const fresh = sessions.at(-1)!;
    const connection = rawConnect(server.url);
    connection.socket.write(`${upgradeHead(server.url, '/api/me/live', [`Cookie: ${fresh}`]).join('\r\n')}\r\n\r\n`);
    await connection.closed;
    const answer = connection.received().toString();
    expect(answer).toMatch(/^HTTP\/1\.1 429 /);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({
      error: { code: 'TOO_MANY_SOCKETS', message: expect.stringContaining(`${SOCKETS_PER_PERSON} live connections`) },
    });
    // Someone else is not affected.
    const other = await connectInbox(server.url, admin);
    await other.close();
    await Promise.all(clients.map((client) => client.close()));
  });
});

// Other processes hear of an access change through the event bus; several processes need PostgreSQL.
const shared = serverDatabases.filter((database) => database.shared);
describe.each(shared)('live socket access across two processes on $kind', (database) => {
  const DIRECTOR = 'chen.zhiyuan@demo.dutyboard.local';
  const AGENTS = ['cao.ying@demo.dutyboard.local', 'xu.ting@demo.dutyboard.local'];
  const servers = twoServers(database);
  const call = (url: string, cookie: string, method: string, path: string, body?: unknown) =>
    fetch(`${url}${path}`, {
      method,
      headers: { Cookie: cookie, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it("closes a session's sockets on the other process within 2 s of signing out", async () => {
    const cookie = await signInAt(servers.a.url, AGENTS[0]!);
    const onB = await connectLive(servers.b.url, 'core-task', cookie);
    await onB.waitFor((m) => m.type === 'hello');
    expect((await call(servers.a.url, cookie, 'POST', '/api/auth/sign-out')).status).toBe(204);
    expect(await closedWithin(onB, 2000)).toEqual({ code: 4403, reason: 'no longer allowed to view this board' });
  });

  it('closes every socket of a disabled person on the other process within 2 s', async () => {
    const director = await signInAt(servers.a.url, DIRECTOR);
    const cookie = await signInAt(servers.b.url, AGENTS[1]!);
    const [board, inbox] = [
      await connectLive(servers.b.url, 'core-task', cookie),
      await connectInbox(servers.b.url, cookie),
    ];
    await Promise.all([board.waitFor((m) => m.type === 'hello'), inbox.waitFor((m) => m.type === 'hello')]);
    const people = (await (await call(servers.a.url, director, 'GET', '/api/people')).json()) as {
      id: string;
      email: string;
    }[];
    const id = people.find((person) => person.email === AGENTS[1])!.id;
    expect((await call(servers.a.url, director, 'PATCH', `/api/people/${id}`, { disabled: true })).status).toBe(200);
    expect(await closedWithin(board, 2000)).toEqual({ code: 4403, reason: 'no longer allowed to view this board' });
    expect(await closedWithin(inbox, 2000)).toEqual({ code: 4401, reason: 'signed out' });
  });
});
