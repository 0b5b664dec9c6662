// Plugins' escalation actions on every database: a level naming `<plugin>.<action>` runs it after the
// firing is committed, on the scheduler's tick — a follow-up card made and a field set through the task
// service, each exactly once however often the tick runs; a failing action is logged in the run log and
// the others still run; a roles file or plugin naming an action no loaded plugin has is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEscalationScheduler } from '../core/escalation/escalation-scheduler.ts';
import { catalogueWith } from '../core/org/catalogue.ts';
import { loadOrg } from '../core/org/load-org.ts';
import { formatOrgError } from '../core/org/org-error.ts';
import type { EscalationActionContext, HookContext } from '../core/plugins/api.ts';
import { loadPlugins, type PluginSource } from '../core/plugins/loader.ts';
import { testDatabases } from './helpers/databases.ts';
import { memoryLogger } from './helpers/silent-logger.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

const name = (en: string) => ({ 'zh-CN': en, en });
const workflow = {
  initial: 'open',
  states: [
    { id: 'open', name: 'Open', category: 'todo' },
    { id: 'done', name: 'Done', category: 'done' },
  ],
  transitions: [{ from: 'open', to: 'done' }],
};
const stock = {
  id: 'stock',
  name: name('Stock'),
  version: '1.0.0',
  core: '^0.1',
  taskTypes: [
    {
      id: 'stock.item',
      name: 'Item',
      fields: [
        { id: 'qty', name: 'Quantity', type: 'number' },
        { id: 'flagged', name: 'Flagged', type: 'boolean' },
      ],
      workflow,
    },
    { id: 'stock.restock', name: 'Restock', workflow },
  ],
  escalationActions: [
    {
      name: 'follow_up',
      run: async ({ card, argument, key }: EscalationActionContext, plugin: HookContext) => {
        await plugin.cards.create(
          { type: 'stock.restock', title: `${argument}: ${card.title}`, assignTo: { roleId: card.roleId } },
          { key },
        );
      },
    },
    {
      name: 'flag',
      run: async ({ card }: EscalationActionContext, plugin: HookContext) =>
        void (await plugin.cards.setFields(card.id, { flagged: true })),
    },
    {
      name: 'boom',
      run: () => {
        throw new Error('warehouse system offline');
      },
    },
  ],
  escalations: [
    {
      id: 'stock-out',
      applies_to: { task_types: ['stock.item'] },
      when: { '<=': [{ var: 'task.fields.qty' }, 0] },
      levels: [
        { after: 'PT0M', to: 'reports_to', then: ['notify', 'stock.boom', 'stock.follow_up:restock', 'stock.flag'] },
      ],
    },
  ],
};
const inline = (manifest: Record<string, unknown>): PluginSource => ({
  entry: `test:${String(manifest.id)}`,
  load: async () => ({ default: manifest }),
});

const depot = (then = '') => `
version: 1
organization: {id: depot, name: Depot}
roles:
  - {id: manager, name: Manager, can: [org.view, boards.view, escalations.view]}
  - id: keeper
    name: Keeper
    reports_to: manager
    can: [org.view, boards.view, tasks.create, tasks.edit, tasks.move, tasks.assign]
    escalations:${then ? `\n      - {id: late, when: {">": [{var: task.overdue_hours}, 0]}, levels: [{after: PT0M, to: reports_to, then: [${then}]}]}` : ' []'}
members:
  - {email: manager@depot.test, name: Manager, roles: [manager]}
  - {email: keeper@depot.test, name: Keeper, roles: [keeper]}
`;

