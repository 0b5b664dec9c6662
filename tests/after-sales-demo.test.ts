// The demo organisation's after-sales rules on every database, through the after-sales plugin's types
// (seed 003 不能解决:找店长, seed 000 当天事当天毕, the packer-shipper's 24 h / 48 h): claims and discounts
// beyond policy go to the store manager and cannot be settled without the approval; a shipment late
// 24 h after payment goes to customer service, 48 h to the warehouse keeper; a case untouched when its
// business day closes goes to the CS manager; and the shipment on-time KPI is met, missed or has no data.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEscalationScheduler } from '../core/escalation/escalation-scheduler.ts';
import { testDatabases } from './helpers/databases.ts';
import { memoryLogger } from './helpers/silent-logger.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

/** Shanghai wall-clock time in March 2026; the 2nd is a Monday. */
const at = (local: string) => new Date(`2026-03-${local}+08:00`);
const demo = (name: string) => `${name}@demo.dutyboard.local`;

describe.each(testDatabases)("the demo organisation's after-sales rules on $kind", (database) => {
  let t: TestApp;
  let clock = at('02T11:00');
  const cookies: Record<string, string> = {};
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp(database, undefined, { now: () => clock });
    for (const who of ['cao.ying', 'peng.li', 'xu.ting', 'li.na', 'han.xue', 'xie.jun'])
      cookies[who] = await t.signIn(demo(who));
    for (const person of await t.services.users.list()) ids[person.email.split('@')[0]!] = person.id;
  });
  afterAll(() => t.dispose());

  interface Card {
    id: number;
    version: number;
    status: string;
    roleId: string | null;
    labels: string[];
  }
  const tick = (when: Date) => {
    clock = when;
    return createEscalationScheduler({
      db: t.services.db,
      org: t.services.org,
      engine: t.services.engine,
      announce: () => {},
      log: memoryLogger().log,
    }).tick(when);
  };
  const create = async (who: string, body: Record<string, unknown>): Promise<Card> => {
    const response = await t.call('POST', '/api/tasks', { cookie: cookies[who], body });
    expect(response.status, await response.clone().text()).toBe(201);
    return response.json();
  };
  const get = async (card: Card): Promise<Card> =>
    (await t.call('GET', `/api/tasks/${card.id}`, { cookie: cookies['li.na'] })).json();
  const move = async (who: string, card: Card, to: string) =>
    t.call('PATCH', `/api/tasks/${card.id}/transition`, {
      cookie: cookies[who],
      body: { to, expectedVersion: (await get(card)).version },
    });
  const fired = async (card: Card) =>
    (await t.services.escalations.ledger({ taskId: card.id })).map((f) => ({
      rule: f.rule,
      level: f.level,
      to: f.target_role,
    }));
  const agentCase = (who: string, title: string, fields: Record<string, unknown>) =>
    create(who, {
      type: 'after-sales.case',
      title,
      fields: { order_no: 'TB-20260302-118', ...fields },
      assignTo: { roleId: 'after-sales-agent', personId: ids[who] },
    });

  it('sends an ¥800 claim (limit ¥200) to the store manager, and no agent it is handed to resolves it without her approval', async () => {
    const claim = await agentCase('cao.ying', '快递丢件,买家索赔 ¥800', {
      case_type: 'lost_parcel',
      claim_amount: 800,
      policy_covered: true,
    });
    expect(claim.roleId).toBe('store-manager');
    expect(await fired(claim)).toEqual([{ rule: 'after-sales/claim-over-policy', level: 0, to: 'store-manager' }]);

    const handed = await t.call('PUT', `/api/tasks/${claim.id}/assignment`, {
      cookie: cookies['xu.ting'],
      body: { expectedVersion: (await get(claim)).version, roleId: 'after-sales-agent', personId: ids['peng.li'] },
    });
    expect(handed.status, await handed.clone().text()).toBe(200);
    expect((await move('peng.li', claim, 'in_progress')).status).toBe(200);
    const refused = await move('peng.li', claim, 'resolved');
    expect(refused.status).toBe(422);
    expect((await refused.json()).error.details.reason).toBe('guard');
    expect((await move('peng.li', claim, 'awaiting_approval')).status).toBe(200);
    expect((await move('peng.li', claim, 'approved')).status).toBe(403);
    expect((await move('xu.ting', claim, 'approved')).status).toBe(403); // the CS manager cannot either
    expect((await move('li.na', claim, 'approved')).status).toBe(200);
    expect((await move('peng.li', claim, 'resolved')).status).toBe(200);
  });

  it('sends a claim no policy covers, however small, and a discount beyond policy to the store manager', async () => {
    const uncovered = await agentCase('cao.ying', '买家要求赔偿误工费', {
      case_type: 'complaint',
      claim_amount: 30,
      policy_covered: false,
    });
    expect(await fired(uncovered)).toEqual([{ rule: 'after-sales/claim-over-policy', level: 0, to: 'store-manager' }]);
    expect((await move('li.na', uncovered, 'in_progress')).status).toBe(200);
    expect((await move('li.na', uncovered, 'resolved')).status).toBe(422); // the store manager too goes through approval

    const discount = await agentCase('cao.ying', '换货后买家要求再打 85 折', {
      case_type: 'exchange',
      requested_discount_pct: 15,
      policy_covered: true,
    });
    expect(await fired(discount)).toEqual([{ rule: 'after-sales/claim-over-policy', level: 0, to: 'store-manager' }]);

    const request = await create('han.xue', {
      type: 'after-sales.price-request',
      title: '买家要求 85 折',
      fields: { discount_pct: 15 },
    });
    expect(await fired(request)).toEqual([{ rule: 'after-sales/discount-over-policy', level: 0, to: 'store-manager' }]);
    expect(await get(request)).toMatchObject({ status: 'pending_approval', roleId: 'store-manager' });
    expect((await move('han.xue', request, 'approved')).status).toBe(403);
    expect((await move('li.na', request, 'approved')).status).toBe(200);

    const within = await agentCase('cao.ying', '少发一双袜子,补发', {
      case_type: 'missing_item',
      claim_amount: 12,
      policy_covered: true,
    });
    expect(await fired(within)).toEqual([]);
  });

  it('tells customer service about an order unshipped 24 h after payment and the warehouse keeper at 48 h, counted from payment', async () => {
    clock = at('02T11:00');
    const shipment = await create('xie.jun', {
      type: 'after-sales.shipment',
      title: '订单 TB-20260302-207 发货',
      fields: { order_no: 'TB-20260302-207', paid_at: '2026-03-02T10:00:00+08:00' },
      assignTo: { roleId: 'packer-shipper', personId: ids['xie.jun'] },
    });
    await tick(at('03T09:59'));
    expect(await fired(shipment)).toEqual([]);
    await tick(at('03T10:01'));
    expect(await fired(shipment)).toEqual([
      { rule: 'after-sales/shipment-late-24h', level: 0, to: 'after-sales-agent' },
    ]);
    expect((await get(shipment)).labels).toContain('ship-late-24h');
    await tick(at('04T10:01'));
    expect((await fired(shipment)).map((f) => `${f.rule} ${f.to}`).sort()).toEqual([
      'after-sales/shipment-late-24h after-sales-agent',
      'after-sales/shipment-late-48h warehouse-keeper',
    ]);

    // A shipment card made 30 h after the buyer paid is late the moment it is made.
    clock = at('05T16:00');
    const late = await create('xie.jun', {
      type: 'after-sales.shipment',
      title: '订单 TB-20260304-031 发货',
      fields: { order_no: 'TB-20260304-031', paid_at: '2026-03-04T10:00:00+08:00' },
      assignTo: { roleId: 'packer-shipper', personId: ids['xie.jun'] },
    });
    expect(await fired(late)).toEqual([{ rule: 'after-sales/shipment-late-24h', level: 0, to: 'after-sales-agent' }]);
  });

  it('tells the CS manager about a case nobody touched by the close of the business day it came in (当天事当天毕)', async () => {
    clock = at('09T10:00'); // Monday
    const untouched = await agentCase('cao.ying', '买家留言:什么时候发货', {
      case_type: 'complaint',
      policy_covered: true,
    });
    const answered = await agentCase('cao.ying', '买家留言:能开发票吗', {
      case_type: 'complaint',
      policy_covered: true,
    });
    // The database stamps creation with its own clock; this test's clock is March.
    await sql`UPDATE tasks SET created_at = ${at('09T10:00')} WHERE id IN (${untouched.id}, ${answered.id})`.execute(
      t.db.kysely,
    );
    clock = at('09T15:00');
    expect((await move('cao.ying', answered, 'in_progress')).status).toBe(200);
    await tick(at('09T17:59'));
    expect(await fired(untouched)).toEqual([]);
    // The rule reads business time, which has no SQL form: such cards are looked at every 15 minutes.
    await tick(at('09T18:15'));
    expect(await fired(untouched)).toEqual([{ rule: 'after-sales/not-answered-same-day', level: 0, to: 'cs-manager' }]);
    expect(await fired(answered)).toEqual([]);
  });

  it('measures shipping on time from payment: met, missed, no data', async () => {
    const ship = async (paid: string, shipped: string) => {
      clock = new Date(`${paid}+08:00`);
      const card = await create('xie.jun', {
        type: 'after-sales.shipment',
        title: `订单 ${paid} 发货`,
        fields: { order_no: paid, paid_at: `${paid}:00+08:00`, address_verified: true },
        assignTo: { roleId: 'packer-shipper', personId: ids['xie.jun'] },
      });
      expect((await move('xie.jun', card, 'to_ship')).status).toBe(200);
      expect(
        (
          await t.call('PATCH', `/api/tasks/${card.id}`, {
            cookie: cookies['xie.jun'],
            body: { expectedVersion: (await get(card)).version, fields: { tracking_no: `SF${card.id}` } },
          })
        ).status,
      ).toBe(200);
      clock = new Date(`${shipped}+08:00`);
      expect((await move('xie.jun', card, 'shipped')).status).toBe(200);
    };
    await ship('2026-03-16T09:00', '2026-03-16T17:00'); // week of the 16th: both within 24 h
    await ship('2026-03-17T20:00', '2026-03-18T19:00');
    await ship('2026-03-23T09:00', '2026-03-24T11:00'); // week of the 23rd: 26 h after payment

    const onTime = async (week: string) => {
      const response = await t.call(
        'GET',
        `/api/kpis?role=packer-shipper&at=${encodeURIComponent(`${week}T12:00:00+08:00`)}`,
        { cookie: cookies['li.na'] },
      );
      const results = (await response.json()) as {
        kpi: { id: string };
        person: unknown;
        value: number | null;
        status: string;
      }[];
      return results.find((r) => r.kpi.id === 'ship-on-time' && r.person === null);
    };
    expect(await onTime('2026-03-18')).toMatchObject({ value: 1, status: 'met' });
    expect(await onTime('2026-03-25')).toMatchObject({ value: 0, status: 'missed' });
    expect(await onTime('2026-03-31')).toMatchObject({ value: null, status: 'no_data' });
  });
});
