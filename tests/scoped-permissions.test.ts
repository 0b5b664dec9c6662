// Issue 12 item 6 (scoping), on every database: a permission can be scoped in the roles file to task
// types and/or departments' cards. A card belongs to the department of the role it is assigned to,
// else of its assignee's roles, else (unassigned) of its creator's roles. The demo organisation
// scopes approval and editing to its departments.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coreCatalogue } from '../core/org/catalogue.ts';
import { loadOrg } from '../core/org/load-org.ts';
import { testDatabases } from './helpers/databases.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

const demo = (name: string) => `${name}@demo.dutyboard.local`;

describe.each(testDatabases)("the demo organisation's scoped permissions on $kind", (database) => {
  let t: TestApp;
  const cookies: Record<string, string> = {};
  beforeAll(async () => {
    t = await createTestApp(database);
    for (const who of ['han.xue', 'dong.hui', 'li.na', 'xu.ting', 'cao.ying', 'xie.jun', 'chen.zhiyuan'])
      cookies[who] = await t.signIn(demo(who));
  });
  afterAll(() => t.dispose());

  const move = (who: string, card: { id: number; version: number }, to: string) =>
    t.call('PATCH', `/api/tasks/${card.id}/transition`, {
      cookie: cookies[who],
      body: { expectedVersion: card.version, to },
    });
  const priceRequestAwaitingApproval = async () => {
    const created = await (
      await t.call('POST', '/api/tasks', {
        cookie: cookies['han.xue'],
        body: { type: 'after-sales.price-request', title: '买家要 15% 折扣', fields: { discount_pct: 15 } },
      })
    ).json();
    return (await (await move('han.xue', created, 'pending_approval')).json()).task as {
      id: number;
      version: number;
      status: string;
    };
  };

  it('refuses the HR specialist who moves a customer-service price request to rejected: deciding one needs after-sales.approve, which his role does not hold', async () => {
    const card = await priceRequestAwaitingApproval();
    expect(card.status).toBe('pending_approval');
    const refused = await move('dong.hui', card, 'rejected');
    expect(refused.status).toBe(403);
    const error = (await refused.json()).error;
    expect(error).toMatchObject({ code: 'FORBIDDEN', details: { permission: 'after-sales.approve' } });
    expect(error.message).toContain('after-sales.approve');
    expect((await (await t.call('GET', `/api/tasks/${card.id}`, { cookie: cookies['han.xue'] })).json()).status).toBe(
      'pending_approval',
    );
  });

  it('lets the store manager, who holds after-sales.approve, decide it', async () => {
    const card = await priceRequestAwaitingApproval();
    expect((await move('li.na', card, 'approved')).status).toBe(200);
  });

  it("lets members edit their own department's cards only; the director edits every card", async () => {
    const shipment = await (
      await t.call('POST', '/api/tasks', {
        cookie: cookies['xie.jun'],
        body: {
          type: 'after-sales.shipment',
          title: '订单 8812 发货',
          fields: { order_no: '8812', paid_at: '2026-12-01T10:00:00+08:00' },
        },
      })
    ).json();
    const edit = (who: string, version: number) =>
      t.call('PATCH', `/api/tasks/${shipment.id}`, {
        cookie: cookies[who],
        body: { expectedVersion: version, title: `订单 8812 (${who})` },
      });
    const refused = await edit('cao.ying', shipment.version);
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.details).toMatchObject({
      permission: 'tasks.edit',
      taskType: 'after-sales.shipment',
      departments: ['logistics'],
    });
    expect((await edit('xie.jun', shipment.version)).status).toBe(200);
    expect((await edit('chen.zhiyuan', shipment.version + 1)).status).toBe(200);
  });
});

