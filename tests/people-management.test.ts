// Issue 12 item 2, on every database: people.manage is not full admin. Nobody grants what they do not
// hold (giving a role needs every permission it carries, scopes included); nobody changes their own
// roles; a password reset, disabling or role change of someone holding permissions you lack is
// refused; a role's headcount holds on every assignment, also under concurrency.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../core/auth/password.ts';
import { DEMO_PASSWORD } from '../core/auth/seed-members.ts';
import { testDatabases } from './helpers/databases.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

const org = `
version: 1
organization: {id: firm, name: Firm}
departments:
  - {id: ops, name: Operations}
  - {id: hr, name: People}
roles:
  - {id: director, name: Director, headcount: 1, can: [roles.edit, people.manage, boards.manage, tasks.assign, tasks.approve, escalations.view]}
  - {id: hr, name: HR, department: hr, headcount: 1, reports_to: director, can: [people.manage, tasks.assign, escalations.view]}
  - id: ops-admin
    name: Ops admin
    department: ops
    reports_to: director
    can: [people.manage, tasks.assign, {permission: tasks.approve, departments: [own]}]
  - {id: lead, name: Lead, department: ops, reports_to: director, can: [tasks.assign, {permission: tasks.approve, departments: [own]}]}
  - {id: staff, name: Staff, department: ops, reports_to: lead}
  - {id: auditor, name: Auditor, headcount: 1, reports_to: director}
members:
  - {email: dan@firm.test, name: Dan, roles: [director]}
  - {email: hana@firm.test, name: Hana, roles: [hr]}
  - {email: olga@firm.test, name: Olga, roles: [ops-admin]}
  - {email: sam@firm.test, name: Sam, roles: [staff]}
`;

type Actor = 'dan' | 'hana' | 'olga' | 'sam';
const R = { ok: 200, created: 201, refused: 403, full: 409 } as const;

