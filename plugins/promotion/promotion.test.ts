// The promotion plugin on every database, through its real types and route: finance approves a plan's
// budget before any spend is recorded; spend past the budget and ROI under target escalate up the plan's
// reporting line; each metric is met, missed or has no data from cards made here; and the channel report
// import writes a good file's totals in one edit, and nothing at all for a file with any bad row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PLUGINS } from '../../core/config.ts';
import type { KpiResult } from '../../core/kpis/kpi.service.ts';
import { seedPluginDemos } from '../../core/plugins/demo-data.ts';
import { pluginSource } from '../../core/plugins/loader.ts';
import { testDatabases } from '../../tests/helpers/databases.ts';
import { memoryLogger } from '../../tests/helpers/silent-logger.ts';
import { createTestApp, demoRoles, type TestApp } from '../../tests/helpers/test-app.ts';

const SHOP = `
version: 1
organization: {id: shop, name: 小店, timezone: Asia/Shanghai}
policies:
  promotion_cost_max_pct: 20
  sales_achievement_min_pct: 90
  monthly_sales_target_cny: 200000
  gross_margin_min_pct: 50
  conversion_rate_min_pct: 3
  conversion_rate_max_pct: 10
  repurchase_rate_target_pct: 30
roles:
  - {id: director, name: 运营总监, can: [tasks.assign, tasks.close, escalations.view]}
  - {id: finance, name: 财务, reports_to: director, can: [promotion.approve-budget]}
  - id: store-manager
    name: 店长
    reports_to: director
    kpis:
      - {id: sales-achievement, name: 销售额目标达成率, metric: promotion.sales_achievement, target: {gte: {policy: sales_achievement_min_pct}}, period: month}
      - {id: monthly-sales, name: 月销售额, metric: promotion.sales, target: {gte: {policy: monthly_sales_target_cny}}, period: month}
      - {id: gross-margin, name: 毛利率, metric: promotion.gross_margin, target: {gte: {policy: gross_margin_min_pct}}, period: month}
      - {id: conversion, name: 转化率, metric: promotion.conversion, target: {gte: {policy: conversion_rate_min_pct}, lte: {policy: conversion_rate_max_pct}}, period: month}
      - {id: repurchase, name: 回头率, metric: promotion.repurchase_rate, target: {gte: {policy: repurchase_rate_target_pct}}, period: month}
  - id: promotion-lead
    name: 推广主管
    reports_to: director
    can: [tasks.close, promotion.import-report]
    kpis:
      - {id: cost-share, name: 推广费用占比, metric: promotion.cost_share, target: {lte: {policy: promotion_cost_max_pct}}, period: month}
      - {id: roi, name: 渠道 ROI, metric: promotion.roi, target: {gte: 200%}, period: month, per: {task_type: promotion.plan, field: channel}}
      - {id: spend, name: 花费/预算, metric: promotion.spend_vs_budget, target: {lte: 100%}, period: month, per: {task_type: promotion.plan, field: channel}}
      - {id: ctr, name: 点击率, metric: promotion.ctr, target: {gte: 1%}, period: month, per: {task_type: promotion.plan, field: channel}}
      - {id: channel-conversion, name: 推广转化率, metric: promotion.channel_conversion, target: {gte: 3%}, period: month, per: {task_type: promotion.plan, field: channel}}
  - {id: ppc, name: 直通车专员, reports_to: promotion-lead, can: [promotion.import-report]}
members:
  - {email: boss@shop.test, name: 陈总, roles: [director]}
  - {email: fin@shop.test, name: 袁芳, roles: [finance]}
  - {email: sm@shop.test, name: 李娜, roles: [store-manager]}
  - {email: lead@shop.test, name: 高峰, roles: [promotion-lead]}
  - {email: ann@shop.test, name: 梁超, roles: [ppc]}
`;

interface Card {
  id: number;
  version: number;
  status: string;
  priority: string;
  labels: string[];
  fields: Record<string, unknown>;
}

