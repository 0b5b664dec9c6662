// The campaigns plugin (plugins/campaigns) on every database, with the default plugins as the server
// loads them: the proposal lead time refused with its reason, approval only by a holder of
// campaigns.approve, the festival calendar making each festival's proposal once and in time over a
// simulated year (and across a restart and two processes), weekly coordination only while a campaign is
// prepared, the customer-service briefing and the effect report, and campaign ROI (met, missed, no data;
// below the store's minimum at close, to the operations director).
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { seedPluginDemos } from '../../core/plugins/demo-data.ts';
import { testDatabases } from '../../tests/helpers/databases.ts';
import { memoryLogger } from '../../tests/helpers/silent-logger.ts';
import { createTestApp, demoRoles, type TestApp } from '../../tests/helpers/test-app.ts';

const shop = `
version: 1
organization: {id: shop, name: 小店, timezone: Asia/Shanghai}
policies:
  campaign_roi_min_pct: 200
departments:
  - {id: management, name: 管理层, head: director}
  - {id: promotion, name: 推广部, head: promo-lead}
  - {id: service, name: 客服部, head: cs-manager}
roles:
  - id: director
    name: 运营总监
    department: management
    can: [tasks.approve, campaigns.approve, escalations.view]
    escalations:
      - {id: campaign-roi-below-target, levels: [{after: PT0M, to: director, then: [notify]}]}
  - id: promo-lead
    name: 推广主管
    department: promotion
    reports_to: director
    # Holds campaigns.plan too (to propose herself); the calendar still hands proposals to the planner.
    can: [tasks.assign, campaigns.plan]
  - id: planner
    name: 活动专员
    department: promotion
    reports_to: promo-lead
    can: [campaigns.plan]
    kpis:
      - {id: campaign-roi, name: 活动投资回报率, metric: campaigns.roi, target: {gte: {policy: campaign_roi_min_pct}}, period: quarter, per: {task_type: campaigns.campaign, from: starts_on, to: ends_on}}
  - id: cs-manager
    name: 客服经理
    department: service
    reports_to: director
    can: [campaigns.brief]
members:
  - {email: director@shop.test, name: 陈志远, roles: [director]}
  - {email: lead@shop.test, name: 高峰, roles: [promo-lead]}
  - {email: planner@shop.test, name: 罗丹, roles: [planner]}
  - {email: cs@shop.test, name: 许婷, roles: [cs-manager]}
`;

interface Card {
  id: number;
  version: number;
  status: string;
  fields: Record<string, unknown>;
}

/** 10:00 in China on a date. */
const at = (date: string) => new Date(`${date}T10:00:00+08:00`);
const DAY = 86_400_000;

async function shopApp(database: (typeof testDatabases)[number], clock: () => Date, restartOn?: TestApp) {
  return createTestApp(database, [{ name: 'shop.yaml', text: shop }], {
    now: clock,
    ...(restartOn ? { restartOn: restartOn.db } : {}),
  });
}

const cardsOf = (t: TestApp, type: string, campaignId?: number) =>
  t.services.db.kysely
    .selectFrom('tasks')
    .selectAll()
    .where('type', '=', type)
    .$if(campaignId !== undefined, (query) =>
      query.where(sql<boolean>`fields @> ${JSON.stringify({ campaign_id: campaignId })}::jsonb`),
    )
    .orderBy('id')
    .execute();

