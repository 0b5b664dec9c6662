// Webhooks name a notification channel: core's generic one or a loaded plugin's. Webhooks stored with the
// old formats keep sending the same messages (migration 0025), an unknown channel or settings it does not
// take are refused saying which channels are loaded, and a webhook whose channel's plugin is not loaded
// is reported and its deliveries wait, while the others are sent.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../core/db/migrate.ts';
import { channelRegistry } from '../core/notifications/channels.ts';
import { createWebhookDispatcher, enqueueForEnabled } from '../core/notifications/webhook-outbox.ts';
import { createWebhookTargets } from '../core/notifications/webhook-targets.ts';
import { parseManifest } from '../core/plugins/contract.ts';
import { coreMigrations } from '../migrations/index.ts';
import chatWebhooks from '../plugins/chat-webhooks/index.ts';
import { testDatabases, type TestDb } from './helpers/databases.ts';
import { memoryLogger } from './helpers/silent-logger.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';
import { dueTime, testEscalation, webhookReceiver } from './helpers/webhooks.ts';

const org = `
version: 1
organization: {id: channels, name: Channels, timezone: Asia/Shanghai}
roles:
  - {id: admin, name: Admin, can: [org.view, roles.edit]}
members:
  - {email: admin@channels.test, name: Admin, roles: [admin]}
`;
const LOADED = ['generic', 'chat-webhooks.dingtalk', 'chat-webhooks.wecom', 'chat-webhooks.feishu'];

const targets = createWebhookTargets({ allowHosts: ['127.0.0.1'] });
const queue = (db: TestDb) => db.kysely.transaction().execute((tx) => enqueueForEnabled(tx, testEscalation()));