describe.each(testDatabases)('the promotion plugin on $kind', (database) => {
  let t: TestApp;
  const cookies: Record<string, string> = {};
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp(database, [{ name: 'shop.yaml', text: SHOP }], {
      plugins: [pluginSource('./plugins/promotion')],
      now: () => new Date('2026-05-20T10:00:00+08:00'),
    });
    for (const who of ['boss', 'fin', 'sm', 'lead', 'ann']) cookies[who] = await t.signIn(`${who}@shop.test`);
    for (const person of await t.services.users.list()) ids[person.email.split('@')[0]!] = person.id;
  }, 120_000);
  afterAll(() => t.dispose());

  const get = async (id: number): Promise<Card> =>
    (await t.call('GET', `/api/tasks/${id}`, { cookie: cookies.boss })).json();
  const create = async (type: string, title: string, fields: Record<string, unknown>, who = 'ann', role = 'ppc') => {
    const response = await t.call('POST', '/api/tasks', {
      cookie: cookies[who],
      body: { type, title, fields, assignTo: { roleId: role, personId: ids[who] } },
    });
    expect(response.status, await response.clone().text()).toBe(201);
    return (await response.json()) as Card;
  };
  const move = async (who: string, id: number, to: string) =>
    t.call('PATCH', `/api/tasks/${id}/transition`, {
      cookie: cookies[who],
      body: { to, expectedVersion: (await get(id)).version },
    });
  const moved = async (who: string, id: number, to: string) => {
    const response = await move(who, id, to);
    expect(response.status, await response.clone().text()).toBe(200);
    return (await response.json()).task as Card;
  };
  const edit = async (who: string, id: number, fields: Record<string, unknown>) =>
    t.call('PATCH', `/api/tasks/${id}`, {
      cookie: cookies[who],
      body: { expectedVersion: (await get(id)).version, fields },
    });
  const error = async (response: Response) => ({ status: response.status, ...(await response.json()).error });

  /** A plan through finance's approval to `stage`, its figures recorded once it runs. */
  const plan = async (
    channel: string,
    month: string,
    budget: number,
    figures: Record<string, number> = {},
    stage = 'running',
  ): Promise<Card> => {
    const card = await create('promotion.plan', `${channel} ${month}`, {
      channel,
      from: `2026-${month}-01`,
      to: `2026-${month}-28`,
      budget,
    });
    await moved('ann', card.id, 'submitted');
    await moved('fin', card.id, 'approved');
    await moved('ann', card.id, 'running');
    if (Object.keys(figures).length) expect((await edit('ann', card.id, figures)).status).toBe(200);
    if (stage === 'review') await moved('ann', card.id, 'review');
    return get(card.id);
  };
  const ledger = async (id: number) =>
    (await t.services.escalations.ledger({ taskId: id })).map((firing) => [
      firing.rule,
      firing.level,
      firing.target_role,
    ]);

  it('lets no spend be recorded until finance approves the budget, which only finance can', async () => {
    const card = await create('promotion.plan', '直通车:五月连衣裙', {
      channel: 'ztc',
      from: '2026-05-01',
      to: '2026-05-31',
      budget: 20000,
    });
    expect(card).toMatchObject({ status: 'draft', fields: { roi_target_pct: 200 } });
    expect(await error(await edit('ann', card.id, { spend: 500 }))).toMatchObject({
      status: 409,
      details: { reason: 'locked_fields', fields: ['spend'] },
    });
    await moved('ann', card.id, 'submitted');
    expect(await error(await edit('ann', card.id, { budget: 30000 }))).toMatchObject({ status: 409 });
    // Asking is the planner's; deciding needs promotion.approve-budget, which the lead does not hold either.
    expect(await error(await move('ann', card.id, 'approved'))).toMatchObject({
      status: 403,
      details: { permission: 'promotion.approve-budget' },
    });
    expect((await move('lead', card.id, 'approved')).status).toBe(403);
    await moved('fin', card.id, 'approved');
    expect((await edit('ann', card.id, { spend: 500, clicks: 120 })).status).toBe(200);
    // The approved budget stays as approved.
    expect(await error(await edit('ann', card.id, { budget: 30000 }))).toMatchObject({
      status: 409,
      details: { reason: 'locked_fields', fields: ['budget'] },
    });

    // A plan made with spend already in it cannot be sent for approval with it.
    const early = await create('promotion.plan', '钻展:先花后批', {
      channel: 'zuanzhan',
      from: '2026-05-01',
      to: '2026-05-31',
      budget: 5000,
      spend: 800,
    });
    const refused = await error(await move('ann', early.id, 'submitted'));
    expect(refused).toMatchObject({ status: 422, details: { reason: 'guard' } });
    expect(refused.message).toContain('预算批准前不能记录花费');
  });

  it('escalates spend past the approved budget to the planner’s lead, and ROI under target when the period is reviewed', async () => {
    const over = await plan('zuanzhan', '04', 10000, { spend: 9000 });
    expect(await ledger(over.id)).toEqual([]);
    expect((await edit('ann', over.id, { spend: 10680 })).status).toBe(200);
    expect(await ledger(over.id)).toEqual([['promotion/promotion-overspend', 0, 'promotion-lead']]);
    expect((await get(over.id)).labels).toContain('超预算');

    // ROI (21,600 − 10,680) / 10,680 ≈ 102 % < 200 %: at review, to the lead.
    expect((await edit('ann', over.id, { revenue: 21600 })).status).toBe(200);
    await moved('ann', over.id, 'review');
    expect((await ledger(over.id)).map(([rule]) => rule)).toContain('promotion/promotion-roi-under-target');

    // On budget with ROI 250 %: reviewed without an escalation; no spend, no ROI to judge.
    const good = await plan('ztc', '04', 20000, { spend: 10000, revenue: 35000 }, 'review');
    expect(await ledger(good.id)).toEqual([]);
    const none = await plan('seo_sem', '04', 3000, {}, 'review');
    expect(await ledger(none.id)).toEqual([]);
  });

  describe('metrics', () => {
    let results: (at: string) => Promise<KpiResult[]>;
    beforeAll(async () => {
      results = (at) => t.services.kpis.evaluate({ at: new Date(`${at}T12:00:00+08:00`) });
      const record = async (month: string, fields: Record<string, number>) => {
        const card = await create(
          'promotion.sales-record',
          `${month} 月销售`,
          { from: `2026-${month}-01`, to: `2026-${month}-30`, ...fields },
          'sm',
          'store-manager',
        );
        return card;
      };
      // June: on target. July: off target everywhere. August: zeros only. September: nothing at all.
      await record('06', {
        target: 200000,
        sales: 190000,
        gross_profit: 100000,
        visitors: 50000,
        orders: 2000,
        buyers: 1800,
        repeat_buyers: 600,
      });
      await record('07', {
        target: 200000,
        sales: 150000,
        gross_profit: 60000,
        visitors: 10000,
        orders: 1200,
        buyers: 1000,
        repeat_buyers: 200,
      });
      await record('08', { target: 0, sales: 0, visitors: 0, buyers: 0, repeat_buyers: 0, orders: 0, gross_profit: 0 });
      await plan('ztc', '06', 22000, {
        spend: 20000,
        revenue: 60000,
        impressions: 500000,
        clicks: 10000,
        visitors: 8000,
        orders: 300,
      });
      await plan('zuanzhan', '06', 15000, {
        spend: 10000,
        revenue: 15000,
        impressions: 900000,
        clicks: 2700,
        visitors: 2000,
        orders: 20,
      });
      await plan('seo_sem', '06', 3000, { spend: 0, impressions: 0, visitors: 0 });
      await plan('ztc', '07', 40000, { spend: 45000, revenue: 100000 });
      await plan('ztc', '08', 1000, { spend: 0 });
      // A draft plan counts for nothing, whatever it was made with.
      await create('promotion.plan', '草稿', {
        channel: 'ztc',
        from: '2026-06-02',
        to: '2026-06-20',
        budget: 1,
        spend: 99999,
      });
    }, 120_000);

    const of = (all: KpiResult[], kpi: string, channel?: string) =>
      all.find(
        (r) =>
          r.kpi.id === kpi &&
          r.person === null &&
          (channel === undefined || (r.entity?.kind === 'field' && r.entity.value === channel)),
      );

    it('measures the store plan from the sales records: met, missed, and no data on zeros or nothing', async () => {
      const june = await results('2026-06-15');
      expect(of(june, 'sales-achievement')).toMatchObject({ value: 0.95, status: 'met' });
      expect(of(june, 'monthly-sales')).toMatchObject({ value: 190000, status: 'missed' });
      expect(of(june, 'gross-margin')).toMatchObject({ value: 100000 / 190000, status: 'met' });
      expect(of(june, 'conversion')).toMatchObject({ value: 0.04, status: 'met' });
      expect(of(june, 'repurchase')).toMatchObject({ value: 1 / 3, status: 'met' });
      const july = await results('2026-07-15');
      expect(of(july, 'sales-achievement')).toMatchObject({ value: 0.75, status: 'missed' });
      expect(of(july, 'gross-margin')).toMatchObject({ value: 0.4, status: 'missed' });
      expect(of(july, 'conversion')).toMatchObject({ value: 0.12, status: 'missed' }); // above the 3–10 % range
      expect(of(july, 'repurchase')).toMatchObject({ value: 0.2, status: 'missed' });
      const august = await results('2026-08-15');
      for (const kpi of ['sales-achievement', 'gross-margin', 'conversion', 'repurchase', 'cost-share'])
        expect(of(august, kpi), kpi).toMatchObject({ value: null, status: 'no_data' });
      expect(of(august, 'monthly-sales')).toMatchObject({ value: 0, status: 'missed' }); // recorded as 0: a figure
      const september = await results('2026-09-15');
      for (const kpi of [
        'sales-achievement',
        'monthly-sales',
        'gross-margin',
        'conversion',
        'repurchase',
        'cost-share',
      ])
        expect(of(september, kpi), kpi).toMatchObject({ value: null, status: 'no_data' });
    });

    it('measures promotion cost as a share of sales, and each channel’s ROI, spend, CTR and conversion', async () => {
      const june = await results('2026-06-15');
      expect(of(june, 'cost-share')).toMatchObject({ value: 30000 / 190000, status: 'met' });
      expect(of(june, 'roi', 'ztc')).toMatchObject({ value: 2, status: 'met' });
      expect(of(june, 'roi', 'zuanzhan')).toMatchObject({ value: 0.5, status: 'missed' });
      expect(of(june, 'roi', 'seo_sem')).toMatchObject({ value: null, status: 'no_data' }); // no spend
      expect(of(june, 'roi', 'taobaoke')).toMatchObject({ value: null, status: 'no_data' }); // no plan
      expect(of(june, 'spend', 'ztc')).toMatchObject({ value: 20000 / 22000, status: 'met' });
      expect(of(june, 'spend', 'zuanzhan')).toMatchObject({ value: 10000 / 15000, status: 'met' });
      expect(of(june, 'ctr', 'ztc')).toMatchObject({ value: 0.02, status: 'met' });
      expect(of(june, 'ctr', 'zuanzhan')).toMatchObject({ value: 0.003, status: 'missed' });
      expect(of(june, 'ctr', 'seo_sem')).toMatchObject({ value: null, status: 'no_data' }); // no impressions
      expect(of(june, 'channel-conversion', 'ztc')).toMatchObject({ value: 300 / 8000, status: 'met' });
      expect(of(june, 'channel-conversion', 'zuanzhan')).toMatchObject({ value: 0.01, status: 'missed' });
      const july = await results('2026-07-15');
      expect(of(july, 'cost-share')).toMatchObject({ value: 0.3, status: 'missed' });
      expect(of(july, 'spend', 'ztc')).toMatchObject({ value: 45000 / 40000, status: 'missed' });
    });
  });

  describe('channel report import', () => {
    const importCsv = (who: string, planId: number, csv: string, expectedVersion?: number) =>
      t.call('POST', '/api/plugins/promotion/import', {
        cookie: cookies[who],
        body: { planId, csv, ...(expectedVersion ? { expectedVersion } : {}) },
      });

    it('sets a running plan’s figures to a good report’s totals: BOM, CRLF, quoted amounts, Chinese headers', async () => {
      const card = await plan('ztc', '10', 30000);
      const csv =
        '\uFEFF日期,展现量,点击量,点击率,花费,访客数,成交笔数,成交金额\r\n' +
        '2026-10-01,120000,2400,2.00%,"1,234.50",2100,80,"9,600.00"\r\n' +
        '2026/10/2,98000,1960,2.00%,1100.25,1700,61,7320\r\n' +
        '20261003,101000,2020,2.00%,1080,1800,70,8400\r\n';
      const response = await importCsv('ann', card.id, csv, card.version);
      expect(response.status, await response.clone().text()).toBe(200);
      const answer = await response.json();
      expect(answer).toMatchObject({
        days: 3,
        totals: { impressions: 319000, clicks: 6380, spend: 3414.75, visitors: 5600, orders: 211, revenue: 25320 },
        ignoredColumns: ['点击率'],
      });
      expect((await get(card.id)).fields).toMatchObject({ spend: 3414.75, revenue: 25320, clicks: 6380 });
      // English headers, LF, only date and spend: the other figures stay as they were.
      expect((await importCsv('ann', card.id, 'Date,Spend\n2026-10-01,100\n2026-10-02,50.5\n')).status).toBe(200);
      expect((await get(card.id)).fields).toMatchObject({ spend: 150.5, revenue: 25320 });
    });

    it('writes nothing for a report with bad rows, naming each line and column in both languages', async () => {
      const card = await plan('taobaoke', '10', 9000, { spend: 100 });
      const csv = [
        '日期,花费,展现,点击,访客,成交笔数,成交金额',
        '2026-10-01,300,1000,50,40,2,200',
        '2026-10-32,300,1000,50,40,2,200', // no such day
        '2026-10-02,abc,1000,50,40,2,200', // spend not a number
        '2026-10-03,300,1000,2000,40,2,200', // more clicks than impressions
        '"2026-10-04",300,1000,50,40,2.5,200', // half an order
        '2026-10-01,300,1000,50,40,2,200', // the same day twice
        '2026-11-05,300,1000,50,40,2,', // outside the plan, and an empty cell
        '2026-10-06,"a quoted, multi', // line 9 starts a record spanning two lines, with one field too many
        'line note",1000,50,40,2,200,extra',
      ].join('\n');
      const before = await get(card.id);
      const response = await importCsv('ann', card.id, csv);
      const refused = await error(response);
      expect(refused).toMatchObject({ status: 422, code: 'UNPROCESSABLE', details: { reason: 'bad_rows', more: 0 } });
      expect(refused.message).toContain('未导入任何数据');
      expect(refused.message).toContain('nothing was imported');
      const problems = refused.details.problems as { line: number; column?: string; message: Record<string, string> }[];
      expect(problems.map((p) => [p.line, p.column ?? null])).toEqual([
        [3, '日期'],
        [4, '花费'],
        [5, '点击'],
        [6, '成交笔数'],
        [7, '日期'],
        [8, '日期'],
        [8, '成交金额'],
        [9, null],
      ]);
      expect(problems[0]!.message).toEqual({
        'zh-CN': '「2026-10-32」不是日期,应写作 2026-05-01',
        en: '"2026-10-32" is not a date like 2026-05-01',
      });
      expect(problems[4]!.message.en).toBe('2026-10-01 already appears on line 2');
      expect(await get(card.id)).toEqual(before);
    });

    it('refuses hostile and malformed input whole, and imports only into an approved plan, for holders of the permission', async () => {
      const card = await plan('seo_sem', '10', 3000, { spend: 10 });
      const before = await get(card.id);
      const huge = `日期,花费\n${'2026-10-01,1\n'.repeat(50_000)}`;
      expect(await error(await importCsv('ann', card.id, huge))).toMatchObject({
        status: 400,
        details: { issues: [expect.objectContaining({ path: 'csv' })] },
      });
      const many = `日期,花费\n${'2026-10-01,1\n'.repeat(1001)}`;
      expect((await error(await importCsv('ann', card.id, many))).details.problems[0]).toMatchObject({ line: 1002 });
      const unclosed = await error(await importCsv('ann', card.id, '日期,花费\n2026-10-01,"12\n2026-10-02,3\n'));
      expect(unclosed.details.problems).toEqual([expect.objectContaining({ line: 2 })]);
      for (const bad of ['', '\uFEFF', 'a,b\n1,2\n', '日期,花费\n', '日期,花费,花费\n2026-10-01,1,1\n']) {
        const refused = await error(await importCsv('ann', card.id, bad));
        expect(refused.status, JSON.stringify(bad)).toBe(422);
        expect(refused.details.problems.length).toBeGreaterThan(0);
      }
      // Core refuses NUL in any input before the route runs.
      expect((await importCsv('ann', card.id, '日期,花费\n\u0000\n')).status).toBe(400);
      // Over a hundred bad rows: the first hundred, and how many more.
      const wrong = await error(await importCsv('ann', card.id, `日期,花费\n${'2026-10-01,x\n'.repeat(150)}`));
      expect(wrong.details.problems).toHaveLength(100);
      expect(wrong.details.more).toBeGreaterThan(50);
      expect(await get(card.id)).toEqual(before);

      expect(await error(await importCsv('sm', card.id, '日期,花费\n2026-10-01,1\n'))).toMatchObject({
        status: 403,
      });
      const draft = await create('promotion.plan', '未批准', {
        channel: 'social',
        from: '2026-10-01',
        to: '2026-10-31',
        budget: 1,
      });
      expect(await error(await importCsv('ann', draft.id, '日期,花费\n2026-10-01,1\n'))).toMatchObject({
        status: 409,
        details: { reason: 'budget_not_approved', status: 'draft' },
      });
      const stale = await error(await importCsv('ann', card.id, '日期,花费\n2026-10-01,1\n', before.version - 1));
      expect(stale.status).toBe(409);
      expect(await get(card.id)).toEqual(before);
    });
  });
});