describe.each(testDatabases)('managing people on $kind', (database) => {
  let t: TestApp;
  const cookies = {} as Record<Actor, string>;
  const ids = {} as Record<Actor, string>;
  let hash: string;
  let serial = 0;

  beforeAll(async () => {
    t = await createTestApp(database, [{ name: 'firm.yaml', text: org }]);
    for (const who of ['dan', 'hana', 'olga', 'sam'] as Actor[]) cookies[who] = await t.signIn(`${who}@firm.test`);
    for (const person of await t.services.users.list()) ids[person.email.split('@')[0] as Actor] = person.id;
    hash = await hashPassword(DEMO_PASSWORD);
  });
  afterAll(() => t.dispose());

  /** A new person with these roles, put straight into the database (the rules under test are not involved). */
  const person = async (roles: string[]) => {
    serial += 1;
    const email = `p${serial}@firm.test`;
    const id = await t.services.users.create({ email, displayName: `P${serial}`, passwordHash: hash, roles });
    return { id, email };
  };
  const rolesOf = async (id: string) => (await t.services.users.get(id))!.roles;

  // Who may give which role (PUT /api/people/:id/roles on a staff member: [staff] → [staff, role]).
  const giving: [Actor, string, number][] = [
    ['dan', 'staff', R.ok],
    ['dan', 'lead', R.ok],
    ['dan', 'ops-admin', R.ok],
    ['dan', 'hr', R.full],
    ['dan', 'director', R.full],
    ['hana', 'staff', R.ok],
    ['hana', 'lead', R.refused],
    ['hana', 'ops-admin', R.refused],
    ['hana', 'hr', R.full],
    ['hana', 'director', R.refused],
    ['olga', 'staff', R.ok],
    ['olga', 'lead', R.ok],
    ['olga', 'ops-admin', R.ok],
    ['olga', 'hr', R.refused],
    ['olga', 'director', R.refused],
    ['sam', 'staff', R.refused],
    ['sam', 'lead', R.refused],
    ['sam', 'director', R.refused],
  ];

  it.each(giving)('%s giving the role %s answers %i, and a refusal changes nothing', async (actor, role, expected) => {
    const target = await person(['staff']);
    const response = await t.call('PUT', `/api/people/${target.id}/roles`, {
      cookie: cookies[actor],
      body: { roles: ['staff', role] },
    });
    expect(response.status).toBe(expected);
    const body = await response.json();
    if (expected === R.ok) expect(body.roles).toContain(role);
    else expect(await rolesOf(target.id)).toEqual(['staff']);
    if (expected === R.refused && actor !== 'sam') {
      expect(body.error).toMatchObject({
        code: 'FORBIDDEN',
        details: { reason: 'role_beyond_your_permissions', role },
      });
      expect(body.error.message).toContain(`"${role}"`);
    }
    if (expected === R.full) {
      expect(body.error).toMatchObject({
        code: 'CONFLICT',
        details: { reason: 'headcount_full', role, headcount: 1, holders: 1 },
      });
      expect(body.error.message).toContain(`Role "${role}" has a headcount of 1`);
    }
  });

  it.each(giving.filter(([actor]) => actor !== 'sam'))(
    '%s creating a person with the role %s answers as giving it (%i)',
    async (actor, role, expected) => {
      serial += 1;
      const email = `new${serial}@firm.test`;
      const response = await t.call('POST', '/api/people', {
        cookie: cookies[actor],
        body: { email, displayName: `New ${serial}`, password: 'long-enough-password', roles: [role] },
      });
      expect(response.status).toBe(expected === R.ok ? R.created : expected);
      if (expected !== R.ok) expect(await t.services.users.findCredentials(email)).toBeUndefined();
    },
  );

  // Acting on someone: allowed only when the actor's grants cover the target's roles' grants.
  const targets: Record<string, string[]> = { staff: ['staff'], lead: ['lead'], 'ops-admin': ['ops-admin'] };
  const acting: [Actor, string, number][] = [
    ['dan', 'staff', R.ok],
    ['dan', 'lead', R.ok],
    ['dan', 'ops-admin', R.ok],
    ['hana', 'staff', R.ok],
    ['hana', 'lead', R.refused],
    ['hana', 'ops-admin', R.refused],
    ['olga', 'staff', R.ok],
    ['olga', 'lead', R.ok],
    ['olga', 'ops-admin', R.ok],
  ];
  const actions = {
    'resets the password of': (id: string) => ({
      method: 'PATCH',
      path: `/api/people/${id}`,
      body: { password: 'a-new-long-password' },
    }),
    disables: (id: string) => ({ method: 'PATCH', path: `/api/people/${id}`, body: { disabled: true } }),
    'takes the roles from': (id: string) => ({ method: 'PUT', path: `/api/people/${id}/roles`, body: { roles: [] } }),
  };

  for (const [name, request] of Object.entries(actions)) {
    it.each(acting)(
      `%s ${name} a person holding %s: %i, and a refusal leaves the person as they were`,
      async (actor, target, expected) => {
        const victim = await person(targets[target]!);
        const victimCookie = await t.signIn(victim.email);
        const { method, path, body } = request(victim.id);
        const response = await t.call(method, path, { cookie: cookies[actor], body });
        expect(response.status).toBe(expected);
        if (expected === R.refused) {
          expect((await response.json()).error).toMatchObject({
            code: 'FORBIDDEN',
            details: { reason: 'person_holds_more', person: victim.id },
          });
          expect(await rolesOf(victim.id)).toEqual(targets[target]);
          expect((await t.call('GET', '/api/me', { cookie: victimCookie })).status).toBe(200);
          expect(
            (await t.call('POST', '/api/auth/sign-in', { body: { email: victim.email, password: DEMO_PASSWORD } }))
              .status,
          ).toBe(200);
        }
      },
    );
  }

  it("refuses the director's password reset, disabling and demotion to the HR specialist", async () => {
    for (const { method, path, body } of Object.values(actions).map((make) => make(ids.dan))) {
      const response = await t.call(method, path, { cookie: cookies.hana, body });
      expect(response.status).toBe(403);
    }
    expect(await rolesOf(ids.dan)).toEqual(['director']);
    expect((await t.call('GET', '/api/me', { cookie: cookies.dan })).status).toBe(200);
  });

  it.each(['dan', 'hana', 'olga'] as Actor[])('%s cannot change their own roles, not even to fewer', async (actor) => {
    const own = await rolesOf(ids[actor]);
    for (const roles of [[...own, 'staff'], []]) {
      const response = await t.call('PUT', `/api/people/${ids[actor]}/roles`, {
        cookie: cookies[actor],
        body: { roles },
      });
      expect(response.status).toBe(403);
      expect((await response.json()).error.details).toMatchObject({ reason: 'own_roles' });
    }
    expect(await rolesOf(ids[actor])).toEqual(own);
  });

  it("stops the HR specialist who tries to become the director: no self-promotion, no director accomplice, no takeover of the director's account", async () => {
    expect(
      (
        await t.call('PUT', `/api/people/${ids.hana}/roles`, {
          cookie: cookies.hana,
          body: { roles: ['hr', 'director'] },
        })
      ).status,
    ).toBe(403);
    const accomplice = await t.call('POST', '/api/people', {
      cookie: cookies.hana,
      body: { email: 'mole@firm.test', displayName: 'Mole', password: 'long-enough-password', roles: ['director'] },
    });
    expect(accomplice.status).toBe(403);
    expect(
      (
        await t.call('PATCH', `/api/people/${ids.dan}`, {
          cookie: cookies.hana,
          body: { password: 'hana-owns-this-now' },
        })
      ).status,
    ).toBe(403);
    expect(
      (await t.call('POST', '/api/auth/sign-in', { body: { email: 'dan@firm.test', password: 'hana-owns-this-now' } }))
        .status,
    ).toBe(401);
    expect(await rolesOf(ids.hana)).toEqual(['hr']);
  });

  it('gives the last seat of a role to exactly one of two people assigned it at once', async () => {
    const [a, b] = [await person(['staff']), await person(['staff'])];
    const responses = await Promise.all(
      [a, b].map((p) =>
        t.call('PUT', `/api/people/${p.id}/roles`, { cookie: cookies.dan, body: { roles: ['staff', 'auditor'] } }),
      ),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([200, 409]);
    expect((await t.services.users.holdersOf('auditor')).length).toBe(1);
    // Keeping a role one already holds is not a new assignment, so a full role stays assignable that way.
    const holder = (await t.services.users.holdersOf('auditor'))[0]!;
    expect(
      (await t.call('PUT', `/api/people/${holder.id}/roles`, { cookie: cookies.dan, body: { roles: ['auditor'] } }))
        .status,
    ).toBe(200);
  });
});