const org = `
version: 1
organization:
  id: scopes
  name: Scopes
  member_can: [boards.view, tasks.move, {permission: tasks.create, task_types: [core.task]}]
departments:
  - {id: sales, name: Sales}
  - {id: stock, name: Stock}
task_types:
  - id: shop.refund
    name: Refund
    workflow:
      initial: open
      states: [{id: open, name: Open, category: todo}, {id: refunded, name: Refunded, category: done}]
      transitions: [{from: open, to: refunded, approval: {by: approver}}]
roles:
  - {id: approver, name: Approver, department: sales, can: [{permission: tasks.approve, departments: [own]}]}
  - {id: seller, name: Seller, department: sales, can: [{permission: tasks.edit, departments: [own]}]}
  - {id: keeper, name: Keeper, department: stock, can: [{permission: tasks.edit, departments: [own]}]}
  - {id: report-editor, name: Report editor, department: sales, can: [{permission: tasks.edit, task_types: [core.report]}, tasks.create]}
  - id: stock-report-editor
    name: Stock report editor
    department: sales
    can: [{permission: tasks.edit, task_types: [core.report], departments: [stock]}, {permission: tasks.assign, departments: [stock]}, tasks.create]
members:
  - {email: sal@s.test, name: Sal, roles: [seller]}
  - {email: kim@s.test, name: Kim, roles: [keeper]}
  - {email: rey@s.test, name: Rey, roles: [report-editor]}
  - {email: sue@s.test, name: Sue, roles: [stock-report-editor]}
  - {email: ann@s.test, name: Ann, roles: [approver]}
`;

