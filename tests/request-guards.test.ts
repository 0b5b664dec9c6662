// What every request passes before it is served: a host that is ours (DNS rebinding), an origin that is
// ours for anything that changes state (cross-site requests, body-less POSTs too), the browser's
// security headers; sessions that end 30 days after sign-in however busy; and demo people only where
// nobody else can reach them, with a warning at every start while one keeps the public password.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../core/auth/password.ts';
import { DEMO_PASSWORD, warnAboutDemoPasswords } from '../core/auth/seed-members.ts';
import { createSessionsRepository, SESSION_ABSOLUTE_LIFETIME_MS } from '../core/auth/sessions.repository.ts';
import { migrateToLatest } from '../core/db/migrate.ts';
import { createApp } from '../core/http/app.ts';
import { startHttpServer } from '../core/http/server.ts';
import { createSite } from '../core/http/site.ts';
import { sha256 } from '../core/org/canonical.ts';
import { loadRolesAtStart } from '../core/org/load-at-start.ts';
import { createServices } from '../core/compose.ts';
import { testDatabases } from './helpers/databases.ts';
import { rawRequest } from './helpers/raw-client.ts';
import { memoryLogger } from './helpers/silent-logger.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

const org = `
version: 1
organization: {id: guards, name: Guards}
roles:
  - {id: lead, name: Lead, can: [boards.view, tasks.create, tasks.move, tasks.edit, org.view, people.manage]}
members:
  - {email: a@guards.test, name: A, roles: [lead]}
  - {email: b@guards.test, name: B, roles: [lead]}
`;

const DAY = 24 * 3600_000;
const uiDir = mkdtempSync(path.join(os.tmpdir(), 'dutyboard-ui-'));
writeFileSync(path.join(uiDir, 'index.html'), '<!doctype html><title>Dutyboard</title>');
afterAll(() => rmSync(uiDir, { recursive: true, force: true }));

