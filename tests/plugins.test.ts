// The plugin host on every database: plugins listed like PLUGINS entries are loaded and checked, broken
// ones (an invalid manifest, a workflow naming an unknown state, a missing dependency, a throwing or
// hanging hook) are reported with their id while the server and the other plugins keep working, and the
// warehouse example's cards, permission, guard and metric work end to end.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { sql } from 'kysely';
import type { PluginMigrationDb, PluginRequest } from '../core/plugins/api.ts';
import { migratePlugin } from '../core/plugins/plugin-migrations.ts';
import type { CommittedChange } from '../core/plugins/api.ts';
import { catalogueWith } from '../core/org/catalogue.ts';
import { loadOrg } from '../core/org/load-org.ts';
import { loadPlugins, pluginSource, RequiredPluginError, type PluginSource } from '../core/plugins/loader.ts';
import { testDatabases } from './helpers/databases.ts';
import { memoryLogger } from './helpers/silent-logger.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

const depot = `
version: 1
organization: {id: depot, name: Depot, member_can: [boards.view]}
roles:
  - id: keeper
    name: Keeper
    can: [org.view, boards.view, boards.manage, tasks.create, tasks.edit, tasks.move, tasks.assign, kpis.view, warehouse.shelve]
    kpis: [{id: shelved, name: Shelved, metric: warehouse.shelved, target: {gte: 1}, period: week}]
  - {id: clerk, name: Clerk, reports_to: keeper, can: [org.view, boards.view, tasks.create, tasks.edit, tasks.move]}
  - {id: porter, name: Porter, reports_to: keeper, can: [boards.view, tasks.move]}
task_types:
  - id: depot.return
    name: Return
    fields: [{id: sku, name: SKU, type: warehouse.sku}]
    workflow:
      initial: open
      states: [{id: open, name: Open, category: todo}, {id: done, name: Done, category: done}]
      transitions: [{from: open, to: done}]
members:
  - {email: keeper@depot.test, name: Keeper, roles: [keeper]}
  - {email: clerk@depot.test, name: Clerk, roles: [clerk]}
  - {email: porter@depot.test, name: Porter, roles: [porter]}
`;

const inline = (entry: string, manifest: unknown): PluginSource => ({
  entry,
  load: async () => ({ default: manifest }),
});
const plugin = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: { 'zh-CN': id, en: id },
  version: '1.0.0',
  core: '^0.1',
  ...extra,
});

const heard: CommittedChange[] = [];
const broken: PluginSource[] = [
  inline('test:broken-manifest', {
    id: 'broken-manifest',
    name: { en: 'No Chinese name' },
    version: '1.0.0',
    core: '^0.1',
  }),
  inline(
    'test:bad-workflow',
    plugin('bad-workflow', {
      taskTypes: [
        {
          id: 'bad-workflow.job',
          name: 'Job',
          workflow: {
            initial: 'open',
            states: [{ id: 'open', name: 'Open', category: 'todo' }],
            transitions: [{ from: 'open', to: 'gone' }],
          },
        },
      ],
    }),
  ),
  inline('test:needs-missing', plugin('needs-missing', { dependsOn: ['not-there'] })),
  // Hooks that misbehave only for cards titled so, so the other tests' moves go through them too.
  inline(
    'test:thrower',
    plugin('thrower', {
      hooks: {
        beforeTransition: ({ task }: { task: { title: string } }) => {
          if (task.title.startsWith('throw')) throw new Error('stock system offline');
        },
      },
    }),
  ),
  inline(
    'test:hanger',
    plugin('hanger', {
      hooks: {
        beforeTransition: ({ task }: { task: { title: string } }) =>
          task.title.startsWith('hang') ? new Promise(() => undefined) : undefined,
      },
    }),
  ),
  inline('test:noisy', plugin('noisy', { hooks: { afterCommit: () => Promise.reject(new Error('audit log full')) } })),
  inline(
    'test:bad-route',
    plugin('bad-route', {
      routes: [{ method: 'GET', path: '/x', permission: 'bad-route.nope', output: z.object({}), handle: () => ({}) }],
    }),
  ),
  // A route that reaches for core's cards table instead of going through the card API.
  inline(
    'test:snoop',
    plugin('snoop', {
      routes: [
        {
          method: 'GET',
          path: '/cards',
          permission: 'boards.view',
          output: z.array(z.unknown()),
          handle: ({ tables }: PluginRequest) => tables.selectFrom('tasks').selectAll().execute(),
        },
      ],
    }),
  ),
  // Migrations: the second of two fails (nothing of either stays), one reaches for a core table, one depends on a failed one.
  inline(
    'test:half',
    plugin('half', {
      migrations: {
        '0001_a': {
          up: (db: PluginMigrationDb) => db.schema.createTable('half_a').addColumn('id', 'integer').execute(),
        },
        '0002_b': {
          up: async (db: PluginMigrationDb) => {
            await db.schema.createTable('half_b').addColumn('id', 'integer').execute();
            throw new Error('disk on fire');
          },
        },
      },
    }),
  ),
  inline(
    'test:grabby',
    plugin('grabby', {
      migrations: {
        '0001_x': {
          up: (db: PluginMigrationDb) => db.schema.alterTable('tasks').addColumn('grabby', 'text').execute(),
        },
      },
    }),
  ),
  inline('test:after-half', plugin('after-half', { dependsOn: ['half'] })),
  inline(
    'test:listener',
    plugin('listener', {
      dependsOn: ['warehouse'],
      hooks: { afterCommit: (change: CommittedChange) => void heard.push(change) },
    }),
  ),
];