describe.each(testDatabases)('webhook channels on $kind', (database) => {
  let hook: Awaited<ReturnType<typeof webhookReceiver>>;
  beforeAll(async () => {
    hook = await webhookReceiver({ status: 200, body: '{"errcode":0,"code":0}' });
  });
  afterAll(() => hook.close());

  it('migration 0025: a webhook stored with a format names the same channel and sends the same message', async () => {
    const db = await database.create();
    try {
      const before = Object.fromEntries(Object.entries(coreMigrations).filter(([name]) => name < '0025'));
      await migrateToLatest(db.kysely, before);
      for (const format of ['generic', 'dingtalk', 'wecom', 'feishu'])
        await sql`INSERT INTO webhooks (name, url, format)
          VALUES (${format}, ${`http://127.0.0.1:${hook.port}/${format}`}, ${format})`.execute(db.kysely);
      await migrateToLatest(db.kysely);
      const stored = await db.kysely
        .selectFrom('webhooks')
        .select(['name', 'channel', 'settings'])
        .orderBy('id')
        .execute();
      expect(stored).toEqual([
        { name: 'generic', channel: 'generic', settings: {} },
        { name: 'dingtalk', channel: 'chat-webhooks.dingtalk', settings: {} },
        { name: 'wecom', channel: 'chat-webhooks.wecom', settings: {} },
        { name: 'feishu', channel: 'chat-webhooks.feishu', settings: {} },
      ]);

      hook.received.length = 0;
      await queue(db);
      const channels = channelRegistry([parseManifest(chatWebhooks)]);
      const dispatcher = createWebhookDispatcher({ db, log: memoryLogger().log, targets, channels });
      expect(await dispatcher.runOnce(dueTime())).toEqual({ delivered: 4, retrying: 0, dead: 0 });
      const bodies = Object.fromEntries(hook.received.map((r) => [r.url.slice(1), JSON.parse(r.body)]));
      expect(bodies.generic).toMatchObject({ type: 'task.escalated' });
      expect(bodies.dingtalk).toMatchObject({ msgtype: 'markdown', markdown: { title: '升级提醒：逾期' } });
      expect(bodies.wecom).toMatchObject({ msgtype: 'markdown', markdown: { content: expect.any(String) } });
      expect(bodies.feishu).toMatchObject({ msg_type: 'interactive' });
    } finally {
      await db.dispose();
    }
  });

  describe('over the API', () => {
    let t: TestApp;
    let admin: string;
    beforeAll(async () => {
      t = await createTestApp(database, [{ name: 'channels.yaml', text: org }]);
      admin = await t.signIn('admin@channels.test');
    });
    afterAll(() => t.dispose());
    const add = (body: Record<string, unknown>) =>
      t.call('POST', '/api/webhooks', {
        cookie: admin,
        body: { name: '运营群', url: 'https://oapi.dingtalk.com/robot/send?access_token=abc', ...body },
      });

    it('lists the loaded channels with their names in both languages', async () => {
      const response = await t.call('GET', '/api/webhooks/channels', { cookie: admin });
      expect(response.status).toBe(200);
      const channels = (await response.json()) as { id: string; name: Record<string, string>; hasSettings: boolean }[];
      expect(channels.map((channel) => channel.id)).toEqual(LOADED);
      expect(channels[1]).toEqual({
        id: 'chat-webhooks.dingtalk',
        name: { 'zh-CN': '钉钉群机器人', en: 'DingTalk group robot' },
        hasSettings: true,
      });
    });

    it('refuses a channel nobody loaded with 422, naming the loaded ones, and stores nothing', async () => {
      for (const channel of ['slack', 'dingtalk', 'chat-webhooks.slack']) {
        const response = await add({ channel });
        expect(response.status, channel).toBe(422);
        const { error } = await response.json();
        expect(error.code).toBe('UNPROCESSABLE');
        expect(error.message).toContain(`"${channel}"`);
        expect(error.message).toContain(LOADED.join(', '));
        expect(error.details).toEqual({ issues: [{ path: 'channel', message: expect.any(String) }], channels: LOADED });
      }
      expect(await t.db.kysely.selectFrom('webhooks').select('id').execute()).toEqual([]);
    });

    it("checks settings against the channel's schema, and refuses settings for a channel that takes none", async () => {
      const wrong = await add({ channel: 'chat-webhooks.dingtalk', settings: { atMobiles: ['the lead'] } });
      expect(wrong.status).toBe(422);
      expect((await wrong.json()).error.details.issues).toEqual([
        { path: 'settings.atMobiles.0', message: expect.stringContaining('mobile number') },
      ]);
      const none = await add({ channel: 'generic', settings: { atAll: true } });
      expect(none.status).toBe(422);
      expect((await none.json()).error.message).toContain('channel generic takes no settings');
      expect(await t.db.kysely.selectFrom('webhooks').select('id').execute()).toEqual([]);

      const added = await add({ channel: 'chat-webhooks.dingtalk', settings: { atMobiles: ['13800138000'] } });
      expect(added.status).toBe(201);
      expect(await added.json()).toMatchObject({
        channel: 'chat-webhooks.dingtalk',
        channelLoaded: true,
        settings: { atMobiles: ['13800138000'] },
      });
      await t.db.kysely.deleteFrom('webhooks').execute();
    });
  });

  it("reports a webhook whose channel's plugin is not loaded and keeps its deliveries until it is, sending the others", async () => {
    const t = await createTestApp(database, [{ name: 'channels.yaml', text: org }], { plugins: [] });
    try {
      const admin = await t.signIn('admin@channels.test');
      const url = (path: string) => `http://127.0.0.1:${hook.port}/${path}`;
      const [robot] = await t.db.kysely
        .insertInto('webhooks')
        .values([
          { name: 'robot', url: url('robot'), channel: 'chat-webhooks.dingtalk' },
          { name: 'plain', url: url('plain'), channel: 'generic' },
        ])
        .returning('id')
        .execute();
      const listed = (await (await t.call('GET', '/api/webhooks', { cookie: admin })).json()) as {
        channelLoaded: boolean;
      }[];
      expect(listed.map((webhook) => webhook.channelLoaded)).toEqual([false, true]);

      hook.received.length = 0;
      await queue(t.db);
      const { log, lines } = memoryLogger();
      const without = createWebhookDispatcher({ db: t.db, log, targets, channels: t.services.channels });
      expect(await without.reportUnavailable()).toEqual([{ id: robot!.id, channel: 'chat-webhooks.dingtalk' }]);
      expect(lines()).toEqual([
        expect.objectContaining({ level: 40, webhookId: robot!.id, channel: 'chat-webhooks.dingtalk' }),
      ]);
      expect(await without.runOnce(dueTime())).toEqual({ delivered: 1, retrying: 0, dead: 0 });
      expect(hook.received.map((r) => r.url)).toEqual(['/plain']);
      const waiting = await t.db.kysely
        .selectFrom('webhook_outbox')
        .select(['state', 'attempts'])
        .where('webhook_id', '=', robot!.id)
        .execute();
      expect(waiting).toEqual([{ state: 'pending', attempts: 0 }]);

      // The plugin back (a restart with it in PLUGINS): the waiting delivery goes out.
      const channels = channelRegistry([parseManifest(chatWebhooks)]);
      const withIt = createWebhookDispatcher({ db: t.db, log, targets, channels });
      expect(await withIt.runOnce(dueTime())).toEqual({ delivered: 1, retrying: 0, dead: 0 });
      expect(hook.received.map((r) => r.url)).toEqual(['/plain', '/robot']);
    } finally {
      await t.dispose();
    }
  });
});
