// Broken plugins in the real process, on every database: a failing migration, a throwing and a hanging
// hook and an invalid manifest next to the warehouse example. The server starts, reports each failure
// with the plugin's id, keeps the warehouse working, and exits 2 only when a broken plugin is required.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PLUGINS } from '../core/config.ts';
import { serverDatabases } from './helpers/databases.ts';
import { runToExit, startServer, type ServerProcess } from './helpers/server-process.ts';

const fixture = (name: string) => `./tests/fixtures/plugins/${name}.ts`;
// The demo roles use the default plugins' types, so those load beside the ones under test.
const PLUGINS = [
  ...DEFAULT_PLUGINS,
  './plugins/examples/warehouse',
  ...['failing-migration', 'throwing-hook', 'hanging-hook', 'invalid-manifest'].map(fixture),
].join(',');
const DIRECTOR = { email: 'chen.zhiyuan@demo.dutyboard.local', password: 'dutyboard-demo' };

describe.each(serverDatabases)('broken plugins in the server process on $kind', (database) => {
  let env: { env: Record<string, string>; dispose(): Promise<void> };
  let server: ServerProcess;
  let cookie: string;
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { Cookie: cookie, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: await response.json() };
  };

  beforeAll(async () => {
    env = await database.create();
    // A first start on a fresh database; a loaded machine can take long over it.
    server = await startServer({ ...env.env, PLUGINS }, 150_000);
    const signIn = await fetch(`${server.url}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(DIRECTOR),
    });
    cookie = signIn.headers.get('Set-Cookie')!.split(';')[0]!;
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
    await env?.dispose();
  });

  it('starts, and reports each broken plugin with its id and what failed', async () => {
    const { status, body } = await api('GET', '/api/plugins');
    expect(status).toBe(200);
    const byId = Object.fromEntries((body as { id: string }[]).map((plugin) => [plugin.id, plugin]));
    expect(byId.warehouse).toMatchObject({ status: 'loaded' });
    expect(byId['failing-migration']).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/^plugin "failing-migration": migrations\.0002_broken: .*already exists/),
    });
    expect(byId['invalid-manifest']).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/^plugin "invalid-manifest": name\.zh-CN: /),
    });
    expect(byId['throwing-hook']).toMatchObject({ status: 'loaded' });
    expect(server.output()).toMatch(/"plugin":"failing-migration".*"msg":"plugin not loaded: /);
  });

  it('refuses moves a throwing or hanging hook vetoes, naming the plugin, and lets the others through', async () => {
    const create = async (title: string) =>
      (await api('POST', '/api/tasks', { type: 'core.task', title })).body as { id: number; version: number };
    const move = async (card: { id: number; version: number }) =>
      api('PATCH', `/api/tasks/${card.id}/transition`, { to: 'in_progress', expectedVersion: card.version });
    const thrown = await move(await create('throw: check stock'));
    expect(thrown).toMatchObject({
      status: 422,
      body: { error: { details: { reason: 'plugin_veto', plugin: 'throwing-hook' } } },
    });
    const hung = await move(await create('hang: wait for the scanner'));
    expect(hung).toMatchObject({
      status: 422,
      body: {
        error: { details: { reason: 'plugin_veto', plugin: 'hanging-hook', message: 'did not answer within 500 ms' } },
      },
    });
    expect((await move(await create('sweep the floor'))).status).toBe(200);
  });

  it('keeps the warehouse working: its migration applied, its routes answering', async () => {
    const receipt = (
      await api('POST', '/api/tasks', {
        type: 'warehouse.receipt',
        title: '到货 E-500',
        fields: { sku: 'E-500', expected: 3 },
      })
    ).body as { id: number; version: number };
    const counted = await api('POST', `/api/plugins/warehouse/receipts/${receipt.id}/count`, {
      counted: 3,
      expectedVersion: receipt.version,
    });
    expect(counted.status).toBe(200);
    expect((await api('GET', `/api/plugins/warehouse/receipts/${receipt.id}/counts`)).body).toEqual([
      expect.objectContaining({ counted: 3 }),
    ]);
  });

  it('exits 2 naming the plugin and its migration when the failing one is required', async () => {
    const other = await database.create();
    try {
      const result = await runToExit({ ...other.env, PLUGINS, PLUGINS_REQUIRED: 'failing-migration' });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        /^dutyboard: required plugin failed to load: plugin "failing-migration": migrations\.0002_broken: /m,
      );
    } finally {
      await other.dispose();
    }
  }, 180_000);
});