describe.each(testDatabases)('the campaigns plugin on $kind', (database) => {
  let t: TestApp;
  let clock = at('2027-03-01');
  const cookies: Record<string, string> = {};

  beforeAll(async () => {
    t = await shopApp(database, () => clock);
    for (const who of ['director', 'lead', 'planner', 'cs']) cookies[who] = await t.signIn(`${who}@shop.test`);
  });
  afterAll(() => t.dispose());

  const get = async (id: number): Promise<Card> =>
    (await t.call('GET', `/api/tasks/${id}`, { cookie: cookies.director })).json();
  const create = async (title: string, fields: Record<string, unknown>): Promise<Card> => {
    // The promotion lead hands campaigns to the planner, who proposes them.
    const response = await t.call('POST', '/api/tasks', {
      cookie: cookies.lead,
      body: { type: 'campaigns.campaign', title, fields, assignTo: { roleId: 'planner' } },
    });
    expect(response.status, await response.clone().text()).toBe(201);
    return response.json();
  };
  const move = async (who: string, id: number, to: string) =>
    t.call('PATCH', `/api/tasks/${id}/transition`, {
      cookie: cookies[who],
      body: { to, expectedVersion: (await get(id)).version },
    });
  const moved = async (who: string, id: number, to: string): Promise<Card> => {
    const response = await move(who, id, to);
    expect(response.status, await response.clone().text()).toBe(200);
    return (await response.json()).task;
  };
  const approved = async (title: string, fields: Record<string, unknown>) => {
    const card = await create(title, fields);
    await moved('planner', card.id, 'review');
    return moved('director', card.id, 'preparing');
  };
  const closedWith = async (title: string, days: [string, string], result: { cost: number; revenue: number }) => {
    const card = await approved(title, { kind: 'event', starts_on: days[0], ends_on: days[1] });
    await moved('planner', card.id, 'running');
    const edit = await t.call('PATCH', `/api/tasks/${card.id}`, {
      cookie: cookies.planner,
      body: { expectedVersion: (await get(card.id)).version, fields: result },
    });
    expect(edit.status, await edit.clone().text()).toBe(200);
    return moved('planner', card.id, 'closed');
  };

  it('refuses a festival campaign proposed 40 days before it starts, saying why in both languages; two months ahead goes through', async () => {
    const late = await create('清明踏青节日活动', { kind: 'festival', starts_on: '2027-04-10', ends_on: '2027-04-12' });
    const response = await move('planner', late.id, 'review');
    expect(response.status).toBe(422);
    expect((await response.json()).error.details).toEqual({
      reason: 'plugin_veto',
      plugin: 'campaigns',
      message:
        '节日活动须在开始前至少两个月提交立项:2027-04-10 开始,最迟 2027-02-10 提交,今天是 2027-03-01 (A festival campaign is proposed at least two months before it starts: it starts on 2027-04-10, so it had to be proposed by 2027-02-10; today is 2027-03-01)',
    });
    expect((await get(late.id)).status).toBe('draft');
    const inTime = await create('五一节日活动', { kind: 'festival', starts_on: '2027-05-01', ends_on: '2027-05-05' });
    expect((await moved('planner', inTime.id, 'review')).status).toBe('review');
  });

  it('wants a new-product campaign one month ahead, and lets events and platform campaigns through at once', async () => {
    const soon = await create('春装新品上线', { kind: 'new_product', starts_on: '2027-03-25', ends_on: '2027-03-31' });
    const refused = await move('planner', soon.id, 'review');
    expect(refused.status).toBe(422);
    expect((await refused.json()).error.details.message).toContain(
      'A new-product campaign is proposed at least one month before it starts',
    );
    const later = await create('夏装新品上线', { kind: 'new_product', starts_on: '2027-04-01', ends_on: '2027-04-07' });
    expect((await moved('planner', later.id, 'review')).status).toBe('review');
    const event = await create('热点事件借势', { kind: 'event', starts_on: '2027-03-02', ends_on: '2027-03-03' });
    expect((await moved('planner', event.id, 'review')).status).toBe('review');
    const platform = await create('聚划算单品团', {
      kind: 'platform',
      platform: '聚划算',
      starts_on: '2027-03-05',
      ends_on: '2027-03-07',
    });
    expect((await moved('planner', platform.id, 'review')).status).toBe('review');
    const backwards = await create('日期填反', { kind: 'event', starts_on: '2027-03-09', ends_on: '2027-03-08' });
    expect((await (await move('planner', backwards.id, 'review')).json()).error.details.message).toBe(
      '结束日期 2027-03-08 早于开始日期 2027-03-09 (The campaign ends on 2027-03-08, before it starts on 2027-03-09)',
    );
  });

  it('is approved only by a holder of campaigns.approve; the plan is locked once proposed', async () => {
    const card = await create('会员日活动', {
      kind: 'event',
      starts_on: '2027-03-20',
      ends_on: '2027-03-21',
      budget: 8000,
    });
    await moved('planner', card.id, 'review');
    for (const who of ['planner', 'lead']) {
      const response = await move(who, card.id, 'preparing');
      expect(response.status).toBe(403);
    }
    expect((await get(card.id)).status).toBe('review');
    const locked = await t.call('PATCH', `/api/tasks/${card.id}`, {
      cookie: cookies.director,
      body: { expectedVersion: (await get(card.id)).version, fields: { budget: 80_000 } },
    });
    expect(locked.status).toBe(409);
    expect((await moved('director', card.id, 'preparing')).status).toBe('preparing');
  });

  it('coordinates weekly only while the campaign is prepared, briefs customer service before it starts and reports after it ends', async () => {
    clock = at('2027-03-01');
    const card = await approved('夏季新品首发', {
      kind: 'new_product',
      starts_on: '2027-04-10',
      ends_on: '2027-04-16',
    });
    await vi.waitFor(async () => expect(await cardsOf(t, 'campaigns.cs-briefing', card.id)).toHaveLength(1), {
      timeout: 5000,
    });
    const [briefing] = await cardsOf(t, 'campaigns.cs-briefing', card.id);
    // To customer service (the role holding campaigns.brief), three days before the start, 18:00 in China.
    expect(briefing).toMatchObject({ role_id: 'cs-manager', status: 'todo' });
    expect(briefing!.due_at!.toISOString()).toBe('2027-04-07T10:00:00.000Z');
    expect(await cardsOf(t, 'campaigns.coordination', card.id)).toHaveLength(1);

    for (const day of ['2027-03-02', '2027-03-05', '2027-03-08', '2027-03-15']) {
      clock = at(day);
      await t.services.schedules.runDue(clock);
    }
    const weekly = await cardsOf(t, 'campaigns.coordination', card.id);
    expect(weekly.map((row) => row.title.split(' ')[1]!.split(':')[0])).toEqual(['2027-W09', '2027-W10', '2027-W11']);
    expect(weekly.every((row) => row.role_id === 'planner')).toBe(true);

    await moved('planner', card.id, 'running');
    for (const day of ['2027-03-22', '2027-03-29', '2027-04-16']) {
      clock = at(day);
      await t.services.schedules.runDue(clock);
    }
    expect(await cardsOf(t, 'campaigns.coordination', card.id)).toHaveLength(3);
    expect(await cardsOf(t, 'campaigns.effect-report', card.id)).toHaveLength(0);
    // The day after its last day, still running: the effect report, due seven days after the end.
    clock = at('2027-04-17');
    await t.services.schedules.runDue(clock);
    const [report] = await cardsOf(t, 'campaigns.effect-report', card.id);
    expect(report).toMatchObject({ role_id: 'planner', status: 'todo' });
    expect(report!.due_at!.toISOString()).toBe('2027-04-23T10:00:00.000Z');
    await t.services.schedules.runDue(new Date(clock.getTime() + DAY));
    expect(await cardsOf(t, 'campaigns.effect-report', card.id)).toHaveLength(1);
  });

  it('measures ROI per campaign against the store’s minimum: met, missed, no data without a cost', async () => {
    clock = at('2027-04-20');
    const met = await closedWith('春茶节', ['2027-04-01', '2027-04-03'], { cost: 100_000, revenue: 350_000 });
    const missed = await closedWith('踏青季', ['2027-04-05', '2027-04-06'], { cost: 100_000, revenue: 250_000 });
    const free = await closedWith('老客回馈', ['2027-04-08', '2027-04-09'], { cost: 0, revenue: 50_000 });
    const response = await t.call('GET', '/api/kpis?role=planner&at=2027-04-20T12:00:00%2B08:00', {
      cookie: cookies.director,
    });
    expect(response.status).toBe(200);
    const results = (await response.json()) as {
      kpi: { id: string; target: unknown };
      entity: { title: string } | null;
      value: number | null;
      status: string;
    }[];
    const line = (title: string) => {
      const r = results.find((result) => result.kpi.id === 'campaign-roi' && result.entity?.title === title)!;
      return `${r.value === null ? '-' : +r.value.toFixed(3)} ${r.status}`;
    };
    expect([line('春茶节'), line('踏青季'), line('老客回馈')]).toEqual(['2.5 met', '1.5 missed', '- no_data']);
    expect(results.find((r) => r.kpi.id === 'campaign-roi')!.kpi.target).toEqual({ gte: 2 });

    // Closed below 200 %: the operations director hears of it; met, or no ROI at all, nobody does.
    const fired = async (card: Card) =>
      (await t.services.escalations.ledger({ taskId: card.id })).map((f) => [f.rule, f.level, f.target_role]);
    expect(await fired(missed)).toEqual([['campaigns/campaign-roi-below-target', 0, 'director']]);
    expect(await fired(met)).toEqual([]);
    expect(await fired(free)).toEqual([]);
    // Closing asked for its effect report at once.
    await vi.waitFor(async () => expect(await cardsOf(t, 'campaigns.effect-report', missed.id)).toHaveLength(1), {
      timeout: 5000,
    });
  });
});

