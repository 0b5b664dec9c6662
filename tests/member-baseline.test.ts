// Issue 16: a small team's first roles file, with `can:` only on the manager, gives a working board:
// every member holds the ordinary work of a team board (member_can's default) and nothing more.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from './helpers/databases.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

const org = `
version: 1
organization: {id: small-team, name: Small team}
departments:
  - {id: shop, name: Shop, head: manager}
task_types:
  - id: shop.order
    name: Order
    fields: [{id: amount, name: Amount, type: money, currency: CNY}]
    workflow:
      initial: open
      states:
        - {id: open, name: Open, category: todo}
        - {id: packing, name: Packing, category: active}
        - {id: refunded, name: Refunded, category: done}
      transitions:
        - {from: open, to: packing}
        - {from: packing, to: refunded, requires: tasks.approve}
roles:
  - {id: manager, name: Manager, department: shop, can: [roles.edit, people.manage]}
  - {id: staff, name: Staff, department: shop, reports_to: manager}
members:
  - {email: boss@team.test, name: Boss, roles: [manager]}
  - {email: staff@team.test, name: Staff, roles: [staff]}
  - {email: other@team.test, name: Other, roles: [staff]}
`;

describe.each(testDatabases)('a member with no can: on $kind', (database) => {
  let t: TestApp;
  let staff: string;
  let otherId: string;
  let staffId: string;
  beforeAll(async () => {
    t = await createTestApp(database, [{ name: 'team.yaml', text: org }]);
    staff = await t.signIn('staff@team.test');
    const people = await (await t.call('GET', '/api/people', { cookie: staff })).json();
    otherId = people.find((p: { email: string }) => p.email === 'other@team.test').id;
    staffId = people.find((p: { email: string }) => p.email === 'staff@team.test').id;
  });
  afterAll(() => t.dispose());

  const newCard = async (extra: Record<string, unknown> = {}) =>
    t.call('POST', '/api/tasks', {
      cookie: staff,
      body: { type: 'shop.order', title: 'Order 1001', fields: { amount: 30 }, ...extra },
    });

  it('signs in holding exactly the default member permissions', async () => {
    const me = await (await t.call('GET', '/api/me', { cookie: staff })).json();
    expect(me.permissions).toEqual([
      'boards.view',
      'kpis.view',
      'org.view',
      'tasks.create',
      'tasks.edit',
      'tasks.move',
    ]);
  });

  it('sees the board of a task type, creates a card on it, edits and moves it', async () => {
    const boards = await (await t.call('GET', '/api/boards', { cookie: staff })).json();
    expect(boards.map((b: { id: string }) => b.id)).toContain('shop-order');
    const created = await newCard();
    expect(created.status).toBe(201);
    const card = await created.json();
    const board = await (await t.call('GET', '/api/boards/shop-order', { cookie: staff })).json();
    expect(board.cards.map((c: { id: number }) => c.id)).toContain(card.id);
    const edited = await t.call('PATCH', `/api/tasks/${card.id}`, {
      cookie: staff,
      body: { expectedVersion: card.version, title: 'Order 1001 (gift wrap)' },
    });
    expect(edited.status).toBe(200);
    const moved = await t.call('PATCH', `/api/tasks/${card.id}/transition`, {
      cookie: staff,
      body: { expectedVersion: card.version + 1, to: 'packing' },
    });
    expect(moved.status).toBe(200);
    expect((await moved.json()).task.status).toBe('packing');
    expect((await t.call('GET', '/api/kpis', { cookie: staff })).status).toBe(200);
  });

  it('cannot approve: a move that needs tasks.approve is refused, and there is no approvals inbox', async () => {
    const card = await (await newCard()).json();
    const packed = await (
      await t.call('PATCH', `/api/tasks/${card.id}/transition`, {
        cookie: staff,
        body: { expectedVersion: card.version, to: 'packing' },
      })
    ).json();
    const refund = await t.call('PATCH', `/api/tasks/${card.id}/transition`, {
      cookie: staff,
      body: { expectedVersion: packed.task.version, to: 'refunded' },
    });
    expect(refund.status).toBe(403);
    expect((await refund.json()).error.details).toMatchObject({ permission: 'tasks.approve' });
    expect((await t.call('GET', '/api/approvals', { cookie: staff })).status).toBe(403);
  });

  it('cannot assign a card to others, on an existing card or when creating one; may take a new card for themself', async () => {
    const card = await (await newCard()).json();
    const assign = await t.call('PUT', `/api/tasks/${card.id}/assignment`, {
      cookie: staff,
      body: { expectedVersion: card.version, personId: otherId },
    });
    expect(assign.status).toBe(403);
    const forOther = await newCard({ assignTo: { personId: otherId } });
    expect(forOther.status).toBe(403);
    expect((await forOther.json()).error).toMatchObject({ code: 'FORBIDDEN', details: { permission: 'tasks.assign' } });
    const forRole = await newCard({ assignTo: { roleId: 'staff' } });
    expect(forRole.status).toBe(403);
    const forSelf = await newCard({ assignTo: { personId: staffId } });
    expect(forSelf.status).toBe(201);
    expect((await forSelf.json()).assigneeId).toBe(staffId);
  });

  it('cannot manage people or edit roles', async () => {
    const person = { email: 'new@team.test', displayName: 'New', password: 'long-enough-password' };
    expect((await t.call('POST', '/api/people', { cookie: staff, body: person })).status).toBe(403);
    expect(
      (await t.call('PUT', `/api/people/${staffId}/roles`, { cookie: staff, body: { roles: ['manager'] } })).status,
    ).toBe(403);
    expect(
      (
        await t.call('POST', '/api/org/validate', {
          cookie: staff,
          body: { files: [{ name: 'team.yaml', text: org }] },
        })
      ).status,
    ).toBe(403);
    expect((await t.call('POST', '/api/boards', { cookie: staff, body: {} })).status).toBe(403);
    expect((await t.call('GET', '/api/escalations', { cookie: staff })).status).toBe(403);
  });

  it('the manager holds member_can and their own can: together', async () => {
    const boss = await t.signIn('boss@team.test');
    const me = await (await t.call('GET', '/api/me', { cookie: boss })).json();
    expect(me.permissions).toEqual([
      'boards.view',
      'kpis.view',
      'org.view',
      'people.manage',
      'roles.edit',
      'tasks.create',
      'tasks.edit',
      'tasks.move',
    ]);
  });
});

