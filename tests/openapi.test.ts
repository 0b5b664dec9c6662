// The published OpenAPI document lists every API route with its access rule and input schemas.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PLUGINS } from '../core/config.ts';
import { accessOf } from '../core/http/guard.ts';
import { pluginSource } from '../core/plugins/loader.ts';
import { testDatabases } from './helpers/databases.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

describe('GET /api/openapi.json', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(testDatabases[0]!, undefined, {
      plugins: [...DEFAULT_PLUGINS, './plugins/examples/warehouse'].map((entry) => pluginSource(entry)),
    });
  });
  afterAll(() => t.dispose());

  it('describes every API route, without sign-in', async () => {
    const response = await t.call('GET', '/api/openapi.json');
    expect(response.status).toBe(200);
    const doc = await response.json();
    expect(doc.openapi).toBe('3.1.0');
    const listed = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const routes = new Set(
      t.app.routes
        .filter((r) => r.method !== 'ALL' && r.path.startsWith('/api/') && accessOf(r.handler))
        .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`),
    );
    expect(new Set(listed)).toEqual(routes);
    const undeclared = Object.entries(
      doc.paths as Record<string, Record<string, { 'x-output-declared': boolean }>>,
    ).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => !op['x-output-declared'])
        .map(([method]) => `${method} ${path}`),
    );
    expect(undeclared).toEqual([]);
  });

  it('carries access rules and input schemas from the routes', async () => {
    const doc = await (await t.call('GET', '/api/openapi.json')).json();
    const transition = doc.paths['/api/tasks/{id}/transition'].patch;
    expect(transition['x-access']).toBe('tasks.move');
    expect(transition.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path', required: true })]);
    expect(transition.requestBody.content['application/json'].schema.required).toEqual(['expectedVersion']);
    expect(Object.keys(transition.responses)).toEqual(['200', '202', '400', '401', '403', '404', '409', 'default']);
    expect(Object.keys(doc.paths['/api/boards'].get.responses)).toEqual(['200', '401', '403', 'default']);
    expect(transition.responses['200'].content['application/json'].schema.properties.task.required).toContain(
      'version',
    );
    const signIn = doc.paths['/api/auth/sign-in'].post;
    expect(signIn.security).toEqual([]);
    expect(signIn.responses['401']).toBeUndefined();
    expect(doc.paths['/api/boards/{id}'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['id', 'q', 'overdue']),
    );
    // A plugin's route, from its own declaration.
    const count = doc.paths['/api/plugins/warehouse/receipts/{id}/count'].post;
    expect(count['x-access']).toBe('tasks.edit');
    expect(count.requestBody.content['application/json'].schema.required).toEqual(['counted', 'expectedVersion']);
    expect(count.responses['200'].content['application/json'].schema.required).toEqual(['id', 'version', 'counted']);
  });
});
