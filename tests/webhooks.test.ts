// Outgoing webhooks on every database, against a real HTTP receiver on loopback: queued once per key
// inside the caller's transaction, signed, retried with growing delays while the receiver is down and
// then delivered exactly once, dead-lettered after the last attempt, and managed over guarded routes.
import { createHmac } from 'node:crypto';
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Hono } from 'hono';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AppEnv } from '../core/http/env.ts';
import { onError } from '../core/http/errors.ts';
import { accessOf } from '../core/http/guard.ts';
import { requestContext } from '../core/http/request-context.ts';
import { session } from '../core/http/session.ts';
import { verifySignature } from '../core/notifications/generic-webhook.ts';
import { escalationEvent, type WebhookEvent } from '../core/notifications/webhook-event.ts';
import {
  createWebhookDispatcher,
  enqueue,
  enqueueForEnabled,
  type DispatcherOptions,
} from '../core/notifications/webhook-outbox.ts';
import { createWebhookTargets } from '../core/notifications/webhook-targets.ts';
import { webhooksRoutes } from '../core/notifications/webhooks.routes.ts';
import { testDatabases } from './helpers/databases.ts';
import { memoryLogger } from './helpers/silent-logger.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

const org = `
version: 1
organization: {id: hooks, name: Hooks, timezone: Asia/Shanghai}
roles:
  - {id: admin, name: Admin, can: [org.view, roles.edit]}
  - {id: agent, name: Agent, can: [boards.view, escalations.view]}
members:
  - {email: admin@hooks.test, name: Admin, roles: [admin]}
  - {email: agent@hooks.test, name: Agent, roles: [agent]}
`;

interface Received {
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  answered: number;
}
type Answer = (
  request: Received,
) => { status: number; body?: string } | 'hang' | Promise<{ status: number; body?: string }>;

/** A webhook receiver on 127.0.0.1 that can be taken down and brought back on the same port. */
function receiver() {
  const received: Received[] = [];
  let answer: Answer = () => ({ status: 200, body: 'ok' });
  let server: http.Server | undefined;
  let port = 0;
  const listen = async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req
        .setEncoding('utf8')
        .on('data', (chunk: string) => (body += chunk))
        .on('end', async () => {
          const request: Received = { url: req.url ?? '', headers: req.headers, body, answered: 0 };
          received.push(request);
          const reply = await answer(request);
          if (reply === 'hang') return;
          request.answered = reply.status;
          // Connection: close, so no pooled socket outlives a restart and turns into a spurious failure.
          res
            .writeHead(reply.status, { 'Content-Type': 'application/json', Connection: 'close' })
            .end(reply.body ?? '');
        });
    });
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  };
  return {
    received,
    answer: (next: Answer) => (answer = next),
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    up: listen,
    async down() {
      server?.closeAllConnections();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      server = undefined;
    },
  };
}

const SECOND = 1000;

