// Property, on every database: whatever bad value a client puts in any body field, path parameter or
// query parameter of any route in the route table (walked through the OpenAPI document built from it),
// the answer is never a 500, always the one error shape when refused, and nothing is stored.
import fc from 'fast-check';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../core/db/schema.ts';
import { inputOf } from '../core/http/validate.ts';
import { badBodyValues, badUrlValues, bodyLocations, withValueAt, type JsonSchema } from './helpers/bad-values.ts';
import { testDatabases } from './helpers/databases.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

const DIRECTOR = 'chen.zhiyuan@demo.dutyboard.local';
const RUNS_PER_LOCATION = 20;

interface Operation {
  key: string;
  method: string;
  path: string;
  parameters: { name: string; in: 'path' | 'query'; schema: JsonSchema }[];
  body?: JsonSchema;
}
interface Example {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
}

/** A row of every table: its count and a hash of its rows, so any stored change shows. */
async function fingerprint(db: Kysely<Database>): Promise<Record<string, string>> {
  const tables = await sql<{
    name: string;
  }>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1`.execute(
    db,
  );
  const parts = tables.rows.map(
    ({ name }) =>
      sql`SELECT ${name}::text AS name, count(*)::text || ':' || md5(coalesce(string_agg(row_text, '|' ORDER BY row_text), '')) AS hash FROM (SELECT x::text AS row_text FROM ${sql.table(name)} x) rows`,
  );
  const { rows } = await sql<{ name: string; hash: string }>`${sql.join(parts, sql` UNION ALL `)}`.execute(db);
  return Object.fromEntries(rows.map((row) => [row.name, row.hash]));
}

describe.each(testDatabases)('bad input at every route on $kind', (database) => {
  let t: TestApp;
  let cookie: string;
  let operations: Operation[];
  let examples: Record<string, Example>;

  beforeAll(async () => {
    t = await createTestApp(database);
    cookie = await t.signIn(DIRECTOR);
    const doc = await (await t.call('GET', '/api/openapi.json')).json();
    operations = Object.entries(doc.paths as Record<string, Record<string, Record<string, unknown>>>).flatMap(
      ([path, methods]) =>
        Object.entries(methods).map(([method, op]) => ({
          key: `${method.toUpperCase()} ${path}`,
          method: method.toUpperCase(),
          path,
          parameters: op.parameters as Operation['parameters'],
          body: (op.requestBody as { content: Record<string, { schema: JsonSchema }> } | undefined)?.content[
            'application/json'
          ]?.schema,
        })),
    );
    // Real rows for the ids in paths, so a bad value elsewhere in a request meets a route that would work.
    const call = async (method: string, path: string, body?: unknown) =>
      (await t.call(method, path, { cookie, ...(body === undefined ? {} : { body }) })).json();
    const card = await call('POST', '/api/tasks', { type: 'core.task', title: 'Probe target' });
    const other = await call('POST', '/api/tasks', { type: 'core.task', title: 'Link target' });
    const link = await call('POST', `/api/tasks/${card.id}/links`, { kind: 'relates', toTaskId: other.id });
    const view = await call('POST', '/api/boards/core-task/views', { name: 'Mine', filters: { assignee: 'me' } });
    const webhook = await call('POST', '/api/webhooks', {
      name: 'Hook',
      url: 'https://example.com/hook',
      channel: 'generic',
    });
    const { versionId } = await call('GET', '/api/org');
    const person = (await call('GET', '/api/people')).find((p: { email: string }) => p.email !== DIRECTOR);
    const task = { id: String(card.id) };
    const version = { expectedVersion: card.version };
    examples = {
      'POST /api/auth/sign-in': { body: { email: DIRECTOR, password: 'not the password' } },
      'POST /api/me/password': { body: { currentPassword: 'dutyboard-demo', newPassword: 'a new long password' } },
      'POST /api/people': {
        body: { email: 'new.person@example.com', displayName: 'New', password: 'long enough password', roles: [] },
      },
      'PATCH /api/people/{id}': { params: { id: person.id }, body: { displayName: 'Renamed' } },
      'PUT /api/people/{id}/roles': { params: { id: person.id }, body: { roles: [] } },
      'PUT /api/org': { body: { baseVersionId: versionId, files: [{ name: 'org.yaml', text: 'version: 1\n' }] } },
      'GET /api/org/versions/{id}': { params: { id: String(versionId) } },
      'POST /api/org/validate': { body: { files: [{ name: 'org.yaml', text: 'version: 1\n' }] } },
      'POST /api/org/versions/{id}/revert': { params: { id: String(versionId) }, body: { baseVersionId: versionId } },
      'POST /api/boards': {
        body: {
          id: 'probe',
          name: 'Probe',
          taskTypes: ['core.task'],
          columns: [{ id: 'all', name: 'All', states: ['todo'], wipLimit: 3, wipMode: 'warn' }],
          swimlanes: 'none',
          personalWip: 2,
        },
      },
      'GET /api/boards/{id}': { params: { id: 'core-task' } },
      'GET /api/boards/{id}/views': { params: { id: 'core-task' } },
      'POST /api/boards/{id}/views': {
        params: { id: 'core-task' },
        body: { name: 'Probe view', filters: { q: 'x', assignee: 'me', overdue: 'true' }, shared: false },
      },
      'DELETE /api/boards/{id}/views/{viewId}': { params: { id: 'core-task', viewId: String(view.id) } },
      'POST /api/tasks': {
        body: {
          type: 'core.task',
          title: 'Probe',
          description: 'd',
          fields: {},
          priority: 'normal',
          labels: ['a'],
          checklist: [{ text: 'step', done: false }],
          dueAt: '2026-12-01T10:00:00+08:00',
          assignTo: { personId: null, roleId: null },
        },
      },
      'GET /api/tasks/{id}': { params: task },
      'PATCH /api/tasks/{id}': {
        params: task,
        body: {
          ...version,
          title: 'T',
          description: '',
          fields: {},
          priority: 'low',
          labels: [],
          checklist: [],
          dueAt: null,
        },
      },
      'GET /api/tasks/{id}/activity': { params: task },
      'GET /api/tasks/{id}/detail': { params: task },
      'PATCH /api/tasks/{id}/transition': {
        params: task,
        body: { ...version, to: 'in_progress', afterId: null, beforeId: null },
      },
      'PUT /api/tasks/{id}/assignment': { params: task, body: { ...version, personId: null, roleId: null } },
      'POST /api/tasks/{id}/archive': { params: task, body: version },
      'POST /api/tasks/{id}/restore': { params: task, body: version },
      'GET /api/tasks/{id}/comments': { params: task },
      'POST /api/tasks/{id}/comments': { params: task, body: { body: 'hi' } },
      'GET /api/tasks/{id}/links': { params: task },
      'POST /api/tasks/{id}/links': { params: task, body: { kind: 'relates', toTaskId: other.id, title: 'see also' } },
      'DELETE /api/tasks/{id}/links/{linkId}': { params: { ...task, linkId: String(link.id) } },
      'PUT /api/tasks/{id}/watch': { params: task },
      'DELETE /api/tasks/{id}/watch': { params: task },
      'POST /api/approvals/{id}/decision': { params: { id: '1' }, body: { approve: true, comment: 'ok' } },
      'GET /api/approvals/{id}': { params: { id: '1' } },
      'POST /api/approvals/{id}/withdraw': { params: { id: '1' } },
      'POST /api/webhooks': {
        body: {
          name: 'Hook',
          url: 'https://example.com/hook',
          channel: 'chat-webhooks.dingtalk',
          settings: { atMobiles: ['13800138000'], atAll: false },
          secret: 's3cret',
          enabled: true,
        },
      },
      'DELETE /api/webhooks/{id}': { params: { id: String(webhook.id) } },
      'POST /api/escalations/dry-run': { body: { rule: 'ops-director/none' } },
      'POST /api/notifications/{id}/read': { params: { id: '1' } },
      // A plugin's route (promotion, a default plugin); the card is not a plan, which is no schema matter.
      'POST /api/plugins/promotion/import': {
        body: { planId: card.id, expectedVersion: card.version, csv: '日期,花费\n2026-12-01,100\n' },
      },
    };
  });
  afterAll(() => t.dispose());

  const hasInput = (op: Operation) => op.parameters.length > 0 || op.body !== undefined;

  /** The request of `example` with one location replaced. */
  function request(
    op: Operation,
    example: Example,
    change: { in: 'path' | 'query' | 'body'; name?: string; path?: (string | number)[]; value: unknown },
  ) {
    const params = { ...example.params, ...(change.in === 'path' ? { [change.name!]: change.value as string } : {}) };
    const url = op.path.replace(/\{(\w+)\}/g, (_, name: string) =>
      change.in === 'path' && name === change.name ? String(change.value) : encodeURIComponent(params[name] ?? '1'),
    );
    const query = Object.entries({ ...example.query }).map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
    if (change.in === 'query') query.push(`${change.name}=${String(change.value)}`);
    const body = change.in === 'body' ? withValueAt(example.body ?? {}, change.path!, change.value) : example.body;
    return t.app.request(`${url}${query.length ? `?${query.join('&')}` : ''}`, {
      method: op.method,
      headers: { Cookie: cookie, ...(op.body ? { 'Content-Type': 'application/json' } : {}) },
      ...(op.body ? { body: JSON.stringify(body ?? {}) } : {}),
    });
  }

  it('has a valid example request for every route with input, so each bad value is the only thing wrong', () => {
    const validators = t.app.routes
      .map((route) => ({
        key: `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`,
        input: inputOf(route.handler),
      }))
      .filter((r) => r.input);
    const withInput = operations.filter(hasInput).map((op) => op.key);
    // A new route that changes something needs an example above (reads work from the example-less request).
    expect(withInput.filter((key) => !(key in examples) && !/^GET /.test(key))).toEqual([]);
    for (const { key, input } of validators.filter((v) => v.key in examples)) {
      const example = examples[key]!;
      const value =
        input!.target === 'json' ? example.body : input!.target === 'param' ? example.params : (example.query ?? {});
      expect([key, input!.schema.safeParse(value).error?.issues ?? 'valid']).toEqual([key, 'valid']);
    }
  });

  it('never answers 500 and stores nothing, whatever bad value is in any body field, path or query parameter', async () => {
    const locations = operations.filter(hasInput).flatMap((op) => [
      ...op.parameters.map((p) => ({
        op,
        in: p.in,
        name: p.name,
        path: undefined,
        values: badUrlValues as fc.Arbitrary<unknown>,
      })),
      ...(op.body
        ? bodyLocations(op.body).map((l) => ({
            op,
            in: 'body' as const,
            name: l.path.join('.') || '(body)',
            path: l.path,
            values: badBodyValues(l.schema),
          }))
        : []),
    ]);
    // Every location the route table declares is probed; the count guards against walking nothing.
    expect(locations.length).toBeGreaterThan(150);
    const before = await fingerprint(t.db.kysely);
    for (const op of operations.filter(hasInput)) {
      for (const location of locations.filter((l) => l.op === op)) {
        await fc.assert(
          fc.asyncProperty(location.values, async (value) => {
            const response = await request(op, examples[op.key] ?? {}, {
              in: location.in,
              name: location.name,
              path: location.path,
              value,
            });
            const text = await response.text();
            const label = `${op.key} ${location.in} ${location.name} = ${JSON.stringify(value)?.slice(0, 80)} → ${response.status} ${text.slice(0, 200)}`;
            expect(response.status, label).toBeLessThan(500);
            if (response.status >= 400) expect(JSON.parse(text).error.code, label).toMatch(/^[A-Z_]+$/);
          }),
          { numRuns: RUNS_PER_LOCATION },
        );
      }
      expect(await fingerprint(t.db.kysely), `${op.key} stored something`).toEqual(before);
    }
  }, 120_000);
});
