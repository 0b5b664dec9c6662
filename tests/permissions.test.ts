// Every API route declares who may call it, and the declaration holds: a permission matrix of
// every route × a person without the permission (403) and with it (not 403). A plugin's routes (the
// warehouse example's) are in the same table and the same matrix.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORE_PERMISSIONS, DEFAULT_MEMBER_CAN } from '../core/auth/permissions.ts';
import { accessOf, PUBLIC, SIGNED_IN, type Access } from '../core/http/guard.ts';
import { pluginSource } from '../core/plugins/loader.ts';
import warehouse from '../plugins/examples/warehouse/index.ts';
import { testDatabases } from './helpers/databases.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

const permissions = [...Object.keys(CORE_PERMISSIONS), ...warehouse.permissions.map((permission) => permission.id)];
const roleFor = (permission: string) => `holds-${permission.replace('.', '-')}`;
const emailFor = (permission: string) => `${roleFor(permission)}@test.local`;

/** An organisation with one role (and one person) per permission, each granting exactly that one (no member_can). */
const matrixOrg = `
version: 1
organization: {id: matrix, name: Permission matrix, member_can: []}
roles:
${permissions.map((p) => `  - {id: ${roleFor(p)}, name: ${p}, can: [${p}]}`).join('\n')}
members:
${permissions.map((p) => `  - {email: ${emailFor(p)}, name: ${p}, roles: [${roleFor(p)}]}`).join('\n')}
`;

interface ApiRoute {
  method: string;
  path: string;
  access: Access[];
}

function apiRoutes(t: TestApp): ApiRoute[] {
  const byKey = new Map<string, ApiRoute>();
  for (const route of t.app.routes) {
    if (route.method === 'ALL' || !route.path.startsWith('/api/')) continue;
    const key = `${route.method} ${route.path}`;
    const entry = byKey.get(key) ?? { method: route.method, path: route.path, access: [] };
    const access = accessOf(route.handler);
    if (access) entry.access.push(access);
    byKey.set(key, entry);
  }
  return [...byKey.values()];
}

describe.each(testDatabases)('permissions on $kind', (database) => {
  let t: TestApp;
  const cookies = new Map<string, string>();
  beforeAll(async () => {
    t = await createTestApp(database, [{ name: 'matrix.yaml', text: matrixOrg }], {
      plugins: [pluginSource('./plugins/examples/warehouse')],
    });
    for (const permission of permissions) cookies.set(permission, await t.signIn(emailFor(permission)));
  });
  afterAll(() => t.dispose());

  const call = (route: ApiRoute, cookie?: string) =>
    t.call(route.method, route.path.replace(/:\w+/g, '1'), {
      ...(cookie ? { cookie } : {}),
      ...(route.method === 'GET' ? {} : { body: {} }),
    });

  it('finds the API routes, and every one declares exactly one access rule', () => {
    const routes = apiRoutes(t);
    expect(routes.length).toBeGreaterThanOrEqual(14);
    const undeclared = routes
      .filter((route) => route.access.length !== 1)
      .map((route) => `${route.method} ${route.path}`);
    expect(undeclared).toEqual([]);
    expect(
      routes
        .filter((route) => route.path.startsWith('/api/plugins/warehouse/'))
        .map((route) => `${route.method} ${route.path} ${route.access[0]}`),
    ).toEqual([
      'POST /api/plugins/warehouse/receipts/:id/count tasks.edit',
      'GET /api/plugins/warehouse/receipts/:id/counts boards.view',
    ]);
  });

  it('uses only known permissions', () => {
    const used = apiRoutes(t)
      .map((route) => route.access[0]!)
      .filter((access) => access !== PUBLIC && access !== SIGNED_IN);
    expect(used.filter((access) => !permissions.includes(access))).toEqual([]);
  });

  it('refuses each permission route to a person without it and lets a person with it through', async () => {
    const outcomes: string[] = [];
    for (const route of apiRoutes(t)) {
      const [access] = route.access as [Access];
      if (access === PUBLIC || access === SIGNED_IN) continue;
      const other = permissions.find((p) => p !== access)!;
      const without = await call(route, cookies.get(other));
      const withIt = await call(route, cookies.get(access));
      outcomes.push(
        `${route.method} ${route.path} [${access}] without=${without.status} with=${withIt.status === 403 ? 403 : 'ok'}`,
      );
      expect(without.status, `${route.method} ${route.path} as ${other}`).toBe(403);
      expect((await without.json()).error).toMatchObject({ code: 'FORBIDDEN', details: { permission: access } });
      expect([401, 403], `${route.method} ${route.path} as ${access}`).not.toContain(withIt.status);
      expect((await call(route)).status, `${route.method} ${route.path} anonymous`).toBe(401);
    }
    expect(outcomes.length).toBeGreaterThanOrEqual(8);
  });

  it('asks only for a session on signed-in routes, and nothing on public ones', async () => {
    for (const route of apiRoutes(t)) {
      const [access] = route.access as [Access];
      if (access === SIGNED_IN) {
        expect((await call(route)).status, `${route.method} ${route.path}`).toBe(401);
        const fresh = await t.signIn(emailFor(permissions[0]!));
        expect([401, 403]).not.toContain((await call(route, fresh)).status);
      } else if (access === PUBLIC) {
        expect([401, 403], `${route.method} ${route.path}`).not.toContain((await call(route)).status);
      }
    }
  });
});

describe.each(testDatabases)('member_can in the permission matrix on $kind', (database) => {
  let t: TestApp;
  let member: string;
  beforeAll(async () => {
    // The default member_can; the member holds no role at all.
    t = await createTestApp(database, [
      {
        name: 'm.yaml',
        text: 'version: 1\norganization: {id: m, name: M}\nroles: [{id: boss, name: Boss}]\nmembers: [{email: member@test.local, name: Member}]\n',
      },
    ]);
    member = await t.signIn('member@test.local');
  });
  afterAll(() => t.dispose());

  it('lets a member with no role through every route of a default member permission, and refuses every other permission route', async () => {
    const seen = new Set<string>();
    for (const route of apiRoutes(t)) {
      const [access] = route.access as [Access];
      if (access === PUBLIC || access === SIGNED_IN) continue;
      seen.add(access);
      const response = await t.call(route.method, route.path.replace(/:\w+/g, '1'), {
        cookie: member,
        ...(route.method === 'GET' ? {} : { body: {} }),
      });
      if (DEFAULT_MEMBER_CAN.includes(access as never))
        expect(response.status, `${route.method} ${route.path}`).not.toBe(403);
      else expect(response.status, `${route.method} ${route.path}`).toBe(403);
    }
    expect([...seen].filter((p) => DEFAULT_MEMBER_CAN.includes(p as never)).sort()).toEqual(
      [...DEFAULT_MEMBER_CAN].sort(),
    );
  });
});