describe.each(testDatabases)('the festival calendar on $kind', (database) => {
  let t: TestApp;
  let clock = at('2027-01-01');

  beforeAll(async () => {
    t = await shopApp(database, () => clock);
  });
  afterAll(() => t.dispose());

  /** The festival proposals, with the simulated day each was first seen. */
  const firstSeen = new Map<number, string>();
  const proposals = async () =>
    (await cardsOf(t, 'campaigns.campaign')).map((row) => ({
      title: row.title.split(' (')[0]!,
      made: firstSeen.get(row.id),
      due: row.due_at!.toISOString(),
      role: row.role_id,
      status: row.status,
    }));

  it('proposes each festival once, two weeks before its two-month deadline, over a simulated year', async () => {
    for (let day = at('2027-01-01').getTime(); day <= at('2027-12-31').getTime(); day += DAY) {
      clock = new Date(day);
      await t.services.schedules.runDue(clock);
      for (const row of await cardsOf(t, 'campaigns.campaign'))
        if (!firstSeen.has(row.id)) firstSeen.set(row.id, clock.toISOString().slice(0, 10));
    }
    const made = (title: string, on: string, dueBy: string) => ({
      title,
      made: on,
      due: new Date(`${dueBy}T18:00:00+08:00`).toISOString(),
      role: 'planner',
      status: 'draft',
    });
    // 38 节 2027's deadline (1 January) falls on the first simulated day; 年货节 2027's (13 Nov 2026) before it.
    expect(await proposals()).toEqual([
      made('三八女王节 2027 活动立项', '2027-01-01', '2027-01-01'),
      made('618 年中大促 2027 活动立项', '2027-03-18', '2027-04-01'),
      made('七夕 2027 活动立项', '2027-05-19', '2027-06-02'),
      made('双十一 2027 活动立项', '2027-08-18', '2027-09-01'),
      made('双十二 2027 活动立项', '2027-09-24', '2027-10-08'),
      made('年货节 2028 活动立项', '2027-10-19', '2027-11-02'),
      made('三八女王节 2028 活动立项', '2027-12-18', '2028-01-01'),
    ]);
  }, 120_000);

  it('makes no second card after a restart or from two processes at once', async () => {
    clock = at('2027-08-25');
    const restarted = await shopApp(database, () => clock, t);
    try {
      await Promise.all([t.services.schedules.runDue(clock), restarted.services.schedules.runDue(clock)]);
    } finally {
      await restarted.dispose();
    }
    expect((await proposals()).filter((card) => card.title.startsWith('双十一'))).toHaveLength(1);
    expect(await proposals()).toHaveLength(7);
  });

  it('hands over a proposal the lead-time guard accepts up to its due day', async () => {
    const [double11] = (await cardsOf(t, 'campaigns.campaign')).filter((row) => row.title.startsWith('双十一'));
    expect(double11!.fields).toEqual({
      kind: 'festival',
      festival: 'double-11',
      starts_on: '2027-11-01',
      ends_on: '2027-11-11',
      roi_target_pct: 200,
    });
    clock = at('2027-09-01');
    const planner = await t.signIn('planner@shop.test');
    const response = await t.call('PATCH', `/api/tasks/${double11!.id}/transition`, {
      cookie: planner,
      body: { to: 'review', expectedVersion: double11!.version },
    });
    expect(response.status, await response.clone().text()).toBe(200);
  });
});

