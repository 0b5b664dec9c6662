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

// A price request: an agent grants a discount within policy through the guard (and it is locked once
// granted); above it, the manager approves. `filed` is a done state the file keeps editable.
const priceType = `
  - id: shop.price
    name: Price request
    fields: [{id: discount_pct, name: Discount, type: percent}, {id: note, name: Note, type: text}]
    workflow:
      initial: open
      states:
        - {id: open, name: Open, category: todo}
        - {id: granted, name: Granted, category: active, locked_fields: [discount_pct]}
        - {id: approved, name: Approved, category: done}
        - {id: filed, name: Filed, category: done, read_only: false}
      transitions:
        - {from: open, to: granted, guard: {"<=": [{var: task.fields.discount_pct}, 10]}, guard_message: above 10 % the manager approves}
        - {from: open, to: approved, approval: {by: manager, reject_to: open}}
        - {from: granted, to: approved}
        - {from: approved, to: open}
        - {from: open, to: filed}`;

const org = `
version: 1
organization: {id: shop, name: Shop}
task_types:${refundType('shop.refund', '{by: manager, reject_to: refused}')}${refundType('shop.big-refund', '{by: manager, mode: all}')}${refundType('shop.team-refund', '{by: manager, mode: count, count: 2}')}${refundType('shop.trusted-refund', '{by: manager, self_approval: true}')}${priceType}
roles:
  - {id: manager, name: Manager, can: [boards.view, tasks.create, tasks.move, tasks.close, tasks.approve, tasks.assign]}
  - {id: agent, name: Agent, reports_to: manager, can: [boards.view, tasks.create, tasks.move, tasks.edit]}
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

  const createCard = async (type: string) =>
    (
      await t.call('POST', '/api/tasks', { cookie: agent, body: { type, title: '退款 ¥300', fields: { amount: 300 } } })
    ).json();
  const request = async (card: { id: number; version: number }) =>
    t.call('PATCH', `/api/tasks/${card.id}/transition`, {
      cookie: agent,
      body: { to: 'refunded', expectedVersion: card.version },
    });
  const decide = (cookie: string, approvalId: number, approve: boolean, comment?: string) =>
    t.call('POST', `/api/approvals/${approvalId}/decision`, {
      cookie,
      body: { approve, ...(comment ? { comment } : {}) },
    });
  const status = async (id: number) =>
    (await (await t.call('GET', `/api/tasks/${id}`, { cookie: agent })).json()).status;

  it('lets someone without the right request the move; any one approver carries it out (或签)', async () => {
    const card = await createCard('shop.refund');
    const requested = await request(card);
    expect(requested.status).toBe(202);
    const { approval, task } = await requested.json();
    expect(approval).toMatchObject({
      state: 'pending',
      mode: 'any',
      required: 1,
      role: 'manager',
      from: 'open',
      to: 'refunded',
    });
    expect(task.status).toBe('open');

    const inbox = await (await t.call('GET', '/api/approvals', { cookie: m2 })).json();
    expect(inbox).toEqual([expect.objectContaining({ id: approval.id, taskId: card.id, requestedBy: 'Agent' })]);
    expect((await request({ ...card })).status).toBe(409);

    const decided = await (await decide(m2, approval.id, true)).json();
    expect(decided.approval.state).toBe('approved');
    expect(await status(card.id)).toBe('refunded');
    const activity = await (await t.call('GET', `/api/tasks/${card.id}/activity`, { cookie: agent })).json();
    expect(activity.map((a: { action: string }) => a.action)).toEqual([
      'created',
      'approval_requested',
      'approval_approved',
      'moved',
    ]);
    expect(await (await t.call('GET', '/api/approvals', { cookie: m2 })).json()).toEqual([]);
  });

  it("sends a rejected request to the reject state, with the approver's comment in the log", async () => {
    const card = await createCard('shop.refund');
    const { approval } = await (await request(card)).json();
    await decide(m1, approval.id, false, '超出政策,需补充凭证');
    expect(await status(card.id)).toBe('refused');
    const activity = await (await t.call('GET', `/api/tasks/${card.id}/activity`, { cookie: agent })).json();
    expect(activity).toContainEqual(
      expect.objectContaining({ action: 'approval_rejected', note: '超出政策,需补充凭证', actorName: 'M1' }),
    );
    expect(activity.at(-1)).toMatchObject({
      action: 'moved',
      changes: { status: ['open', 'refused'] },
      note: 'request rejected',
    });
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

  it('lets only approvers decide, once each', async () => {
    const card = await createCard('shop.big-refund');
    const { approval } = await (await request(card)).json();
    expect((await decide(agent, approval.id, true)).status).toBe(403);
    expect((await decide(m1, approval.id, true)).status).toBe(200);
    const twice = await decide(m1, approval.id, true);
    expect(twice.status).toBe(409);
  });

  it('counts concurrent approvals correctly', async () => {
    const card = await createCard('shop.team-refund');
    const { approval } = await (await request(card)).json();
    const results = await Promise.all([
      decide(m1, approval.id, true),
      decide(m2, approval.id, true),
      decide(m3, approval.id, true),
    ]);
    expect(results.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(2);
    expect(await status(card.id)).toBe('refunded');
    const moves = (await (await t.call('GET', `/api/tasks/${card.id}/activity`, { cookie: agent })).json()).filter(
      (a: { action: string }) => a.action === 'moved',
    );
    expect(moves).toHaveLength(1);
  });

  const edit = (cookie: string, card: { id: number; version: number }, body: Record<string, unknown>) =>
    t.call('PATCH', `/api/tasks/${card.id}`, { cookie, body: { expectedVersion: card.version, ...body } });
  const get = async (id: number) => (await t.call('GET', `/api/tasks/${id}`, { cookie: agent })).json();
  const priceCard = async (discount: number) =>
    (
      await t.call('POST', '/api/tasks', {
        cookie: agent,
        body: { type: 'shop.price', title: '买家议价', fields: { discount_pct: discount } },
      })
    ).json();
  const actions = async (id: number) =>
    (await (await t.call('GET', `/api/tasks/${id}/activity`, { cookie: agent })).json()) as {
      action: string;
      note: string | null;
      actorName: string;
    }[];

  it('refuses to edit a card while its request waits (409 naming the request) until it is withdrawn; approvers see what was asked', async () => {
    const card = await priceCard(15);
    const requested = await t.call('PATCH', `/api/tasks/${card.id}/transition`, {
      cookie: agent,
      body: { to: 'approved', expectedVersion: card.version },
    });
    expect(requested.status).toBe(202);
    const { approval, task } = await requested.json();
    expect(approval.snapshot).toEqual({ title: '买家议价', description: '', fields: { discount_pct: 15 } });

    const raised = await edit(agent, task, { fields: { discount_pct: 95 } });
    expect(raised.status).toBe(409);
    const refusal = (await raised.json()).error;
    expect(refusal.message).toContain(`approval request ${approval.id}`);
    expect(refusal.details).toMatchObject({
      reason: 'approval_pending',
      approval: { id: approval.id, state: 'pending' },
    });
    // An edit from the version before the request is stale too: opening it moved the card's version on.
    expect(task.version).toBe(card.version + 1);
    expect((await edit(agent, card, { fields: { discount_pct: 95 } })).status).toBe(409);
    expect((await get(card.id)).fields).toEqual({ discount_pct: 15 });

    const inbox = await (await t.call('GET', '/api/approvals', { cookie: m1 })).json();
    expect(inbox.find((item: { id: number }) => item.id === approval.id).snapshot.fields).toEqual({ discount_pct: 15 });

    // Only the requester withdraws; then the card can be edited and asked for again.
    expect((await t.call('POST', `/api/approvals/${approval.id}/withdraw`, { cookie: m1 })).status).toBe(403);
    const withdrawn = await t.call('POST', `/api/approvals/${approval.id}/withdraw`, { cookie: agent });
    expect(await withdrawn.json()).toMatchObject({ id: approval.id, state: 'withdrawn' });
    expect((await t.call('POST', `/api/approvals/${approval.id}/withdraw`, { cookie: agent })).status).toBe(409);
    expect((await decide(m1, approval.id, true)).status).toBe(409);
    const now = await get(card.id);
    const edited = await edit(agent, now, { fields: { discount_pct: 95 } });
    expect(edited.status).toBe(200);
    const again = await (
      await t.call('PATCH', `/api/tasks/${card.id}/transition`, {
        cookie: agent,
        body: { to: 'approved', expectedVersion: (await edited.json()).version },
      })
    ).json();
    expect(again.approval.snapshot.fields).toEqual({ discount_pct: 95 });
    expect((await decide(m1, again.approval.id, true)).status).toBe(200);
    expect(await get(card.id)).toMatchObject({ status: 'approved', fields: { discount_pct: 95 } });
    expect((await actions(card.id)).map((a) => a.action)).toContain('approval_withdrawn');
  });

  it('decides against the snapshot: a card changed since the request cannot be approved', async () => {
    const card = await priceCard(12);
    const { approval } = await (
      await t.call('PATCH', `/api/tasks/${card.id}/transition`, {
        cookie: agent,
        body: { to: 'approved', expectedVersion: card.version },
      })
    ).json();
    // A change that did not come through an edit (a plugin or a hand-run statement).
    await t.db.kysely
      .updateTable('tasks')
      .set({ fields: JSON.stringify({ discount_pct: 90 }) })
      .where('id', '=', card.id)
      .execute();
    const approving = await decide(m2, approval.id, true);
    expect(approving.status).toBe(409);
    expect((await approving.json()).error.details).toMatchObject({
      reason: 'changed_since_request',
      snapshot: { fields: { discount_pct: 12 } },
    });
    expect(await get(card.id)).toMatchObject({ status: 'open' });
    const single = await (await t.call('GET', `/api/approvals/${approval.id}`, { cookie: agent })).json();
    expect(single).toMatchObject({ approval: { state: 'pending' }, decisions: [] });
  });

  it('locks what passed a guard: a granted discount cannot be raised, and a done card is read-only except comments', async () => {
    const card = await priceCard(5);
    const granted = (
      await (
        await t.call('PATCH', `/api/tasks/${card.id}/transition`, {
          cookie: agent,
          body: { to: 'granted', expectedVersion: card.version },
        })
      ).json()
    ).task;
    const raised = await edit(agent, granted, { fields: { discount_pct: 100 } });
    expect(raised.status).toBe(409);
    expect((await raised.json()).error.details).toMatchObject({
      reason: 'locked_fields',
      status: 'granted',
      fields: ['discount_pct'],
    });
    const noted = await edit(agent, granted, { fields: { note: '老客户' } });
    expect(noted.status).toBe(200);

    const done = (
      await (
        await t.call('PATCH', `/api/tasks/${card.id}/transition`, {
          cookie: agent,
          body: { to: 'approved', expectedVersion: (await noted.json()).version },
        })
      ).json()
    ).task;
    expect(done.status).toBe('approved');
    for (const change of [{ fields: { discount_pct: 100 } }, { title: '改标题' }, { labels: ['x'] }]) {
      const refused = await edit(agent, done, change);
      expect(refused.status).toBe(409);
      expect((await refused.json()).error.details).toMatchObject({ reason: 'read_only', status: 'approved' });
    }
    expect(
      (
        await t.call('POST', `/api/tasks/${card.id}/links`, {
          cookie: agent,
          body: { kind: 'url', url: 'https://shop.test/order/1' },
        })
      ).status,
    ).toBe(409);
    const me = (await (await t.call('GET', '/api/me', { cookie: m1 })).json()).id;
    expect(
      (
        await t.call('PUT', `/api/tasks/${card.id}/assignment`, {
          cookie: m1,
          body: { expectedVersion: done.version, personId: me },
        })
      ).status,
    ).toBe(409);
    expect(
      (await t.call('POST', `/api/tasks/${card.id}/comments`, { cookie: agent, body: { body: '已通知买家' } })).status,
    ).toBe(201);
    expect(await get(card.id)).toMatchObject({ version: done.version, fields: { discount_pct: 5, note: '老客户' } });

    // Reopened, it can change again; a done state the roles file keeps editable can change there.
    const reopened = (
      await (
        await t.call('PATCH', `/api/tasks/${card.id}/transition`, {
          cookie: agent,
          body: { to: 'open', expectedVersion: done.version },
        })
      ).json()
    ).task;
    expect((await edit(agent, reopened, { fields: { discount_pct: 8 } })).status).toBe(200);
    const other = await priceCard(3);
    const filed = (
      await (
        await t.call('PATCH', `/api/tasks/${other.id}/transition`, {
          cookie: agent,
          body: { to: 'filed', expectedVersion: other.version },
        })
      ).json()
    ).task;
    expect((await edit(agent, filed, { fields: { note: '归档备注' } })).status).toBe(200);
  });

  it("records but does not count the requester's own approval, for any, all and count", async () => {
    // 或签: the manager's own move is a request; their approval is in the record, and a second manager decides.
    const own = await createCard('shop.refund');
    const asked = await t.call('PATCH', `/api/tasks/${own.id}/transition`, {
      cookie: m1,
      body: { to: 'refunded', expectedVersion: own.version },
    });
    expect(asked.status).toBe(202);
    const { approval } = await asked.json();
    expect(approval).toMatchObject({ state: 'pending', required: 1 });
    expect(await status(own.id)).toBe('open');
    expect(
      (await (await t.call('GET', '/api/approvals', { cookie: m1 })).json()).some(
        (item: { id: number }) => item.id === approval.id,
      ),
    ).toBe(false);
    const recorded = await (await t.call('GET', `/api/approvals/${approval.id}`, { cookie: m1 })).json();
    expect(recorded.decisions).toEqual([
      expect.objectContaining({ name: 'M1', approve: true, own: true, counted: false }),
    ]);
    expect((await decide(m1, approval.id, false)).status).toBe(409);
    await decide(m2, approval.id, true);
    expect(await status(own.id)).toBe('refunded');
    const log = await actions(own.id);
    expect(log.map((a) => a.action)).toEqual([
      'created',
      'approval_requested',
      'approval_approved',
      'approval_approved',
      'moved',
    ]);
    expect(log[2]).toMatchObject({ actorName: 'M1', note: 'own approval, not counted' });

    // 会签 over three managers, asked by one of them: the other two must approve.
    const big = await createCard('shop.big-refund');
    const all = (
      await (
        await t.call('PATCH', `/api/tasks/${big.id}/transition`, {
          cookie: m1,
          body: { to: 'refunded', expectedVersion: big.version },
        })
      ).json()
    ).approval;
    expect(all.required).toBe(2);
    await decide(m2, all.id, true);
    expect(await status(big.id)).toBe('open');
    await decide(m3, all.id, true);
    expect(await status(big.id)).toBe('refunded');

    // Two of them: the requester's approval plus one other is not two.
    const team = await createCard('shop.team-refund');
    const two = (
      await (
        await t.call('PATCH', `/api/tasks/${team.id}/transition`, {
          cookie: m1,
          body: { to: 'refunded', expectedVersion: team.version },
        })
      ).json()
    ).approval;
    await decide(m2, two.id, true);
    expect(await status(team.id)).toBe('open');
    await decide(m3, two.id, true);
    expect(await status(team.id)).toBe('refunded');
  });

  it("counts the requester's own approval where the rule says self_approval, and still records the request", async () => {
    const card = await createCard('shop.trusted-refund');
    const moved = await t.call('PATCH', `/api/tasks/${card.id}/transition`, {
      cookie: m1,
      body: { to: 'refunded', expectedVersion: card.version },
    });
    expect(moved.status).toBe(200);
    const { approval, task } = await moved.json();
    expect(approval).toMatchObject({ state: 'approved', selfApproval: true });
    expect(task.status).toBe('refunded');
    const recorded = await (await t.call('GET', `/api/approvals/${approval.id}`, { cookie: m1 })).json();
    expect(recorded.decisions).toEqual([expect.objectContaining({ name: 'M1', own: true, counted: true })]);
    expect((await actions(card.id)).map((a) => a.action)).toEqual([
      'created',
      'approval_requested',
      'approval_approved',
      'moved',
    ]);
  });
});

describe.each(testDatabases)('price requests in the demo organisation on $kind', (database) => {
  let t: TestApp;
  let agent: string;

  beforeAll(async () => {
    t = await createTestApp(database);
    agent = await t.signIn('han.xue@demo.dutyboard.local');
  });
  afterAll(() => t.dispose());

  const create = async (discount: number) =>
    (
      await t.call('POST', '/api/tasks', {
        cookie: agent,
        body: { type: 'after-sales.price-request', title: '买家要求折扣', fields: { discount_pct: discount } },
      })
    ).json();
  const move = async (card: { id: number; version: number }, to: string) =>
    (
      await (
        await t.call('PATCH', `/api/tasks/${card.id}/transition`, {
          cookie: agent,
          body: { to, expectedVersion: card.version },
        })
      ).json()
    ).task;
  const raise = (card: { id: number; version: number }, discount: number) =>
    t.call('PATCH', `/api/tasks/${card.id}`, {
      cookie: agent,
      body: { expectedVersion: card.version, fields: { discount_pct: discount } },
    });

  it('keeps a 15 % request at 15 % while it waits for the store manager', async () => {
    const waiting = await move(await create(15), 'pending_approval');
    expect(waiting.status).toBe('pending_approval');
    const raised = await raise(waiting, 95);
    expect(raised.status).toBe(409);
    expect((await raised.json()).error.details).toMatchObject({ reason: 'locked_fields', fields: ['discount_pct'] });
  });

  it('keeps a 5 % discount the agent granted through the guard at 5 %', async () => {
    const granted = await move(await create(5), 'approved');
    expect(granted.status).toBe('approved');
    const raised = await raise(granted, 100);
    expect(raised.status).toBe(409);
    expect((await raised.json()).error.details).toMatchObject({ reason: 'read_only', status: 'approved' });
    expect(
      (await (await t.call('GET', `/api/tasks/${granted.id}`, { cookie: agent })).json()).fields.discount_pct,
    ).toBe(5);
  });
});
