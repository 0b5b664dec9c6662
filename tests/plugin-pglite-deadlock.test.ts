// A plugin cannot deadlock the embedded database: its hooks read cards through the shared handle, and
// when that happens while a transaction holds the one connection — here a move made inside one — the
// read runs on the held connection instead of waiting for it forever (core/db/pglite-dialect.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../core/auth/actor.ts';
import type { HookContext, TransitionContext } from '../core/plugins/contract.ts';
import type { PluginSource } from '../core/plugins/loader.ts';
import { testDatabases } from './helpers/databases.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

const org = `
version: 1
organization: {id: shop, name: Shop}
roles:
  - {id: agent, name: Agent, can: [boards.view, tasks.create, tasks.move, tasks.edit]}
members:
  - {email: agent@shop.test, name: Agent, roles: [agent]}
`;

const counted: number[] = [];
// Looks at the other open cards before letting one start: a read through the plugin API.
const lookout: PluginSource = {
  entry: 'test:lookout',
  load: async () => ({
    default: {
      id: 'lookout',
      name: { 'zh-CN': '瞭望', en: 'Lookout' },
      version: '1.0.0',
      core: '^0.1',
      hooks: {
        beforeTransition: async ({ task }: TransitionContext, plugin: HookContext) => {
          counted.push((await plugin.cards.find({ type: task.type, statuses: ['todo'] })).length);
          return undefined;
        },
      },
    },
  }),
};

describe.each(testDatabases.filter((database) => database.kind === 'pglite'))(
  'a plugin hook while a transaction is open on $kind',
  (database) => {
    let t: TestApp;
    let actor: Actor;

    beforeAll(async () => {
      t = await createTestApp(database, [{ name: 'shop.yaml', text: org }], {
        plugins: [lookout],
        hookTimeBoxMs: 5_000,
      });
      const cookie = await t.signIn('agent@shop.test');
      actor = (await t.services.auth.actorForToken(cookie.slice(cookie.indexOf('=') + 1)))!.actor;
    });
    afterAll(() => t.dispose());

    it('reads cards and lets the move through, instead of waiting for the connection its caller holds', async () => {
      const card = await t.services.tasks.create(actor, { type: 'core.task', title: '盘点 Stocktake' });
      const moved = await t.db.kysely
        .transaction()
        .execute(async () => t.services.tasks.move(actor, card.id, card.version, { to: 'in_progress' }));
      expect(counted).toEqual([1]);
      expect(moved.task).toMatchObject({ status: 'in_progress', version: card.version + 1 });
      expect(await t.services.tasks.get(card.id)).toMatchObject({ status: 'in_progress' });
    });
  },
);