describe.each(testDatabases)('plugins on $kind', (database) => {
  let t: TestApp;
  let keeper: string;
  let clerk: string;

  beforeAll(async () => {
    t = await createTestApp(database, [{ name: 'depot.yaml', text: depot }], {
      plugins: [pluginSource('./plugins/examples/warehouse'), ...broken],
      hookTimeBoxMs: 100,
    });
    [keeper, clerk] = await Promise.all([t.signIn('keeper@depot.test'), t.signIn('clerk@depot.test')]);
  });
  afterAll(() => t.dispose());

  interface Card {
    id: number;
    version: number;
    status: string;
  }
  const create = async (type: string, title: string, fields: Record<string, unknown> = {}): Promise<Card> => {
    const response = await t.call('POST', '/api/tasks', {
      cookie: keeper,
      body: { type, title, fields, assignTo: { roleId: 'keeper' } },
    });
    expect(response.status, await response.clone().text()).toBe(201);
    return response.json();
  };
  const move = (cookie: string, card: Card, to: string) =>
    t.call('PATCH', `/api/tasks/${card.id}/transition`, { cookie, body: { to, expectedVersion: card.version } });
  const edit = async (card: Card, fields: Record<string, unknown>): Promise<Card> =>
    (
      await t.call('PATCH', `/api/tasks/${card.id}`, {
        cookie: keeper,
        body: { expectedVersion: card.version, fields },
      })
    ).json();

  it('lists every configured plugin as loaded or failed, each failure naming the plugin and the field', async () => {
    expect((await t.call('GET', '/api/plugins')).status).toBe(401);
    const response = await t.call('GET', '/api/plugins', { cookie: clerk });
    expect(response.status).toBe(200);
    const statuses = (await response.json()) as {
      id: string;
      status: string;
      error?: string;
      version: string | null;
    }[];
    const byId = Object.fromEntries(statuses.map((status) => [status.id, status]));
    expect(Object.keys(byId).sort()).toEqual([
      'after-half',
      'bad-route',
      'bad-workflow',
      'broken-manifest',
      'grabby',
      'half',
      'hanger',
      'listener',
      'needs-missing',
      'noisy',
      'snoop',
      'thrower',
      'warehouse',
    ]);
    expect(byId.warehouse).toMatchObject({ status: 'loaded', version: '0.1.0', entry: './plugins/examples/warehouse' });
    expect(byId['broken-manifest']).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/^plugin "broken-manifest": name\.zh-CN: /),
    });
    expect(byId['bad-workflow']).toMatchObject({
      status: 'failed',
      error: 'plugin "bad-workflow": taskTypes.0.workflow.transitions.0.to: unknown state "gone"',
    });
    expect(byId['needs-missing']).toMatchObject({
      status: 'failed',
      error: 'plugin "needs-missing": dependsOn: plugin "not-there" is not loaded',
    });
    expect(byId['bad-route']).toMatchObject({
      status: 'failed',
      error: 'plugin "bad-route": routes.0.permission: unknown permission "bad-route.nope"',
    });
    expect(
      statuses
        .filter((status) => status.status === 'loaded')
        .map((status) => status.id)
        .sort(),
    ).toEqual(['hanger', 'listener', 'noisy', 'snoop', 'thrower', 'warehouse']);
    expect(t.logLines().filter((line) => line.plugin === 'bad-workflow' && line.level === 50)).toHaveLength(1);
  });

  it('tells anyone signed in which plugins loaded (the UI shows their slots), and only org.view holders why one failed', async () => {
    const response = await t.call('GET', '/api/plugins', { cookie: await t.signIn('porter@depot.test') });
    expect(response.status).toBe(200);
    const statuses = (await response.json()) as { id: string; status: string; error?: string }[];
    expect(statuses.find((status) => status.id === 'warehouse')).toMatchObject({
      status: 'loaded',
      entry: './plugins/examples/warehouse',
    });
    expect(statuses.find((status) => status.id === 'bad-workflow')).toEqual(
      expect.objectContaining({ status: 'failed' }),
    );
    expect(statuses.filter((status) => 'error' in status)).toEqual([]);
  });

  it("applies a plugin's migrations in its own table; a failing one fails only that plugin (and its dependants) and leaves nothing behind", async () => {
    const statuses = (await (await t.call('GET', '/api/plugins', { cookie: clerk })).json()) as {
      id: string;
      status: string;
      error?: string;
    }[];
    const byId = Object.fromEntries(statuses.map((status) => [status.id, status]));
    expect(byId.half).toMatchObject({ status: 'failed', error: 'plugin "half": migrations.0002_b: disk on fire' });
    expect(byId.grabby).toMatchObject({
      status: 'failed',
      error: 'plugin "grabby": migrations.0001_x: plugin "grabby" may use only its own tables (grabby_…), not "tasks"',
    });
    expect(byId['after-half']).toMatchObject({
      status: 'failed',
      error: 'plugin "after-half": dependsOn: plugin "half" is not loaded',
    });
    const db = t.db.kysely;
    const tables = await sql<{
      name: string;
    }>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND (table_name LIKE 'half%' OR table_name LIKE 'warehouse%')`.execute(
      db,
    );
    expect(tables.rows.map((row) => row.name)).toEqual(['warehouse_counts']);
    const columns = await sql<{
      name: string;
    }>`SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'tasks' AND column_name = 'grabby'`.execute(
      db,
    );
    expect(columns.rows).toEqual([]);
    expect(
      await db.selectFrom('plugin_migrations').select(['plugin_id', 'name']).orderBy('plugin_id').execute(),
    ).toEqual([{ plugin_id: 'warehouse', name: '0001_counts' }]);
    // A second start applies nothing again.
    expect(await migratePlugin(db, t.services.plugins.plugins.find((loaded) => loaded.id === 'warehouse')!)).toEqual(
      [],
    );
  });

  it('keeps every count posted to the warehouse route in its own table', async () => {
    let card = await create('warehouse.receipt', '到货 D-400', { sku: 'D-400', expected: 5 });
    for (const counted of [4, 5]) {
      const response = await t.call('POST', `/api/plugins/warehouse/receipts/${card.id}/count`, {
        cookie: clerk,
        body: { counted, expectedVersion: card.version },
      });
      expect(response.status).toBe(200);
      card = { ...card, version: (await response.json()).version };
    }
    const history = await (
      await t.call('GET', `/api/plugins/warehouse/receipts/${card.id}/counts`, { cookie: keeper })
    ).json();
    expect(history.map((entry: { counted: number }) => entry.counted)).toEqual([4, 5]);
    expect(history[0]).toMatchObject({ countedBy: expect.any(String), at: expect.stringMatching(/^\d{4}-/) });
  });

  it('creates and moves a warehouse receipt; its guard refuses a count off by more than 2 % with the reason', async () => {
    let card = await create('warehouse.receipt', '到货 A-100', { sku: 'A-100', expected: 100 });
    expect(card.status).toBe('expected');
    const received = await move(keeper, card, 'received');
    expect(received.status, await received.clone().text()).toBe(200);
    card = await edit((await received.json()).task, { counted: 90 });

    const refused = await move(keeper, card, 'shelved');
    expect(refused.status).toBe(422);
    expect((await refused.json()).error).toMatchObject({
      message: 'The counted quantity differs from the expected one by more than 2 %; count again.',
      details: { reason: 'guard' },
    });
    expect((await (await t.call('GET', `/api/tasks/${card.id}`, { cookie: keeper })).json()).status).toBe('received');

    card = await edit(card, { counted: 99 });
    // The plugin's permission, granted in the roles file, is what lets a person shelve.
    expect((await move(clerk, card, 'shelved')).status).toBe(403);
    const shelved = await move(keeper, card, 'shelved');
    expect(shelved.status, await shelved.clone().text()).toBe(200);
    expect((await shelved.json()).task.status).toBe('shelved');

    const kpis = (await (await t.call('GET', '/api/kpis', { cookie: keeper })).json()) as {
      kpi: { metric: string };
      value: number | null;
    }[];
    expect(kpis.filter((result) => result.kpi.metric === 'warehouse.shelved').map((result) => result.value)).toContain(
      1,
    );
  });

  it('serves the warehouse route under /api/plugins/warehouse: validated input, its permission, and card writes through core', async () => {
    const card = await create('warehouse.receipt', '到货 C-300', { sku: 'C-300', expected: 10 });
    const url = `/api/plugins/warehouse/receipts/${card.id}/count`;
    expect((await t.call('POST', url, { body: { counted: 9, expectedVersion: card.version } })).status).toBe(401);
    const invalid = await t.call('POST', url, { cookie: keeper, body: { counted: -1, expectedVersion: card.version } });
    expect(invalid.status).toBe(400);
    expect((await invalid.json()).error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { issues: [expect.objectContaining({ path: 'counted' })] },
    });
    const counted = await t.call('POST', url, { cookie: keeper, body: { counted: 9, expectedVersion: card.version } });
    expect(counted.status, await counted.clone().text()).toBe(200);
    expect(await counted.json()).toEqual({ id: card.id, version: card.version + 1, counted: 9 });
    const stored = await (await t.call('GET', `/api/tasks/${card.id}`, { cookie: keeper })).json();
    expect(stored).toMatchObject({ version: card.version + 1, fields: { counted: 9 } });
    // The card writer's rules hold through the plugin: a stale version is refused with the card as it is.
    const stale = await t.call('POST', url, { cookie: keeper, body: { counted: 8, expectedVersion: card.version } });
    expect(stale.status).toBe(409);
    const plain = await create('core.task', 'not a receipt');
    expect(
      (
        await t.call('POST', `/api/plugins/warehouse/receipts/${plain.id}/count`, {
          cookie: keeper,
          body: { counted: 1, expectedVersion: plain.version },
        })
      ).status,
    ).toBe(404);
  });

  it("fences a plugin route to its own tables: reading core's cards fails that request, logged with the plugin id", async () => {
    const response = await t.call('GET', '/api/plugins/snoop/cards', { cookie: keeper });
    expect(response.status).toBe(500);
    expect((await response.json()).error).toMatchObject({ code: 'INTERNAL', details: { plugin: 'snoop' } });
    expect(
      t
        .logLines()
        .some(
          (line) =>
            line.plugin === 'snoop' &&
            (line.err as { message?: string } | undefined)?.message?.includes(
              'may use only its own tables (snoop_…), not "tasks"',
            ),
        ),
    ).toBe(true);
    expect((await t.call('GET', '/api/plugins', { cookie: keeper })).status).toBe(200);
  });

  it("checks a plugin field type on every write, in the plugin's task types and the roles file's, with core's error shape", async () => {
    for (const type of ['warehouse.receipt', 'depot.return']) {
      const refused = await t.call('POST', '/api/tasks', {
        cookie: keeper,
        body: { type, title: 'bad sku', fields: { sku: 'a100' }, assignTo: { roleId: 'keeper' } },
      });
      expect(refused.status).toBe(400);
      expect((await refused.json()).error).toEqual({
        code: 'VALIDATION_FAILED',
        message: 'Invalid fields: fields.sku: expected a SKU like A-100',
        details: { issues: [{ path: 'fields.sku', message: 'expected a SKU like A-100' }] },
      });
    }
    const card = await create('depot.return', 'returned pallet', { sku: 'B-200' });
    const edited = await t.call('PATCH', `/api/tasks/${card.id}`, {
      cookie: keeper,
      body: { expectedVersion: card.version, fields: { sku: 'B200' } },
    });
    expect(edited.status).toBe(400);
    expect((await (await t.call('GET', `/api/tasks/${card.id}`, { cookie: keeper })).json()).fields).toEqual({
      sku: 'B-200',
    });
    const types = (await (await t.call('GET', '/api/task-types', { cookie: keeper })).json()) as {
      id: string;
      fields: { id: string; type: string }[];
    }[];
    expect(types.find((type) => type.id === 'depot.return')!.fields).toEqual([
      expect.objectContaining({ id: 'sku', type: 'warehouse.sku' }),
    ]);
  });

  it("keeps a removed plugin's cards readable as an unknown type, on the board too; changing one is refused saying why", async () => {
    const card = await create('warehouse.receipt', '到货 F-600', { sku: 'F-600', expected: 2 });
    const columns = [
      { id: 'open', name: 'Open', states: ['expected', 'received'] },
      { id: 'done', name: 'Done', states: ['shelved'] },
    ];
    expect(
      (
        await t.call('POST', '/api/boards', {
          cookie: keeper,
          body: { id: 'receipts', name: 'Receipts', taskTypes: ['warehouse.receipt'], columns },
        })
      ).status,
    ).toBe(201);
    // The same database, started again without the warehouse plugin.
    const without = await createTestApp(database, [], { restartOn: t.db });
    try {
      const cookie = await without.signIn('keeper@depot.test');
      const get = async (path: string) => {
        const response = await without.call('GET', path, { cookie });
        expect(response.status, `${path}: ${await response.clone().text()}`).toBe(200);
        return response.json();
      };
      expect(await get(`/api/tasks/${card.id}`)).toMatchObject({
        id: card.id,
        type: 'warehouse.receipt',
        fields: { sku: 'F-600', expected: 2 },
      });
      expect(await get(`/api/tasks/${card.id}/detail`)).toMatchObject({
        task: { id: card.id, type: 'warehouse.receipt' },
        transitions: [],
      });
      expect((await get('/api/boards/receipts')).cards).toEqual(
        expect.arrayContaining([expect.objectContaining({ id: card.id, type: 'warehouse.receipt' })]),
      );
      await get('/api/me/work');
      // Not in the task types: that is how a client knows to show it as an unknown type.
      expect((await get('/api/task-types')).map((type: { id: string }) => type.id)).not.toContain('warehouse.receipt');

      const refusal = { code: 'UNPROCESSABLE', details: { reason: 'type_not_loaded', taskType: 'warehouse.receipt' } };
      const moved = await without.call('PATCH', `/api/tasks/${card.id}/transition`, {
        cookie,
        body: { to: 'received', expectedVersion: card.version },
      });
      expect(moved.status).toBe(422);
      const body = await moved.json();
      expect(body.error).toMatchObject(refusal);
      expect(body.error.message).toMatch(
        /^Card \d+ is of task type "warehouse\.receipt", which is not loaded now .*it can be read, but not changed/,
      );
      const edited = await without.call('PATCH', `/api/tasks/${card.id}`, {
        cookie,
        body: { expectedVersion: card.version, fields: { expected: 3 } },
      });
      expect((await edited.json()).error).toMatchObject(refusal);
      expect(await get(`/api/tasks/${card.id}`)).toMatchObject({ status: 'expected', version: card.version });
    } finally {
      await without.dispose();
    }
  });

  it('refuses a move when a beforeTransition hook throws, naming the plugin, and leaves the card as it was', async () => {
    const card = await create('core.task', 'throw: check stock');
    const refused = await move(keeper, card, 'in_progress');
    expect(refused.status).toBe(422);
    expect((await refused.json()).error).toMatchObject({
      message: 'Plugin "thrower" refused the move: failed: stock system offline',
      details: { reason: 'plugin_veto', plugin: 'thrower' },
    });
    const after = await (await t.call('GET', `/api/tasks/${card.id}`, { cookie: keeper })).json();
    expect(after).toMatchObject({ status: 'todo', version: card.version });
  });

  it('cuts a hanging beforeTransition hook off after its time box and refuses the move; other moves still pass', async () => {
    const hanging = await create('core.task', 'hang: wait for scanner');
    const refused = await move(keeper, hanging, 'in_progress');
    expect(refused.status).toBe(422);
    expect((await refused.json()).error.details).toMatchObject({
      reason: 'plugin_veto',
      plugin: 'hanger',
      message: 'did not answer within 100 ms',
    });
    const plain = await create('core.task', 'sweep the floor');
    expect((await move(keeper, plain, 'in_progress')).status).toBe(200);
  });

  it('keeps a committed change when an afterCommit hook fails, logs it with the plugin id, and other plugins still hear it', async () => {
    const card = await create('core.task', 'count pallets');
    const moved = await move(keeper, card, 'in_progress');
    expect(moved.status).toBe(200);
    await vi.waitFor(() =>
      expect(heard.some((change) => change.taskId === card.id && change.type === 'task.transitioned')).toBe(true),
    );
    await vi.waitFor(() =>
      expect(t.logLines().some((line) => line.plugin === 'noisy' && String(line.msg).includes('afterCommit'))).toBe(
        true,
      ),
    );
    expect((await (await t.call('GET', `/api/tasks/${card.id}`, { cookie: keeper })).json()).status).toBe(
      'in_progress',
    );
  });

  it('refuses a roles file naming a plugin that is not loaded, saying which plugin', async () => {
    const other = await createTestApp(database, undefined, {});
    try {
      const attempt = other.services.org.activate([{ name: 'depot.yaml', text: depot }], {
        baseVersionId: (await other.services.org.active()).versionId,
        authorId: null,
        origin: 'roles-folder',
      });
      await expect(attempt).rejects.toMatchObject({ code: 'ROLES_INVALID' });
      const errors = (
        (await attempt.catch((error: { details: { errors: { message: string }[] } }) => error.details)) as {
          errors: { message: string }[];
        }
      ).errors;
      expect(errors.map((error) => error.message)).toEqual(
        expect.arrayContaining([
          'unknown permission "warehouse.shelve": it would come from plugin "warehouse", which is not loaded (list it in PLUGINS)',
          'unknown metric "warehouse.shelved": it would come from plugin "warehouse", which is not loaded (list it in PLUGINS)',
          'unknown field type "warehouse.sku": it would come from plugin "warehouse", which is not loaded (list it in PLUGINS)',
        ]),
      );
    } finally {
      await other.dispose();
    }
  });
});

describe('the plugin loader', () => {
  const { log } = memoryLogger();

  it('fails the second of two plugins with one id, and one that needs another core version, naming each', async () => {
    const { statuses } = await loadPlugins(
      [inline('a', plugin('twin')), inline('b', plugin('twin')), inline('c', plugin('future', { core: '^2.0' }))],
      { log },
    );
    expect(statuses.map((status) => [status.id, status.status, status.error])).toEqual([
      ['twin', 'loaded', undefined],
      ['twin', 'failed', 'plugin "twin": id: "twin" is also the id of a'],
      ['future', 'failed', 'plugin "future": core: needs core ^2.0, this is 0.1.0'],
    ]);
  });

  it("refuses task types, permissions and metrics outside the plugin's own namespace", async () => {
    const { statuses } = await loadPlugins(
      [inline('x', plugin('shop', { permissions: [{ id: 'tasks.delete', name: { 'zh-CN': '删', en: 'Delete' } }] }))],
      { log },
    );
    expect(statuses[0]).toMatchObject({
      id: 'shop',
      status: 'failed',
      error: 'plugin "shop": permissions.0.id: permission "tasks.delete" must be "shop.<name>"',
    });
  });

  it('fails a plugin whose task type names a field type no loaded plugin adds, or that adds one outside its namespace', async () => {
    const job = (type: string) => ({
      id: 'typo.job',
      name: 'Job',
      fields: [{ id: 'code', name: 'Code', type }],
      workflow: { initial: 'open', states: [{ id: 'open', name: 'Open', category: 'todo' }], transitions: [] },
    });
    const { statuses } = await loadPlugins(
      [
        inline('a', plugin('typo', { taskTypes: [job('typo.nope')] })),
        inline(
          'b',
          plugin('poacher', {
            fieldTypes: [{ id: 'warehouse.sku', name: { 'zh-CN': '货号', en: 'SKU' }, schema: z.string() }],
          }),
        ),
      ],
      { log },
    );
    expect(statuses.map((status) => status.error)).toEqual([
      'plugin "typo": taskTypes.0.fields.0.type: unknown field type "typo.nope"',
      'plugin "poacher": fieldTypes.0.id: field type "warehouse.sku" must be "poacher.<name>"',
    ]);
  });

  it('fails a plugin whose notification channel is outside its namespace, declared twice, or not a function', async () => {
    const channel = (id: string, format: unknown = () => ({ url: '', headers: {}, body: '' })) => ({
      id,
      name: { 'zh-CN': '机器人', en: 'Robot' },
      format,
    });
    const { statuses } = await loadPlugins(
      [
        inline('a', plugin('poacher', { channels: [channel('chat-webhooks.dingtalk')] })),
        inline('b', plugin('twice', { channels: [channel('twice.robot'), channel('twice.robot')] })),
        inline('c', plugin('shape', { channels: [channel('shape.robot', 'markdown')] })),
      ],
      { log },
    );
    expect(statuses.map((status) => status.error)).toEqual([
      'plugin "poacher": channels.0.id: channel "chat-webhooks.dingtalk" must be "poacher.<name>"',
      'plugin "twice": channels.1.id: channel "twice.robot" is declared twice',
      'plugin "shape": channels.0.format: expected a function',
    ]);
  });

  it('loads dependencies before the plugins that need them', async () => {
    const { plugins } = await loadPlugins(
      [inline('a', plugin('top', { dependsOn: ['base'] })), inline('b', plugin('base'))],
      { log },
    );
    expect(plugins.map((loaded) => loaded.id)).toEqual(['base', 'top']);
  });

  it('keeps a plugin permission marked powerful out of member_can unless the roles file acknowledges it', async () => {
    const { plugins } = await loadPlugins(
      [
        inline(
          'v',
          plugin('vault', {
            permissions: [{ id: 'vault.open', name: { 'zh-CN': '开库', en: 'Open the vault' }, powerful: true }],
          }),
        ),
      ],
      { log },
    );
    const roles = (entry: string) => [
      {
        name: 'v.yaml',
        text: `version: 1\norganization: {id: v, name: V, member_can: [${entry}]}\nroles: [{id: r, name: R}]\n`,
      },
    ];
    const refused = loadOrg(roles('vault.open'), catalogueWith(plugins));
    expect(refused.ok ? [] : refused.errors.map((error) => error.message)).toEqual([
      expect.stringContaining('"vault.open"'),
    ]);
    expect(
      loadOrg(roles('{permission: vault.open, i_understand_everyone_gets_this: true}'), catalogueWith(plugins)).ok,
    ).toBe(true);
  });

  it('stops the start when a required plugin fails', async () => {
    await expect(
      loadPlugins([inline('./gone', plugin('gone', { version: 'one' }))], { log, required: ['gone'] }),
    ).rejects.toThrow(RequiredPluginError);
  });
});