describe.each(testDatabases)('plugin escalation actions on $kind', (database) => {
  let t: TestApp;
  let keeper: string;
  let manager: string;

  beforeAll(async () => {
    t = await createTestApp(database, [{ name: 'depot.yaml', text: depot() }], { plugins: [inline(stock)] });
    [keeper, manager] = await Promise.all([t.signIn('keeper@depot.test'), t.signIn('manager@depot.test')]);
  });
  afterAll(() => t.dispose());

  const tick = () =>
    createEscalationScheduler({
      db: t.services.db,
      org: t.services.org,
      engine: t.services.engine,
      announce: t.services.events.announce,
      log: memoryLogger().log,
    }).tick();
  const restocks = () =>
    t.services.db.kysely
      .selectFrom('tasks')
      .select(['title', 'role_id', 'created_by'])
      .where('type', '=', 'stock.restock')
      .execute();
  const runs = async (taskId: number) =>
    (
      (await (await t.call('GET', `/api/escalations/runs?task=${taskId}`, { cookie: manager })).json()) as {
        outcome: string;
        reason: string;
        inputs: { action?: string };
      }[]
    ).filter((run) => run.inputs.action);

  it("runs a level's plugin actions after the firing is committed, each once, logging a failure and going on", async () => {
    const response = await t.call('POST', '/api/tasks', {
      cookie: keeper,
      body: { type: 'stock.item', title: 'Green tea 250 g', fields: { qty: 0 }, assignTo: { roleId: 'keeper' } },
    });
    expect(response.status, await response.clone().text()).toBe(201);
    const item = await response.json();
    // Fired in the write; the actions wait for the tick, outside the card's transaction.
    expect(await restocks()).toEqual([]);
    await tick();
    await tick();
    expect(await restocks()).toEqual([{ title: 'restock: Green tea 250 g', role_id: 'keeper', created_by: null }]);
    const card = await (await t.call('GET', `/api/tasks/${item.id}`, { cookie: keeper })).json();
    expect(card.fields).toEqual({ qty: 0, flagged: true });
    const logged = (await runs(item.id)).map((run) => [run.inputs.action, run.outcome, run.reason]).sort();
    expect(logged).toEqual([
      ['stock.boom', 'failed', 'stock.boom failed: warehouse system offline'],
      ['stock.flag', 'fired', 'stock.flag ran'],
      ['stock.follow_up:restock', 'fired', 'stock.follow_up ran'],
    ]);
  });
});

describe('naming plugin escalation actions', () => {
  it('refuses a roles file naming an action no loaded plugin has, saying which', async () => {
    const catalogue = catalogueWith((await loadPlugins([inline(stock)], { log: memoryLogger().log })).plugins);
    const errorsOf = (then: string) => {
      const result = loadOrg([{ name: 'depot.yaml', text: depot(then) }], catalogue);
      return result.ok ? [] : result.errors.map(formatOrgError);
    };
    expect(errorsOf('notify, stock.flag, "stock.follow_up:check"')).toEqual([]);
    expect(errorsOf('notify, stock.flg')).toEqual([
      expect.stringMatching(
        /unresolved_ref roles\[1\]\.escalations\[0\]\.levels\[0\]\.then\[1\]: unknown escalation action "stock\.flg" \(did you mean "stock\.flag"\?\)$/,
      ),
    ]);
    expect(errorsOf('crm.call_customer')).toEqual([
      expect.stringMatching(
        /unknown escalation action "crm\.call_customer": it would come from plugin "crm", which is not loaded \(list it in PLUGINS\)$/,
      ),
    ]);
  });

  it("fails a plugin whose default names an action that is neither its own nor a dependency's", async () => {
    const other = {
      ...stock,
      escalationActions: [],
      escalations: [
        { ...stock.escalations[0], levels: [{ after: 'PT0M', to: 'reports_to', then: ['crm.call_customer'] }] },
      ],
    };
    const { statuses } = await loadPlugins([inline(other)], { log: memoryLogger().log });
    expect(statuses[0]!.error).toBe(
      'plugin "stock": escalations.0.levels.0.then.0: unknown escalation action "crm.call_customer" (neither this plugin\'s nor a dependency\'s)',
    );
  });
});