describe.each(testDatabases)('request guards on $kind', (database) => {
  let t: TestApp;
  let a: string;
  const hosted = createSite({
    publicUrl: 'https://board.example.com',
    bindHost: '0.0.0.0',
    port: 8787,
    allowedHosts: ['board.internal'],
  });
  let hostedApp: ReturnType<typeof createApp>;

  beforeAll(async () => {
    t = await createTestApp(database, [{ name: 'guards.yaml', text: org }]);
    a = await t.signIn('a@guards.test');
    hostedApp = createApp({
      services: t.services,
      log: memoryLogger().log,
      schemaVersion: null,
      startedAt: Date.now(),
      site: hosted,
      uiDir,
    });
  });
  afterAll(() => t.dispose());

  const errorOf = async (response: Response) =>
    ((await response.json()) as { error: { code: string; message: string } }).error;

  it('refuses a request naming a host that is not ours with 421 HOST_NOT_ALLOWED, saying how to allow it', async () => {
    const response = await t.app.request('http://evil.example/api/health');
    expect(response.status).toBe(421);
    const error = await errorOf(response);
    expect(error.code).toBe('HOST_NOT_ALLOWED');
    expect(error.message).toMatch(/does not answer to the host "evil\.example".*add it to ALLOWED_HOSTS/);
    expect((await t.app.request('http://localhost:8787/api/health')).status).toBe(200);
    expect((await t.app.request('http://127.0.0.1/api/health')).status).toBe(200);
  });

  it('answers to PUBLIC_URL and ALLOWED_HOSTS names, and to localhost only when it listens on loopback', async () => {
    expect((await hostedApp.request('https://board.example.com/api/health')).status).toBe(200);
    expect((await hostedApp.request('http://board.internal:8787/api/health')).status).toBe(200);
    expect((await hostedApp.request('http://localhost:8787/api/health')).status).toBe(421);
    expect((await hostedApp.request('http://evil.example/')).status).toBe(421);
  });

  it('checks the Host header a real connection sends, websocket upgrades aside', async () => {
    const server = await startHttpServer(t.app, { port: 0, host: '127.0.0.1' });
    try {
      expect(
        await rawRequest(server.url, ['GET /api/health HTTP/1.1', 'Host: rebound.evil.example', 'Connection: close']),
      ).toBe(421);
      expect(
        await rawRequest(server.url, [
          'GET /api/health HTTP/1.1',
          `Host: ${new URL(server.url).host}`,
          'Connection: close',
        ]),
      ).toBe(200);
    } finally {
      await server.stop(1000);
    }
  });

  it('refuses a body-less POST from another origin, and keeps the session', async () => {
    for (const origin of ['https://evil.example', 'null', 'http://localhost.evil.example']) {
      const response = await t.call('POST', '/api/auth/sign-out', { cookie: a, headers: { Origin: origin } });
      expect(response.status).toBe(403);
      expect(await errorOf(response)).toMatchObject({
        code: 'ORIGIN_NOT_ALLOWED',
        message: expect.stringContaining('not from a page of http://localhost'),
      });
    }
    const crossSite = await t.call('POST', '/api/auth/sign-out', {
      cookie: a,
      headers: { 'Sec-Fetch-Site': 'cross-site' },
    });
    expect(crossSite.status).toBe(403);
    expect((await t.call('GET', '/api/me', { cookie: a })).status).toBe(200);
  });

  it('refuses a state-changing request from another origin before it changes anything', async () => {
    const before = await t.db.kysely
      .selectFrom('tasks')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const response = await t.call('POST', '/api/tasks', {
      cookie: a,
      body: { type: 'core.task', title: '伪造' },
      headers: { Origin: 'https://evil.example' },
    });
    expect(response.status).toBe(403);
    const after = await t.db.kysely
      .selectFrom('tasks')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    const hostedRefused = await hostedApp.request('https://board.example.com/api/auth/sign-out', {
      method: 'POST',
      headers: { Cookie: a, Origin: 'http://board.example.com' },
    });
    expect(hostedRefused.status).toBe(403);
  });

  it('accepts changes from our own origins, from clients that are not browsers, and reads from anywhere', async () => {
    const ours = await t.call('POST', '/api/tasks', {
      cookie: a,
      body: { type: 'core.task', title: '本站' },
      headers: { Origin: 'http://localhost:8787', 'Sec-Fetch-Site': 'same-origin' },
    });
    expect(ours.status).toBe(201);
    const script = await t.call('POST', '/api/tasks', { cookie: a, body: { type: 'core.task', title: '脚本' } });
    expect(script.status).toBe(201);
    expect((await t.call('GET', '/api/me', { cookie: a, headers: { Origin: 'https://evil.example' } })).status).toBe(
      200,
    );
    const session = await t.signIn('b@guards.test');
    expect(
      (await t.call('POST', '/api/auth/sign-out', { cookie: session, headers: { Origin: 'http://127.0.0.1:8787' } }))
        .status,
    ).toBe(204);
  });

  it('sends CSP with frame-ancestors, nosniff and Referrer-Policy on the UI, the API and errors', async () => {
    const answers = [
      await hostedApp.request('https://board.example.com/'),
      await hostedApp.request('https://board.example.com/tasks/1'),
      await hostedApp.request('https://board.example.com/api/health'),
      await hostedApp.request('https://board.example.com/api/no-such-route'),
      await hostedApp.request('http://evil.example/api/health'),
    ];
    expect(answers.map((response) => response.status)).toEqual([200, 200, 200, 404, 421]);
    for (const response of answers) {
      const csp = response.headers.get('Content-Security-Policy') ?? '';
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain('wss://board.example.com');
      expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
      expect(response.headers.get('Referrer-Policy')).toBe('same-origin');
      expect(response.headers.get('X-Frame-Options')).toBe('DENY');
    }
  });

  it('ends a session 30 days after sign-in, however often it is used', async () => {
    const sessions = createSessionsRepository(t.db.kysely);
    const me = await (await t.call('GET', '/api/me', { cookie: a })).json();
    const signedInAt = new Date('2026-03-01T08:00:00Z');
    const { token } = await sessions.create(me.id, signedInAt);
    // Used every day: the sliding lifetime alone would keep it alive for ever.
    let day = 1;
    for (; day < 30; day++) {
      const resolved = await sessions.resolve(token, new Date(signedInAt.getTime() + day * DAY));
      expect(resolved?.userId, `day ${day}`).toBe(me.id);
      expect(resolved!.expiresAt.getTime()).toBeLessThanOrEqual(signedInAt.getTime() + SESSION_ABSOLUTE_LIFETIME_MS);
    }
    expect(await sessions.resolve(token, new Date(signedInAt.getTime() + 30 * DAY - 1000))).toBeDefined();
    expect(await sessions.resolve(token, new Date(signedInAt.getTime() + 30 * DAY))).toBeUndefined();
    expect(await sessions.resolve(token, new Date(signedInAt.getTime() + 31 * DAY))).toBeUndefined();
  });

  it("writes the cookie again with the session's renewed end when the app asks who is signed in", async () => {
    const cookie = await t.signIn('a@guards.test');
    const token = cookie.split('=')[1]!;
    // The server renewed the session (sliding lifetime): the browser's cookie must not end before it.
    const renewedEnd = new Date(Date.now() + 6 * DAY);
    await t.db.kysely
      .updateTable('sessions')
      .set({ expires_at: renewedEnd })
      .where('token_hash', '=', sha256(token))
      .execute();
    const answer = await t.call('GET', '/api/session', { cookie });
    const written = answer.headers.get('Set-Cookie') ?? '';
    expect(written).toContain(`${cookie};`);
    expect(written).toMatch(/HttpOnly/);
    expect(Date.parse(/Expires=([^;]+)/.exec(written)?.[1] ?? '')).toBe(Math.floor(renewedEnd.getTime() / 1000) * 1000);
  });

  it("refuses the public demo password as anyone's new password", async () => {
    const created = await t.call('POST', '/api/people', {
      cookie: a,
      body: { email: 'new@guards.test', displayName: 'New', password: DEMO_PASSWORD },
    });
    expect(created.status).toBe(400);
    expect((await errorOf(created)).message).toMatch(/public demo password/);
    const changed = await t.call('POST', '/api/me/password', {
      cookie: a,
      body: { currentPassword: DEMO_PASSWORD, newPassword: DEMO_PASSWORD },
    });
    expect(changed.status).toBe(400);
    expect((await errorOf(changed)).message).toMatch(/public demo password/);
  });
});

