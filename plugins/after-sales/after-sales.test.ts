// The after-sales plugin on every database, in a small shop that loads it: a claim above policy, a claim
// no policy covers and a discount beyond policy reach resolved or closed only through the store
// manager's approval (whoever the case is reassigned to); price requests likewise; and each KPI metric
// is met, missed or has no data from cases made here at known times.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pluginSource } from '../../core/plugins/loader.ts';
import { testDatabases } from '../../tests/helpers/databases.ts';
import { createTestApp, type TestApp } from '../../tests/helpers/test-app.ts';

const SHOP = `
version: 1
organization: {id: shop, name: 小店, timezone: Asia/Shanghai}
policies: {max_claim_cny: 200, max_discount_pct: 10, ship_within_hours: 24, customer_satisfaction_min_pct: 85}
roles:
  - {id: store-manager, name: 店长, can: [tasks.assign, tasks.close, after-sales.approve]}
  - {id: cs-manager, name: 客服经理, reports_to: store-manager, can: [tasks.assign, tasks.close]}
  - id: after-sales-agent
    name: 售后客服
    reports_to: cs-manager
    kpis:
      - {id: satisfaction, name: 客户满意度, metric: after-sales.satisfaction, target: {gte: {policy: customer_satisfaction_min_pct}}, period: month}
      - {id: first-response, name: 首次响应时长, metric: after-sales.first_response_hours, target: {lte: 4}, period: month}
      - {id: resolution, name: 处理时长, metric: after-sales.resolution_hours, target: {lte: 24}, period: month}
      - {id: negative-reviews, name: 中差评数, metric: after-sales.negative_reviews, target: {lte: 2}, period: month}
  - {id: pre-sales-agent, name: 售前客服, reports_to: cs-manager}
members:
  - {email: boss@shop.test, name: 店长, roles: [store-manager]}
  - {email: lead@shop.test, name: 客服经理, roles: [cs-manager]}
  - {email: ann@shop.test, name: Ann, roles: [after-sales-agent]}
  - {email: bo@shop.test, name: Bo, roles: [after-sales-agent]}
  - {email: cy@shop.test, name: Cy, roles: [after-sales-agent]}
  - {email: dee@shop.test, name: Dee, roles: [pre-sales-agent]}
`;

/** Shanghai wall-clock time in March 2026. */
const at = (local: string) => new Date(`2026-03-${local}+08:00`);