describe.each(testDatabases)('scoped permissions in a roles file on $kind', (database) => {
  let t: TestApp;
  const cookies: Record<string, string> = {};
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    t = await createTestApp(database, [{ name: 'scopes.yaml', text: org }]);
    for (const who of ['sal', 'kim', 'rey', 'sue', 'ann']) cookies[who] = await t.signIn(`${who}@s.test`);
    for (const person of await t.services.users.list()) ids[person.email.split('@')[0]!] = person.id;
  });
  afterAll(() => t.dispose());

  /** A card put in place by the task service with no actor (the rules under test are not involved). */
  const card = (type: string, assignTo?: { roleId?: string; personId?: string }) =>
    t.services.tasks.create(null, { type, title: `${type} card`, ...(assignTo ? { assignTo } : {}) });
  /** Edits the card as it is now (an earlier edit in the test moved its version on). */
  const edit = async (who: string, target: { id: number }) => {
    const { version } = await t.services.tasks.get(target.id);
    return (
      await t.call('PATCH', `/api/tasks/${target.id}`, {
        cookie: cookies[who],
        body: { expectedVersion: version, title: `edited by ${who} ${version}` },
      })
    ).status;
  };

  it("scopes to departments: own means the role's department; a card assigned to a role belongs to that role's department", async () => {
    const salesCard = await card('core.task', { roleId: 'seller' });
    const stockCard = await card('core.task', { roleId: 'keeper' });
    expect(await edit('kim', salesCard)).toBe(403);
    expect(await edit('sal', stockCard)).toBe(403);
    expect(await edit('sal', salesCard)).toBe(200);
    expect(await edit('kim', stockCard)).toBe(200);
  });

  it("puts a card assigned to a person in their roles' departments, and an unassigned card in its creator's", async () => {
    const kims = await card('core.task', { personId: ids.kim! });
    expect(await edit('sal', kims)).toBe(403);
    expect(await edit('kim', kims)).toBe(200);
    const created = await (
      await t.call('POST', '/api/tasks', {
        cookie: cookies.sal,
        body: { type: 'core.task', title: 'unassigned, by a seller' },
      })
    ).json();
    expect(created.assigneeId).toBeNull();
    expect(await edit('kim', created)).toBe(403);
    expect(await edit('sal', created)).toBe(200);
  });

  it('scopes to task types, and to task types and departments together', async () => {
    const salesReport = await card('core.report', { roleId: 'seller' });
    const stockReport = await card('core.report', { roleId: 'keeper' });
    const stockTask = await card('core.task', { roleId: 'keeper' });
    expect(await edit('rey', salesReport)).toBe(200);
    expect(await edit('rey', stockReport)).toBe(200);
    expect(await edit('rey', stockTask)).toBe(403);
    expect(await edit('sue', stockReport)).toBe(200);
    expect(await edit('sue', salesReport)).toBe(403);
    expect(await edit('sue', stockTask)).toBe(403);
  });

  it('scopes creating and assigning: a member creates only core.task cards; a department-scoped assigner assigns only to that department', async () => {
    const report = await t.call('POST', '/api/tasks', {
      cookie: cookies.sal,
      body: { type: 'core.report', title: 'not mine to create' },
    });
    expect(report.status).toBe(403);
    expect((await report.json()).error.details).toMatchObject({ permission: 'tasks.create', taskType: 'core.report' });
    expect(
      (await t.call('POST', '/api/tasks', { cookie: cookies.sal, body: { type: 'core.task', title: 'mine' } })).status,
    ).toBe(201);
    expect(
      (
        await t.call('POST', '/api/tasks', {
          cookie: cookies.sue,
          body: { type: 'core.task', title: 'for stock', assignTo: { roleId: 'keeper' } },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await t.call('POST', '/api/tasks', {
          cookie: cookies.sue,
          body: { type: 'core.task', title: 'for sales', assignTo: { roleId: 'seller' } },
        })
      ).status,
    ).toBe(403);
    const stockCard = await card('core.task', { roleId: 'keeper' });
    expect(
      (
        await t.call('PUT', `/api/tasks/${stockCard.id}/assignment`, {
          cookie: cookies.sue,
          body: { expectedVersion: stockCard.version, personId: ids.kim },
        })
      ).status,
    ).toBe(200);
    const salesCard = await card('core.task', { roleId: 'seller' });
    expect(
      (
        await t.call('PUT', `/api/tasks/${salesCard.id}/assignment`, {
          cookie: cookies.sue,
          body: { expectedVersion: salesCard.version, personId: ids.kim },
        })
      ).status,
    ).toBe(403);
  });

  it('shows an approver only the requests on cards their scoped tasks.approve reaches, and lets them decide only those', async () => {
    const request = async (roleId: string, who: string) => {
      const refund = await card('shop.refund', { roleId });
      const response = await t.call('PATCH', `/api/tasks/${refund.id}/transition`, {
        cookie: cookies[who],
        body: { expectedVersion: refund.version, to: 'refunded' },
      });
      expect(response.status).toBe(202);
      return (await response.json()).approval as { id: number; taskId: number };
    };
    const salesRequest = await request('seller', 'sal');
    const stockRequest = await request('keeper', 'kim');
    const inbox = await (await t.call('GET', '/api/approvals', { cookie: cookies.ann })).json();
    expect(inbox.map((item: { id: number }) => item.id)).toEqual([salesRequest.id]);
    const decide = (id: number) =>
      t.call('POST', `/api/approvals/${id}/decision`, { cookie: cookies.ann, body: { approve: true } });
    expect((await decide(stockRequest.id)).status).toBe(403);
    expect((await t.services.tasks.get(stockRequest.taskId)).status).toBe('open');
    expect((await decide(salesRequest.id)).status).toBe(200);
    expect((await t.services.tasks.get(salesRequest.taskId)).status).toBe('refunded');
  });

  it('answers "may this actor do this on this card" in one place, for other code to ask', async () => {
    const stockReport = await card('core.report', { roleId: 'keeper' });
    const sue = (await t.services.auth.actorForToken(cookies.sue!.split('=')[1]!))!.actor;
    const access = await t.services.access.on(sue, (await t.services.tasks.repo.find(stockReport.id))!);
    expect(access.scope).toMatchObject({ type: 'core.report', departments: new Set(['stock']) });
    expect([access.may('tasks.edit'), access.may('tasks.assign'), access.may('tasks.approve')]).toEqual([
      true,
      true,
      false,
    ]);
  });
});

describe('scoping in the roles loader', () => {
  it('refuses a scope on a permission that is not about one card', () => {
    const text =
      'version: 1\norganization: {id: s, name: S}\ndepartments: [{id: d, name: D}]\nroles:\n  - {id: lead, name: Lead, department: d, can: [{permission: roles.edit, departments: [own]}, {permission: tasks.approve, departments: [own]}]}\n';
    const result = loadOrg([{ name: 's.yaml', text }], coreCatalogue());
    expect(result.ok).toBe(false);
    expect(result.errors).toEqual([expect.objectContaining({ kind: 'schema', path: 'roles[0].can[0]', line: 5 })]);
    expect(result.errors[0]!.message).toContain('"roles.edit" is not about one card');
  });
});