describe.each(testDatabases)('demo members at start on $kind', (database) => {
  const rolesDir = mkdtempSync(path.join(os.tmpdir(), 'dutyboard-guards-roles-'));
  mkdirSync(rolesDir, { recursive: true });
  writeFileSync(path.join(rolesDir, 'org.yaml'), org);
  afterAll(() => rmSync(rolesDir, { recursive: true, force: true }));

  async function start(demoMembers: boolean) {
    const db = await database.create();
    await migrateToLatest(db.kysely);
    const logs = memoryLogger();
    const services = createServices({ db, log: logs.log });
    await loadRolesAtStart(rolesDir, services, logs.log, { demoMembers });
    return { db, services, logs };
  }

  it('does not create the demo people on a server others can reach, and says how to ask for them', async () => {
    const { db, services, logs } = await start(false);
    try {
      expect(await services.users.count()).toBe(0);
      expect(
        logs.lines().some((line) => line.level === 40 && /demo members.*DEMO_MEMBERS=on/.test(String(line.msg))),
      ).toBe(true);
    } finally {
      await db.dispose();
    }
  });

  it('creates them where allowed, and warns at every start while any of them keeps the public password', async () => {
    const { db, services, logs } = await start(true);
    try {
      expect(await services.users.count()).toBe(2);
      const warned = () =>
        logs
          .lines()
          .filter((line) => line.level === 40 && /still have the public demo password/.test(String(line.msg)));
      await warnAboutDemoPasswords((await services.org.active()).definition.members, services.users, logs.log);
      expect(warned().at(-1)).toMatchObject({ accounts: 2 });
      expect(JSON.stringify(warned())).not.toContain('@guards.test');

      // A second start: still warned, for the one account left with it.
      const [first] = await services.users.list();
      await services.users.update(first!.id, { passwordHash: await hashPassword('a new secret 123') });
      await warnAboutDemoPasswords((await services.org.active()).definition.members, services.users, logs.log);
      expect(warned()).toHaveLength(2);
      expect(warned().at(-1)).toMatchObject({ accounts: 1 });

      const [, second] = await services.users.list();
      await services.users.update(second!.id, { disabled: true });
      await warnAboutDemoPasswords((await services.org.active()).definition.members, services.users, logs.log);
      expect(warned()).toHaveLength(2);
    } finally {
      await db.dispose();
    }
  });
});