describe.each(testDatabases)('member_can in the roles file on $kind', (database) => {
  const withMemberCan = (memberCan: string) =>
    org.replace(
      'organization: {id: small-team, name: Small team}',
      `organization: {id: small-team, name: Small team, member_can: ${memberCan}}`,
    );

  it('member_can: [] gives members nothing: the staff member cannot see a board', async () => {
    const t = await createTestApp(database, [{ name: 'team.yaml', text: withMemberCan('[]') }]);
    try {
      const staff = await t.signIn('staff@team.test');
      expect((await (await t.call('GET', '/api/me', { cookie: staff })).json()).permissions).toEqual([]);
      expect((await t.call('GET', '/api/boards', { cookie: staff })).status).toBe(403);
    } finally {
      await t.dispose();
    }
  });

  it('an acknowledged powerful permission in member_can lets every member assign cards', async () => {
    const t = await createTestApp(database, [
      {
        name: 'team.yaml',
        text: withMemberCan(
          '[boards.view, tasks.create, {permission: tasks.assign, i_understand_everyone_gets_this: true}]',
        ),
      },
    ]);
    try {
      const staff = await t.signIn('staff@team.test');
      expect((await (await t.call('GET', '/api/me', { cookie: staff })).json()).permissions).toEqual([
        'boards.view',
        'tasks.assign',
        'tasks.create',
      ]);
      const card = await t.call('POST', '/api/tasks', {
        cookie: staff,
        body: { type: 'shop.order', title: 'For the team', assignTo: { roleId: 'staff' } },
      });
      expect(card.status).toBe(201);
    } finally {
      await t.dispose();
    }
  });
});
