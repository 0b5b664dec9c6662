// Webhooks cannot be aimed at the server's own machine or private network, on every database: such a
// URL is refused when it is added and again at delivery, on the address actually resolved (DNS
// rebinding), unless WEBHOOK_ALLOW_HOSTS names the host. A failed delivery keeps its status, never the
// receiver's answer; deliveries sign their timestamp.
import type { LookupAddress } from 'node:dns';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { migrateToLatest } from '../core/db/migrate.ts';
import { verifySignature } from '../core/notifications/generic-webhook.ts';
import { createWebhookDispatcher, enqueueForEnabled } from '../core/notifications/webhook-outbox.ts';
import { createWebhookTargets, type WebhookTargets } from '../core/notifications/webhook-targets.ts';
import { coreMigrations } from '../migrations/index.ts';
import { testDatabases } from './helpers/databases.ts';
import { memoryLogger } from './helpers/silent-logger.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';
import { dueTime, type Received, testEscalation, webhookReceiver } from './helpers/webhooks.ts';

const org = `
version: 1
organization: {id: ssrf, name: SSRF, timezone: Asia/Shanghai}
roles:
  - {id: admin, name: Admin, can: [org.view, roles.edit]}
members:
  - {email: admin@ssrf.test, name: Admin, roles: [admin]}
`;

describe.each(testDatabases)('webhook targets on $kind', (database) => {
  let t: TestApp;
  let admin: string;
  let hook: Awaited<ReturnType<typeof webhookReceiver>>;
  const deliver = (targets: WebhookTargets) =>
    createWebhookDispatcher({ db: t.db, log: memoryLogger().log, targets }).runOnce(dueTime());
  const addRow = (url: string, secret: string | null = null) =>
    t.db.kysely
      .insertInto('webhooks')
      .values({ name: 'hook', url, channel: 'generic', secret, enabled: true })
      .returning('id')
      .executeTakeFirstOrThrow();
  const queue = () => t.db.kysely.transaction().execute((tx) => enqueueForEnabled(tx, testEscalation()));
  const outbox = () =>
    t.db.kysely.selectFrom('webhook_outbox').select(['state', 'attempts', 'last_error']).orderBy('id').execute();

  beforeAll(async () => {
    t = await createTestApp(database, [{ name: 'ssrf.yaml', text: org }]);
    admin = await t.signIn('admin@ssrf.test');
    hook = await webhookReceiver({ status: 500, body: 'root:x:0:0:root:/root:/bin/bash — internal secret page' });
  });
  afterAll(async () => {
    await hook.close();
    await t.dispose();
  });
  beforeEach(async () => {
    await t.db.kysely.deleteFrom('webhooks').execute();
    hook.received.length = 0;
  });

  it('refuses webhook URLs to this machine or its private network when they are added, saying why, and stores none', async () => {
    for (const [url, reason] of [
      ['http://127.0.0.1:9/in', '127.0.0.1, a loopback address'],
      ['http://0x7f000001/in', '127.0.0.1, a loopback address'],
      ['http://localhost:8787/api', 'localhost is this machine (loopback)'],
      ['http://[::1]/in', '::1, a loopback address'],
      ['http://169.254.169.254/latest/meta-data/', '169.254.169.254, a link-local address'],
      ['http://[::ffff:169.254.169.254]/latest', '::ffff:a9fe:a9fe, a link-local address'],
      ['https://192.168.1.20/in', '192.168.1.20, a private address'],
      ['https://[fd00::20]/in', 'fd00::20, a unique-local address'],
      ['http://239.1.1.1/in', '239.1.1.1, a multicast address'],
      ['http://0.0.0.0/in', '0.0.0.0, an unspecified address'],
    ]) {
      const response = await t.call('POST', '/api/webhooks', {
        cookie: admin,
        body: { name: 'x', url, channel: 'generic' },
      });
      expect(response.status, url).toBe(400);
      const { error } = await response.json();
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.details.issues).toEqual([{ path: 'url', message: expect.stringContaining(reason!) }]);
      expect(error.message).toContain('WEBHOOK_ALLOW_HOSTS');
    }
    expect(await t.db.kysely.selectFrom('webhooks').select('id').execute()).toEqual([]);
  });

  it('accepts a local receiver that WEBHOOK_ALLOW_HOSTS names, and delivers to it', async () => {
    const allowing = await createTestApp(database, [{ name: 'ssrf.yaml', text: org }], {
      webhookAllowHosts: ['127.0.0.1'],
    });
    try {
      const cookie = await allowing.signIn('admin@ssrf.test');
      const url = `http://127.0.0.1:${hook.port}/in`;
      expect(
        (await allowing.call('POST', '/api/webhooks', { cookie, body: { name: 'local', url, channel: 'generic' } }))
          .status,
      ).toBe(201);
      expect(
        (
          await allowing.call('POST', '/api/webhooks', {
            cookie,
            body: { name: 'x', url: 'http://127.0.0.2/in', channel: 'generic' },
          })
        ).status,
      ).toBe(400);
      await allowing.db.kysely.transaction().execute((tx) => enqueueForEnabled(tx, testEscalation()));
      await createWebhookDispatcher({
        db: allowing.db,
        log: memoryLogger().log,
        targets: allowing.services.webhookTargets,
      }).runOnce(dueTime());
      expect(hook.received).toHaveLength(1);
    } finally {
      await allowing.dispose();
    }
  });

  it('refuses at delivery a stored URL that reaches loopback, before sending anything', async () => {
    await addRow(`http://127.0.0.1:${hook.port}/in`);
    await queue();
    expect(await deliver(t.services.webhookTargets)).toEqual({ delivered: 0, retrying: 1, dead: 0 });
    expect(hook.received).toEqual([]);
    expect(await outbox()).toEqual([
      { state: 'pending', attempts: 1, last_error: 'refused: 127.0.0.1, a loopback address' },
    ]);
  });

  it('resolves the name again at delivery: a name that now points at this machine is refused (DNS rebinding)', async () => {
    let answer = '93.184.216.34';
    const resolve = async (): Promise<LookupAddress[]> => [{ address: answer, family: 4 }];
    const targets = createWebhookTargets({ resolve });
    const url = `http://rebind.example.com:${hook.port}/in`;
    expect(await targets.refusalOf(url)).toBeUndefined();
    await addRow(url);
    await queue();
    answer = '127.0.0.1';
    expect(await deliver(targets)).toEqual({ delivered: 0, retrying: 1, dead: 0 });
    expect(hook.received).toEqual([]);
    expect(await outbox()).toEqual([
      {
        state: 'pending',
        attempts: 1,
        last_error: 'refused: rebind.example.com resolves to 127.0.0.1, a loopback address',
      },
    ]);

    // The connection goes where that resolution says: allowed by name, the same delivery reaches the receiver.
    const allowed = createWebhookTargets({ resolve, allowHosts: ['rebind.example.com'] });
    await t.db.kysely
      .updateTable('webhook_outbox')
      .set({ next_attempt_at: new Date(0) })
      .execute();
    await deliver(allowed);
    expect(hook.received).toHaveLength(1);
  });

  it("keeps the status of a failed delivery, never the receiver's answer, and the outbox shows none of it", async () => {
    await addRow(`http://127.0.0.1:${hook.port}/in`);
    await queue();
    await deliver(createWebhookTargets({ allowHosts: ['127.0.0.1'] }));
    expect(hook.received).toHaveLength(1);
    expect(await outbox()).toEqual([{ state: 'pending', attempts: 1, last_error: 'HTTP 500' }]);
    const shown = await (await t.call('GET', '/api/webhooks/outbox', { cookie: admin })).text();
    expect(shown).toContain('"lastError":"HTTP 500"');
    expect(shown).not.toContain('root:x');
    expect(shown).not.toContain('secret page');
  });

  it('signs the timestamp with the body: the receiver verifies the delivery and refuses it replayed later or re-stamped', async () => {
    await addRow(`http://127.0.0.1:${hook.port}/in`, 'whsec-ts');
    await queue();
    const sentAt = dueTime();
    await createWebhookDispatcher({
      db: t.db,
      log: memoryLogger().log,
      targets: createWebhookTargets({ allowHosts: ['127.0.0.1'] }),
    }).runOnce(sentAt);
    const [request] = hook.received as [Received];
    const delivery = {
      timestamp: request.headers['x-dutyboard-timestamp'] as string,
      body: request.body,
      signature: request.headers['x-dutyboard-signature'] as string,
    };
    expect(delivery.timestamp).toBe(String(Math.floor(sentAt.getTime() / 1000)));
    expect(verifySignature('whsec-ts', delivery, sentAt)).toBe(true);
    const anHourLater = new Date(sentAt.getTime() + 3600_000);
    expect(verifySignature('whsec-ts', delivery, anHourLater)).toBe(false);
    expect(
      verifySignature(
        'whsec-ts',
        { ...delivery, timestamp: String(Math.floor(anHourLater.getTime() / 1000)) },
        anHourLater,
      ),
    ).toBe(false);
  });
});