describe.each(testDatabases)('the campaigns demo board on $kind', (database) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(database, demoRoles());
  });
  afterAll(() => t.dispose());

  it('fills an empty demo database with campaigns at every step, the director hearing of the one below 200 %', async () => {
    await seedPluginDemos({ ...t.services, plugins: t.services.plugins.plugins, log: memoryLogger().log });
    const campaigns = await cardsOf(t, 'campaigns.campaign');
    expect(campaigns.map((row) => `${row.status} ${row.fields.kind}`)).toEqual([
      'closed event',
      'closed platform',
      'running platform',
      'preparing new_product',
      'review festival',
      'draft event',
    ]);
    expect(campaigns.every((row) => row.role_id === 'campaign-specialist')).toBe(true);
    const [member, juhuasuan, , launch] = campaigns;
    const fired = async (id: number) =>
      (await t.services.escalations.ledger({ taskId: id })).map((f) => [f.rule, f.target_role]);
    expect(await fired(juhuasuan!.id)).toEqual([['campaigns/campaign-roi-below-target', 'ops-director']]);
    expect(await fired(member!.id)).toEqual([]);
    await vi.waitFor(
      async () => {
        expect((await cardsOf(t, 'campaigns.cs-briefing', launch!.id)).map((row) => row.role_id)).toEqual([
          'cs-manager',
        ]);
        expect(await cardsOf(t, 'campaigns.coordination', launch!.id)).toHaveLength(1);
        expect(await cardsOf(t, 'campaigns.effect-report')).toHaveLength(2);
      },
      { timeout: 10_000 },
    );
  });
});