describe.each(testDatabases)('after-sales plugin on $kind', (database) => {
  let t: TestApp;
  let clock = at('02T09:00');
  const cookies: Record<string, string> = {};
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp(database, [{ name: 'shop.yaml', text: SHOP }], {
      plugins: [pluginSource('./plugins/after-sales')],
      now: () => clock,
    });
    for (const who of ['boss', 'lead', 'ann', 'bo', 'cy', 'dee']) cookies[who] = await t.signIn(`${who}@shop.test`);
    for (const person of await t.services.users.list()) ids[person.email.split('@')[0]!] = person.id;
  });
  afterAll(() => t.dispose());

  interface Card {
    id: number;
    version: number;
    status: string;
    fields: Record<string, unknown>;
    dueAt: string | null;
  }
  const create = async (
    who: string,
    type: string,
    title: string,
    fields: Record<string, unknown>,
    role = 'after-sales-agent',
  ): Promise<Card> => {
    const response = await t.call('POST', '/api/tasks', {
      cookie: cookies[who],
      body: { type, title, fields, assignTo: { roleId: role, personId: ids[who] } },
    });
    expect(response.status, await response.clone().text()).toBe(201);
    return response.json();
  };
  const get = async (card: Card): Promise<Card> =>
    (await t.call('GET', `/api/tasks/${card.id}`, { cookie: cookies.boss })).json();
  const move = async (who: string, card: Card, to: string) =>
    t.call('PATCH', `/api/tasks/${card.id}/transition`, {
      cookie: cookies[who],
      body: { to, expectedVersion: (await get(card)).version },
    });
  const moved = async (who: string, card: Card, to: string): Promise<Card> => {
    const response = await move(who, card, to);
    expect(response.status, await response.clone().text()).toBe(200);
    return (await response.json()).task;
  };
  const edit = async (who: string, card: Card, fields: Record<string, unknown>) =>
    t.call('PATCH', `/api/tasks/${card.id}`, {
      cookie: cookies[who],
      body: { expectedVersion: (await get(card)).version, fields },
    });
  const refusal = async (response: Response) => ({ status: response.status, ...(await response.json()).error });

  it('keeps an ¥800 claim (limit ¥200) from being resolved or closed by any agent it is reassigned to, until the store manager approves', async () => {
    const claim = await create('ann', 'after-sales.case', '快递丢件,买家索赔 ¥800', {
      case_type: 'lost_parcel',
      order_no: 'TB-2026-0301',
      claim_amount: 800,
      policy_covered: true,
    });
    await moved('ann', claim, 'in_progress');
    const refused = await refusal(await move('ann', claim, 'resolved'));
    expect(refused).toMatchObject({ status: 422, details: { reason: 'guard' } });
    expect(refused.message).toContain('须店长批准');

    // The CS manager hands it to another agent: the rule goes with the case, not with the person.
    const handed = await t.call('PUT', `/api/tasks/${claim.id}/assignment`, {
      cookie: cookies.lead,
      body: { expectedVersion: (await get(claim)).version, roleId: 'after-sales-agent', personId: ids.bo },
    });
    expect(handed.status, await handed.clone().text()).toBe(200);
    expect((await move('bo', claim, 'resolved')).status).toBe(422);
    await moved('bo', claim, 'waiting_customer');
    expect(await refusal(await move('lead', claim, 'closed'))).toMatchObject({
      status: 422,
      details: { reason: 'guard' },
    });
    await moved('bo', claim, 'in_progress');

    // Asking is open to the agent; deciding needs the plugin's permission, which only the store manager holds.
    await moved('bo', claim, 'awaiting_approval');
    expect(await refusal(await move('bo', claim, 'approved'))).toMatchObject({
      status: 403,
      details: { permission: 'after-sales.approve' },
    });
    expect(await refusal(await move('lead', claim, 'approved'))).toMatchObject({ status: 403 });
    expect(await refusal(await edit('bo', claim, { claim_amount: 200 }))).toMatchObject({
      status: 409,
      details: { reason: 'locked_fields', fields: ['claim_amount'] },
    });
    await moved('boss', claim, 'approved');

    // What was approved stays as approved; the agent settles it and the CS manager closes it.
    expect(await refusal(await edit('bo', claim, { claim_amount: 1200 }))).toMatchObject({
      status: 409,
      details: { reason: 'locked_fields' },
    });
    await moved('bo', claim, 'resolved');
    expect(await refusal(await edit('bo', claim, { claim_amount: 1200 }))).toMatchObject({
      status: 409,
      details: { reason: 'locked_fields' },
    });
    expect((await edit('bo', claim, { satisfaction: 'satisfied' })).status).toBe(200);
    const closed = await moved('lead', claim, 'closed');
    expect(closed).toMatchObject({ status: 'closed', fields: { claim_amount: 800, satisfaction: 'satisfied' } });
  });

  it('needs the store manager for a claim no policy covers, however small, and a sent-back case is judged again', async () => {
    const odd = await create('ann', 'after-sales.case', '买家要求补偿运费险以外的路费', {
      case_type: 'complaint',
      order_no: 'TB-2026-0302',
      claim_amount: 20,
      policy_covered: false,
    });
    await moved('ann', odd, 'in_progress');
    expect(await refusal(await move('ann', odd, 'resolved'))).toMatchObject({
      status: 422,
      details: { reason: 'guard' },
    });
    await moved('ann', odd, 'awaiting_approval');
    await moved('boss', odd, 'in_progress'); // sent back: no
    expect((await move('ann', odd, 'resolved')).status).toBe(422);
    // Within policy after all (the agent found the rule and a smaller offer): the agent settles it alone.
    expect((await edit('ann', odd, { policy_covered: true, claim_amount: 10 })).status).toBe(200);
    await moved('ann', odd, 'resolved');

    // Reopened after approval with a larger claim: approval does not carry over.
    const reopened = await moved('ann', odd, 'in_progress');
    expect((await edit('ann', reopened, { claim_amount: 500 })).status).toBe(200);
    expect((await move('ann', odd, 'resolved')).status).toBe(422);
  });

  it('needs the store manager for a discount beyond policy, on a case and on a price request', async () => {
    const exchange = await create('ann', 'after-sales.case', '换货,买家要求下单优惠 15%', {
      case_type: 'exchange',
      order_no: 'TB-2026-0303',
      policy_covered: true,
      requested_discount_pct: 15,
    });
    await moved('ann', exchange, 'in_progress');
    expect((await move('ann', exchange, 'resolved')).status).toBe(422);
    expect((await edit('ann', exchange, { requested_discount_pct: 10 })).status).toBe(200);
    await moved('ann', exchange, 'resolved');

    const within = await create(
      'dee',
      'after-sales.price-request',
      '买家要 95 折',
      { discount_pct: 5 },
      'pre-sales-agent',
    );
    expect((await moved('dee', within, 'approved')).status).toBe('approved');
    const beyond = await create(
      'dee',
      'after-sales.price-request',
      '买家要 85 折',
      { discount_pct: 15 },
      'pre-sales-agent',
    );
    // The plugin's default escalation parks it for approval with the agent's manager at once.
    expect(await get(beyond)).toMatchObject({ status: 'pending_approval', roleId: 'cs-manager' });
    expect(await refusal(await move('dee', beyond, 'approved'))).toMatchObject({
      status: 403,
      details: { permission: 'after-sales.approve' },
    });
    expect((await moved('boss', beyond, 'approved')).status).toBe('approved');
  });

  it('makes a shipment due policy.ship_within_hours after payment, and refuses to ship one whose address and phone are not verified', async () => {
    const shipment = await create(
      'dee',
      'after-sales.shipment',
      '订单 TB-2026-0304 发货',
      { order_no: 'TB-2026-0304', paid_at: '2026-03-02T10:00:00+08:00' },
      'pre-sales-agent',
    );
    expect((await get(shipment)).dueAt).toBe(new Date('2026-03-03T10:00:00+08:00').toISOString());
    // Payment time corrected: the due time follows, unless a due time is set with the change.
    expect((await (await edit('dee', shipment, { paid_at: '2026-03-02T08:30:00+08:00' })).json()).dueAt).toBe(
      new Date('2026-03-03T08:30:00+08:00').toISOString(),
    );
    const own = await t.call('PATCH', `/api/tasks/${shipment.id}`, {
      cookie: cookies.dee,
      body: {
        expectedVersion: (await get(shipment)).version,
        fields: { paid_at: '2026-03-02T09:00:00+08:00' },
        dueAt: '2026-03-02T18:00:00+08:00',
      },
    });
    expect((await own.json()).dueAt).toBe(new Date('2026-03-02T18:00:00+08:00').toISOString());
    expect(await refusal(await move('dee', shipment, 'to_ship'))).toMatchObject({
      status: 422,
      message: expect.stringContaining('核实收货地址'),
    });
    expect((await edit('dee', shipment, { address_verified: true })).status).toBe(200);
    await moved('dee', shipment, 'to_ship');
  });

  it('measures satisfaction, first response, resolution and negative reviews per agent: met, missed, no data', async () => {
    // In April, so the cases above (March) stay out. Ann: quick, rated well; Bo: slow, rated badly, three negative reviews; Cy: nothing.
    // The service's clock stamps moves; the database stamps creation and history, so those are set to match.
    const handle = async (
      who: string,
      title: string,
      fields: Record<string, unknown>,
      timing: { respond: number; resolve: number },
      rating: string,
    ) => {
      const start = new Date('2026-04-06T09:00:00+08:00');
      const card = await create(who, 'after-sales.case', title, {
        order_no: 'TB-2026-04',
        policy_covered: true,
        claim_amount: 0,
        ...fields,
      });
      await t.db.kysely.updateTable('tasks').set({ created_at: start }).where('id', '=', card.id).execute();
      clock = new Date(start.getTime() + timing.respond * 3_600_000);
      await moved(who, card, 'in_progress');
      clock = new Date(start.getTime() + timing.resolve * 3_600_000);
      await moved(who, card, 'resolved');
      await t.db.kysely
        .updateTable('task_activity')
        .set({ created_at: clock })
        .where('task_id', '=', card.id)
        .where('action', '=', 'moved')
        .where(sql<boolean>`changes->'status'->>1 = 'resolved'`)
        .execute();
      expect((await edit(who, card, { satisfaction: rating })).status).toBe(200);
    };
    await handle('ann', '退货:尺码不合适', { case_type: 'return' }, { respond: 1, resolve: 3 }, 'satisfied');
    await handle('ann', '漏发一件赠品', { case_type: 'missing_item' }, { respond: 0.5, resolve: 2 }, 'satisfied');
    await handle(
      'bo',
      '中差评:物流太慢',
      { case_type: 'negative_review' },
      { respond: 8, resolve: 30 },
      'dissatisfied',
    );
    await handle('bo', '中差评:包装破损', { case_type: 'negative_review' }, { respond: 6, resolve: 26 }, 'satisfied');
    await handle('bo', '中差评:色差', { case_type: 'negative_review' }, { respond: 10, resolve: 50 }, 'neutral');
    const response = await t.call(
      'GET',
      `/api/kpis?role=after-sales-agent&at=${encodeURIComponent('2026-04-20T12:00:00+08:00')}`,
      { cookie: cookies.boss },
    );
    expect(response.status, await response.clone().text()).toBe(200);
    const results = (await response.json()) as {
      kpi: { id: string };
      person: { id: string } | null;
      value: number | null;
      status: string;
    }[];
    const of = (kpi: string, who: string) => results.find((r) => r.kpi.id === kpi && r.person?.id === ids[who]);
    expect(of('satisfaction', 'ann')).toMatchObject({ value: 1, status: 'met' });
    expect(of('satisfaction', 'bo')).toMatchObject({ value: 1 / 3, status: 'missed' });
    expect(of('satisfaction', 'cy')).toMatchObject({ value: null, status: 'no_data' });
    expect(of('first-response', 'ann')).toMatchObject({ value: 0.75, status: 'met' });
    expect(of('first-response', 'bo')).toMatchObject({ value: 8, status: 'missed' });
    expect(of('first-response', 'cy')).toMatchObject({ value: null, status: 'no_data' });
    expect(of('resolution', 'ann')).toMatchObject({ value: 2.5, status: 'met' });
    expect(of('resolution', 'bo')).toMatchObject({ value: 30, status: 'missed' });
    expect(of('resolution', 'cy')).toMatchObject({ value: null, status: 'no_data' });
    // A count has no "no data": no negative review is 0, and meets the target.
    expect(of('negative-reviews', 'ann')).toMatchObject({ value: 0, status: 'met' });
    expect(of('negative-reviews', 'bo')).toMatchObject({ value: 3, status: 'missed' });
  });
});
