// Transitions that need approval, on every database: any one (或签), all (会签), N of them; requests,
// the approver's inbox, approval carrying out the move, rejection sending the card back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from './helpers/databases.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

const refundType = (id: string, approval: string) => `
  - id: ${id}
    name: Refund
    fields: [{id: amount, name: Amount, type: money, currency: CNY}]
    workflow:
      initial: open
      states:
        - {id: open, name: Open, category: todo}
        - {id: refunded, name: Refunded, category: done}
        - {id: refused, name: Refused, category: done}
      transitions:
        - {from: open, to: refunded, requires: tasks.close, approval: ${approval}}
        - {from: open, to: refused, requires: tasks.close}`;

const org = `
version: 1
organization: {id: shop, name: Shop}
task_types:${refundType('shop.refund', '{by: manager, reject_to: refused}')}${refundType('shop.big-refund', '{by: manager, mode: all}')}${refundType('shop.team-refund', '{by: manager, mode: count, count: 2}')}
roles:
  - {id: manager, name: Manager, can: [boards.view, tasks.create, tasks.move, tasks.close, tasks.approve]}
  - {id: agent, name: Agent, reports_to: manager, can: [boards.view, tasks.create, tasks.move]}
members:
  - {email: m1@shop.test, name: M1, roles: [manager]}
  - {email: m2@shop.test, name: M2, roles: [manager]}
  - {email: m3@shop.test, name: M3, roles: [manager]}
  - {email: agent@shop.test, name: Agent, roles: [agent]}
`;

describe.each(testDatabases)('approvals on $kind', (database) => {
  let t: TestApp;
  let agent: string;
  let m1: string;
  let m2: string;
  let m3: string;

  beforeAll(async () => {
    t = await createTestApp(database, [{ name: 'shop.yaml', text: org }]);
    const cookies = await Promise.all(['agent', 'm1', 'm2', 'm3'].map((name) => t.signIn(`${name}@shop.test`)));
    [agent, m1, m2, m3] = cookies as [string, string, string, string];
  });
  afterAll(() => t.dispose());

  const createCard = async (type: string) => (await t.call('POST', '/api/tasks', { cookie: agent, body: { type, title: '退款 ¥300', fields: { amount: 300 } } })).json();
  const request = async (card: { id: number; version: number }) => t.call('PATCH', `/api/tasks/${card.id}/transition`, { cookie: agent, body: { to: 'refunded', expectedVersion: card.version } });
  const decide = (cookie: string, approvalId: number, approve: boolean, comment?: string) =>
    t.call('POST', `/api/approvals/${approvalId}/decision`, { cookie, body: { approve, ...(comment ? { comment } : {}) } });
  const status = async (id: number) => (await (await t.call('GET', `/api/tasks/${id}`, { cookie: agent })).json()).status;

  it('lets someone without the right request the move; any one approver carries it out (或签)', async () => {
    const card = await createCard('shop.refund');
    const requested = await request(card);
    expect(requested.status).toBe(202);
    const { approval, task } = await requested.json();
    expect(approval).toMatchObject({ state: 'pending', mode: 'any', required: 1, role: 'manager', from: 'open', to: 'refunded' });
    expect(task.status).toBe('open');

    const inbox = await (await t.call('GET', '/api/approvals', { cookie: m2 })).json();
    expect(inbox).toEqual([expect.objectContaining({ id: approval.id, taskId: card.id, requestedBy: 'Agent' })]);
    expect((await request({ ...card })).status).toBe(409);

    const decided = await (await decide(m2, approval.id, true)).json();
    expect(decided.approval.state).toBe('approved');
    expect(await status(card.id)).toBe('refunded');
    const activity = await (await t.call('GET', `/api/tasks/${card.id}/activity`, { cookie: agent })).json();
    expect(activity.map((a: { action: string }) => a.action)).toEqual(['created', 'approval_requested', 'approval_approved', 'moved']);
    expect((await (await t.call('GET', '/api/approvals', { cookie: m2 })).json())).toEqual([]);
  });

  it('sends a rejected request to the reject state, with the approver\'s comment in the log', async () => {
    const card = await createCard('shop.refund');
    const { approval } = await (await request(card)).json();
    await decide(m1, approval.id, false, '超出政策,需补充凭证');
    expect(await status(card.id)).toBe('refused');
    const activity = await (await t.call('GET', `/api/tasks/${card.id}/activity`, { cookie: agent })).json();
    expect(activity).toContainEqual(expect.objectContaining({ action: 'approval_rejected', note: '超出政策,需补充凭证', actorName: 'M1' }));
    expect(activity.at(-1)).toMatchObject({ action: 'moved', changes: { status: ['open', 'refused'] }, note: 'request rejected' });
  });

  it('needs every holder for 会签, and N of them for a count', async () => {
    const big = await createCard('shop.big-refund');
    const all = (await (await request(big)).json()).approval;
    expect(all.required).toBe(3);
    await decide(m1, all.id, true);
    await decide(m2, all.id, true);
    expect(await status(big.id)).toBe('open');
    await decide(m3, all.id, true);
    expect(await status(big.id)).toBe('refunded');

    const team = await createCard('shop.team-refund');
    const two = (await (await request(team)).json()).approval;
    expect(two.required).toBe(2);
    await decide(m3, two.id, true);
    expect(await status(team.id)).toBe('open');
    await decide(m1, two.id, true);
    expect(await status(team.id)).toBe('refunded');
  });

  it('lets only approvers decide, once each, and lets an approver move directly', async () => {
    const card = await createCard('shop.big-refund');
    const { approval } = await (await request(card)).json();
    expect((await decide(agent, approval.id, true)).status).toBe(403);
    expect((await decide(m1, approval.id, true)).status).toBe(200);
    const twice = await decide(m1, approval.id, true);
    expect(twice.status).toBe(409);

    const own = await createCard('shop.refund');
    const direct = await t.call('PATCH', `/api/tasks/${own.id}/transition`, { cookie: m1, body: { to: 'refunded', expectedVersion: 1 } });
    expect(direct.status).toBe(200);
    expect((await direct.json()).task.status).toBe('refunded');
  });

  it('counts concurrent approvals correctly', async () => {
    const card = await createCard('shop.team-refund');
    const { approval } = await (await request(card)).json();
    const results = await Promise.all([decide(m1, approval.id, true), decide(m2, approval.id, true), decide(m3, approval.id, true)]);
    expect(results.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(2);
    expect(await status(card.id)).toBe('refunded');
    const moves = (await (await t.call('GET', `/api/tasks/${card.id}/activity`, { cookie: agent })).json()).filter((a: { action: string }) => a.action === 'moved');
    expect(moves).toHaveLength(1);
  });
});