describe.each(testDatabases)('the promotion demo board on $kind', (database) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(database, demoRoles(), {
      plugins: DEFAULT_PLUGINS.map((entry) => pluginSource(entry)),
      now: () => new Date('2026-06-10T10:00:00+08:00'),
    });
  }, 120_000);
  afterAll(() => t.dispose());

  it('fills an empty demo database with plans at every step, approved by finance, and the store’s sales records', async () => {
    const logger = memoryLogger();
    await seedPluginDemos({ ...t.services, plugins: t.services.plugins.plugins, log: logger.log });
    expect(logger.lines().filter((line) => line.level !== 30)).toEqual([]);
    const cards = await t.services.db.kysely
      .selectFrom('tasks')
      .select(['id', 'type', 'status', 'title', 'role_id', 'fields'])
      .where('type', 'like', 'promotion.%')
      .orderBy('id')
      .execute();
    const plans = cards.filter((card) => card.type === 'promotion.plan');
    const count = plans.reduce<Record<string, number>>((n, card) => {
      n[card.status] = (n[card.status] ?? 0) + 1;
      return n;
    }, {});
    expect(count).toEqual({ closed: 2, review: 1, running: 3, approved: 1, submitted: 1, draft: 1 });
    expect(new Set(plans.map((card) => card.fields.channel))).toEqual(
      new Set(['ztc', 'zuanzhan', 'taobaoke', 'seo_sem', 'social']),
    );
    expect(plans.find((card) => card.status === 'draft')!.fields).toMatchObject({
      from: '2026-07-01',
      to: '2026-07-31',
    });
    // The display plan over its budget and under its ROI target went to the promotion lead.
    const display = plans.find((card) => card.status === 'review')!;
    const rules = (await t.services.escalations.ledger({ taskId: display.id })).map((f) => [f.rule, f.target_role]);
    expect(rules).toEqual(
      expect.arrayContaining([
        ['promotion/promotion-overspend', 'promotion-lead'],
        ['promotion/promotion-roi-under-target', 'promotion-lead'],
      ]),
    );
    expect(cards.filter((card) => card.type === 'promotion.sales-record').map((card) => card.status)).toEqual([
      'recorded',
      'open',
    ]);

    // Last month's store plan from the demo's records and plans, read against the organisation's policies.
    const kpis = await t.services.kpis.evaluate({ at: new Date('2026-05-20T12:00:00+08:00') });
    const of = (id: string) => kpis.find((r) => r.kpi.id === id && r.person === null)!;
    for (const id of ['sales-achievement', 'monthly-sales', 'gross-margin', 'conversion-rate', 'repurchase-rate'])
      expect(of(id).status, id).toBe('met');
    expect(of('sales-achievement').value).toBeCloseTo(236400 / 200000);
  });
});