describe.each(testDatabases)('webhooks on $kind', (database) => {
  let t: TestApp;
  let admin: string;
  let agent: string;
  const hook = receiver();
  const logger = memoryLogger();
  // Ahead of the database clock, so rows queued with DEFAULT now() are due at the fake "now".
  const start = Date.now() + 60 * SECOND;
  const at = (offsetMs: number) => new Date(start + offsetMs);
  // The receiver listens on loopback, which only an allow-list entry (WEBHOOK_ALLOW_HOSTS) lets webhooks reach.
  const targets = createWebhookTargets({ allowHosts: ['127.0.0.1'] });
  const dispatcher = (options: Partial<DispatcherOptions> = {}) =>
    createWebhookDispatcher({ db: t.db, log: logger.log, targets, channels: t.services.channels, ...options });

  beforeAll(async () => {
    t = await createTestApp(database, [{ name: 'hooks.yaml', text: org }]);
    [admin, agent] = await Promise.all([t.signIn('admin@hooks.test'), t.signIn('agent@hooks.test')]);
    await hook.up();
  });
  afterAll(async () => {
    await hook.down();
    await t.dispose();
  });
  beforeEach(async () => {
    await t.db.kysely.deleteFrom('webhooks').execute();
    hook.received.length = 0;
    hook.answer(() => ({ status: 200, body: 'ok' }));
  });

  let serial = 0;
  const event = (): WebhookEvent =>
    escalationEvent({
      task: { id: ++serial, title: `退款单 ${serial} 未处理`, type: 'core.task', status: 'doing', priority: 'urgent' },
      rule: 'agent/overdue',
      ruleTitle: '逾期未处理',
      cycle: 1,
      ledgerLevel: 0,
      targetRole: 'lead',
      cardUrl: `https://board.example.cn/tasks/${serial}`,
      firedAt: at(0),
      timeZone: 'Asia/Shanghai',
    });
  const addWebhook = (channel: string, path: string, options: { secret?: string; enabled?: boolean } = {}) =>
    t.db.kysely
      .insertInto('webhooks')
      .values({
        name: channel,
        url: hook.url(path),
        channel,
        secret: options.secret ?? null,
        enabled: options.enabled ?? true,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  const queue = (e: WebhookEvent) => t.db.kysely.transaction().execute((tx) => enqueueForEnabled(tx, e));
  const outbox = () => t.db.kysely.selectFrom('webhook_outbox').selectAll().orderBy('id').execute();

  it("queues one row per enabled webhook inside the caller's transaction, once per dedup key", async () => {
    const [a, b] = [await addWebhook('generic', '/a'), await addWebhook('chat-webhooks.wecom', '/b')];
    await addWebhook('generic', '/off', { enabled: false });
    const e = event();
    expect(await queue(e)).toBe(2);
    expect(await queue(e)).toBe(0);
    expect(await t.db.kysely.transaction().execute((tx) => enqueue(tx, [a, b, { id: b.id, enabled: true }], e))).toBe(
      0,
    );
    const rolledBack = event();
    await expect(
      t.db.kysely.transaction().execute(async (tx) => {
        await enqueueForEnabled(tx, rolledBack);
        throw new Error('the escalation failed');
      }),
    ).rejects.toThrow('the escalation failed');
    const rows = await outbox();
    expect(rows.map((r) => [r.webhook_id, r.dedup_key, r.state, r.attempts])).toEqual([
      [a.id, e.dedupKey, 'pending', 0],
      [b.id, e.dedupKey, 'pending', 0],
    ]);
    expect(rows[0]!.payload).toEqual(e);
  });

  it('delivers a generic payload whose signature verifies with the secret', async () => {
    await addWebhook('generic', '/generic', { secret: 'whsec-42' });
    const e = event();
    await queue(e);
    expect(await dispatcher().runOnce(at(0))).toEqual({ delivered: 1, retrying: 0, dead: 0 });
    expect(hook.received).toHaveLength(1);
    const [request] = hook.received as [Received];
    expect(request.headers['x-dutyboard-delivery']).toBe(e.dedupKey);
    expect(request.headers['x-dutyboard-timestamp']).toBe(String(Math.floor(start / 1000)));
    expect(request.headers['x-dutyboard-signature']).toBe(
      `sha256=${createHmac('sha256', 'whsec-42')
        .update(`${Math.floor(start / 1000)}.${request.body}`)
        .digest('hex')}`,
    );
    const delivery = {
      timestamp: request.headers['x-dutyboard-timestamp'] as string,
      body: request.body,
      signature: request.headers['x-dutyboard-signature'] as string,
    };
    expect(verifySignature('whsec-42', delivery, at(0))).toBe(true);
    expect(JSON.parse(request.body)).toEqual({ type: 'task.escalated', ...e });
    expect(await outbox()).toEqual([
      expect.objectContaining({ state: 'delivered', attempts: 1, delivered_at: at(0), last_error: null }),
    ]);
  });

  it('survives the receiver being down: retries with growing delays, then delivers exactly once', async () => {
    await addWebhook('generic', '/flaky', { secret: 'whsec' });
    await queue(event());
    const send = dispatcher({ baseDelayMs: SECOND });
    const attempts: { at: number; outcome: string; nextIn: number; error: string | null }[] = [];
    const record = async (offset: number) => {
      const result = await send.runOnce(at(offset));
      const [row] = (await outbox()) as [Awaited<ReturnType<typeof outbox>>[number]];
      const outcome =
        Object.entries(result)
          .filter(([, n]) => n > 0)
          .map(([k]) => k)
          .join() || 'nothing due';
      attempts.push({
        at: offset,
        outcome,
        nextIn: row.next_attempt_at.getTime() - start - offset,
        error: row.last_error,
      });
    };

    await hook.down(); // refused outright for the first two attempts
    await record(0);
    await record(500);
    await record(1 * SECOND);
    await hook.up();
    hook.answer(() => ({ status: 500, body: 'maintenance' })); // then up, but failing
    await record(3 * SECOND);
    await record(6 * SECOND);
    await record(7 * SECOND);
    hook.answer(() => ({ status: 200, body: 'ok' })); // and back
    await record(15 * SECOND);
    for (const later of [16, 60, 3600]) await record(later * SECOND);

    expect(attempts.map((a) => [a.at / SECOND, a.outcome])).toEqual([
      [0, 'retrying'],
      [0.5, 'nothing due'],
      [1, 'retrying'],
      [3, 'retrying'],
      [6, 'nothing due'],
      [7, 'retrying'],
      [15, 'delivered'],
      [16, 'nothing due'],
      [60, 'nothing due'],
      [3600, 'nothing due'],
    ]);
    expect(attempts.filter((a) => a.outcome === 'retrying').map((a) => a.nextIn)).toEqual(
      [1, 2, 4, 8].map((n) => n * SECOND),
    );
    expect(attempts[0]!.error).toMatch(/ECONNREFUSED/);
    expect(attempts[3]!.error).toBe('HTTP 500');
    expect(hook.received.map((r) => r.answered)).toEqual([500, 500, 200]);
    expect(new Set(hook.received.map((r) => r.body)).size).toBe(1);
    expect(await outbox()).toEqual([
      expect.objectContaining({
        state: 'delivered',
        attempts: 5,
        delivered_at: at(15 * SECOND),
        last_error: 'HTTP 500',
      }),
    ]);
  });

  it('dead-letters after maxAttempts, stops sending, and logs without the URL', async () => {
    await addWebhook('generic', '/hook/TOKEN-do-not-log-0123456789');
    await queue(event());
    hook.answer(() => ({ status: 503, body: 'down' }));
    const send = dispatcher({ maxAttempts: 3, baseDelayMs: 10 * SECOND });
    const outcomes = [];
    for (const offset of [0, 10, 30, 24 * 3600]) outcomes.push(await send.runOnce(at(offset * SECOND)));
    expect(outcomes.map((o) => o.dead)).toEqual([0, 0, 1, 0]);
    expect(outcomes[3]).toEqual({ delivered: 0, retrying: 0, dead: 0 });
    expect(hook.received).toHaveLength(3);
    expect(await outbox()).toEqual([
      expect.objectContaining({ state: 'dead', attempts: 3, last_error: 'HTTP 503', delivered_at: null }),
    ]);
    const gaveUp = logger
      .lines()
      .filter((line) => line.msg === 'webhook delivery gave up; left in the dead-letter state');
    expect(gaveUp).toEqual([expect.objectContaining({ level: 40, attempts: 3 })]);
    expect(JSON.stringify(logger.lines())).not.toContain('TOKEN-do-not-log');
  });

  it("sends signed robot messages that pass the robots' own checks, and counts a 200 with an error code as a failure", async () => {
    const checkDingtalk = (secret: string, r: Received) => {
      const query = new URL(r.url, 'http://x').searchParams;
      const expected = createHmac('sha256', secret)
        .update(`${query.get('timestamp')}\n${secret}`)
        .digest('base64');
      return query.get('sign') === expected
        ? { errcode: 0, errmsg: 'ok' }
        : { errcode: 310000, errmsg: 'sign not match' };
    };
    const checkFeishu = (secret: string, r: Received) => {
      const { timestamp, sign } = JSON.parse(r.body) as { timestamp: string; sign: string };
      return sign === createHmac('sha256', `${timestamp}\n${secret}`).update('').digest('base64')
        ? { code: 0, msg: 'success' }
        : { code: 19021, msg: 'sign match fail' };
    };
    hook.answer((r) => {
      const path = new URL(r.url, 'http://x').pathname;
      const verdict =
        path === '/ding'
          ? checkDingtalk('SEC-ding', r)
          : path === '/ding-wrong'
            ? checkDingtalk('SEC-rotated', r)
            : path === '/feishu'
              ? checkFeishu('fs-secret', r)
              : { errcode: 0, errmsg: 'ok' };
      return { status: 200, body: JSON.stringify(verdict) };
    });
    await addWebhook('chat-webhooks.dingtalk', '/ding?access_token=abc', { secret: 'SEC-ding' });
    await addWebhook('chat-webhooks.dingtalk', '/ding-wrong?access_token=abc', { secret: 'SEC-ding' });
    await addWebhook('chat-webhooks.feishu', '/feishu', { secret: 'fs-secret' });
    await addWebhook('chat-webhooks.wecom', '/wecom?key=k');
    await queue(event());

    expect(await dispatcher().runOnce(at(0))).toEqual({ delivered: 3, retrying: 1, dead: 0 });
    const byPath = Object.fromEntries(
      hook.received.map((r) => [new URL(r.url, 'http://x').pathname, JSON.parse(r.body) as Record<string, unknown>]),
    );
    expect(byPath['/ding']).toMatchObject({ msgtype: 'markdown', markdown: { title: '升级提醒：逾期未处理' } });
    expect(byPath['/feishu']).toMatchObject({
      msg_type: 'interactive',
      card: { header: { title: { content: '升级提醒：逾期未处理' } } },
    });
    expect(byPath['/wecom']).toMatchObject({
      msgtype: 'markdown',
      markdown: { content: expect.stringContaining('[打开卡片](https://board.example.cn/tasks/') },
    });
    const failed = (await outbox()).filter((r) => r.state !== 'delivered');
    expect(failed).toEqual([
      expect.objectContaining({
        state: 'pending',
        attempts: 1,
        last_error: 'chat-webhooks.dingtalk refused (error code 310000)',
      }),
    ]);
  });

  it('counts a receiver that does not answer within the time-out as a failed attempt', async () => {
    await addWebhook('generic', '/slow');
    await queue(event());
    hook.answer(() => 'hang');
    expect(await dispatcher({ timeoutMs: 200 }).runOnce(at(0))).toEqual({ delivered: 0, retrying: 1, dead: 0 });
    expect(await outbox()).toEqual([
      expect.objectContaining({ state: 'pending', attempts: 1, last_error: 'timed out after 200 ms' }),
    ]);
  });

  it('never sends a row twice when two dispatchers run at once', async () => {
    await addWebhook('generic', '/busy');
    for (let i = 0; i < 30; i++) await queue(event());
    hook.answer(() => ({ status: 200, body: 'ok' }));
    const [one, two] = await Promise.all([
      dispatcher({ batchSize: 7 }).runOnce(at(0)),
      dispatcher({ batchSize: 7 }).runOnce(at(0)),
    ]);
    expect(one.delivered + two.delivered).toBe(30);
    const keys = hook.received.map((r) => r.headers['x-dutyboard-delivery']);
    expect(keys).toHaveLength(30);
    expect(new Set(keys).size).toBe(30);
  });

  it('runs in the background with start(), and stop() waits for the run in flight', async () => {
    await addWebhook('generic', '/background');
    await queue(event());
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    hook.answer(async () => {
      await held;
      return { status: 200, body: 'ok' };
    });
    const background = dispatcher({ now: () => at(0) });
    background.start(10);
    for (let i = 0; hook.received.length === 0 && i < 500; i++) await sleep(10);
    expect(hook.received).toHaveLength(1);

    let stopped = false;
    const stopping = background.stop().then(() => (stopped = true));
    await sleep(100);
    expect(stopped).toBe(false); // the answer is still held back
    release();
    await stopping;
    expect(await outbox()).toEqual([expect.objectContaining({ state: 'delivered', attempts: 1 })]);
    expect(hook.received).toHaveLength(1);
  });

  describe('routes', () => {
    const api = () => {
      const app = new Hono<AppEnv>();
      app.use(...requestContext(logger.log));
      app.use('/api/*', session(t.services.auth));
      app.route('/api', webhooksRoutes(t.services.webhooks, targets, t.services.channels));
      app.onError(onError);
      return app;
    };
    const call = (method: string, path: string, cookie?: string, body?: unknown) =>
      api().request(path, {
        method,
        headers: {
          ...(cookie ? { Cookie: cookie } : {}),
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });

    it('guards every route with roles.edit as its first handler', async () => {
      const firsts = new Map<string, unknown>();
      for (const route of webhooksRoutes(t.services.webhooks, targets, t.services.channels).routes)
        if (!firsts.has(`${route.method} ${route.path}`)) firsts.set(`${route.method} ${route.path}`, route.handler);
      expect([...firsts.keys()].sort()).toEqual([
        'DELETE /webhooks/:id',
        'GET /webhooks',
        'GET /webhooks/channels',
        'GET /webhooks/outbox',
        'POST /webhooks',
      ]);
      for (const handler of firsts.values()) expect(accessOf(handler)).toBe('roles.edit');
      for (const [method, path] of [
        ['GET', '/api/webhooks'],
        ['GET', '/api/webhooks/channels'],
        ['POST', '/api/webhooks'],
        ['DELETE', '/api/webhooks/1'],
        ['GET', '/api/webhooks/outbox'],
      ] as const) {
        const refused = await call(method, path, agent, method === 'POST' ? {} : undefined);
        expect(refused.status, `${method} ${path}`).toBe(403);
        expect((await refused.json()).error).toMatchObject({
          code: 'FORBIDDEN',
          details: { permission: 'roles.edit' },
        });
        expect((await call(method, path)).status).toBe(401);
      }
    });

    it('adds, lists and removes webhooks without ever returning the secret', async () => {
      const url = 'https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef0123';
      const created = await call('POST', '/api/webhooks', admin, {
        name: '运营群',
        url,
        channel: 'chat-webhooks.dingtalk',
        secret: 'SEC-very-secret',
      });
      expect(created.status).toBe(201);
      const text = await created.text();
      expect(text).not.toContain('SEC-very-secret');
      expect(JSON.parse(text)).toMatchObject({
        name: '运营群',
        channel: 'chat-webhooks.dingtalk',
        channelLoaded: true,
        hasSecret: true,
        enabled: true,
        url: 'https://oapi.dingtalk.com/robot/send?access_token=0123…',
      });
      await call('POST', '/api/webhooks', admin, { name: 'plain', url: 'http://127.0.0.1:9/in', channel: 'generic' });
      const list = await call('GET', '/api/webhooks', admin);
      const listed = await list.text();
      expect(listed).not.toContain('SEC-very-secret');
      expect(listed).not.toContain('0123456789abcdef0123');
      expect((JSON.parse(listed) as { hasSecret: boolean }[]).map((w) => w.hasSecret)).toEqual([true, false]);
      const stored = await t.db.kysely.selectFrom('webhooks').select(['url', 'secret']).orderBy('id').execute();
      expect(stored[0]).toEqual({ url, secret: 'SEC-very-secret' });

      const id = (JSON.parse(text) as { id: number }).id;
      expect((await call('DELETE', `/api/webhooks/${id}`, admin)).status).toBe(204);
      expect((await call('DELETE', `/api/webhooks/${id}`, admin)).status).toBe(404);
      expect(await (await call('GET', '/api/webhooks', admin)).json()).toEqual([
        expect.objectContaining({ name: 'plain' }),
      ]);
    });

    it('accepts only http(s) URLs and a named channel', async () => {
      for (const body of [
        { name: 'x', url: 'ftp://example.com/in', channel: 'generic' },
        { name: 'x', url: 'javascript:alert(1)', channel: 'generic' },
        { name: 'x', url: 'not a url', channel: 'generic' },
        { name: 'x', url: 'https://example.com/in', format: 'generic' },
        { name: '', url: 'https://example.com/in', channel: 'generic' },
      ]) {
        const response = await call('POST', '/api/webhooks', admin, body);
        expect(response.status, JSON.stringify(body)).toBe(400);
        expect((await response.json()).error.code).toBe('VALIDATION_FAILED');
      }
      expect(await t.db.kysely.selectFrom('webhooks').select('id').execute()).toEqual([]);
    });

    it('shows the outbox, filtered by state', async () => {
      await addWebhook('generic', '/seen');
      const [first, second] = [event(), event()];
      await queue(first);
      await queue(second);
      await t.db.kysely
        .updateTable('webhook_outbox')
        .set({ state: 'dead', attempts: 8, last_error: 'HTTP 500' })
        .where('dedup_key', '=', second.dedupKey)
        .execute();
      const all = (await (await call('GET', '/api/webhooks/outbox', admin)).json()) as {
        dedupKey: string;
        state: string;
      }[];
      expect(all.map((d) => [d.dedupKey, d.state])).toEqual([
        [second.dedupKey, 'dead'],
        [first.dedupKey, 'pending'],
      ]);
      const dead = await (await call('GET', '/api/webhooks/outbox?state=dead', admin)).json();
      expect(dead).toEqual([
        expect.objectContaining({
          dedupKey: second.dedupKey,
          attempts: 8,
          lastError: 'HTTP 500',
          event: expect.objectContaining({ ruleTitle: '逾期未处理' }),
        }),
      ]);
      expect((await call('GET', '/api/webhooks/outbox?state=bogus', admin)).status).toBe(400);
    });
  });
});