describe.each(testDatabases)('migration 0015 on $kind', (database) => {
  it("removes receivers' answers already stored in the outbox, keeping the status or error code", async () => {
    const db = await database.create();
    try {
      const upTo0014 = Object.fromEntries(Object.entries(coreMigrations).filter(([name]) => name < '0015'));
      await migrateToLatest(db.kysely, upTo0014);
      // The table as it was then (a format, not a channel).
      const inserted = await sql<{ id: number }>`INSERT INTO webhooks (name, url, format)
        VALUES ('old', 'https://hooks.example.com/in', 'generic') RETURNING id`.execute(db.kysely);
      const id = inserted.rows[0]!.id;
      const errors = [
        'HTTP 500: root:x:0:0 internal page',
        'dingtalk refused (310000): sign not match',
        'wecom refused (internal text): leaked',
        'ECONNREFUSED: connect ECONNREFUSED 10.0.0.1:80',
        'timed out after 5000 ms',
        null,
      ];
      await db.kysely
        .insertInto('webhook_outbox')
        .values(errors.map((last_error, i) => ({ webhook_id: id, dedup_key: `k${i}`, payload: '{}', last_error })))
        .execute();
      await migrateToLatest(db.kysely);
      const rows = await db.kysely.selectFrom('webhook_outbox').select('last_error').orderBy('id').execute();
      expect(rows.map((row) => row.last_error)).toEqual([
        'HTTP 500',
        'dingtalk refused (error code 310000)',
        'wecom refused (error code ?)',
        'ECONNREFUSED: connect ECONNREFUSED 10.0.0.1:80',
        'timed out after 5000 ms',
        null,
      ]);
    } finally {
      await db.dispose();
    }
  });
});
