// KPI targets on every database, from cards the test creates: a target read from a policy, a range,
// per-entity periods (per event card over its own dates, per channel value, per card's linked work), and
// no data; a test plugin's metrics take every form. Then the roles-file checks, each at file:line:column.
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../core/db/schema.ts';
import type { KpiResult } from '../core/kpis/kpi.service.ts';
import { catalogueWith } from '../core/org/catalogue.ts';
import { loadOrg } from '../core/org/load-org.ts';
import { parseManifest } from '../core/plugins/contract.ts';
import { testDatabases } from './helpers/databases.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';
import { fairPlugin, fairSource } from './fixtures/kpi-plugin.ts';

const d = (local: string) => new Date(`2026-${local}+08:00`);

const ORG = `
version: 1
organization: {id: fair-shop, name: Fair shop, timezone: Asia/Shanghai, member_can: []}
policies:
  on_time_min_pct: 80
  cycle_min_hours: 1
  cycle_max_hours: 10
  conversion_min_pct: 3
  conversion_max_pct: 10
  return_min_pct: 200
  revenue_target_cny: 1500
  achievement_min_pct: 90
roles:
  - {id: lead, name: Lead, can: [org.view, kpis.view]}
  - id: planner
    name: Planner
    kpis:
      - {id: on-time, name: On time, metric: core.on_time_rate, target: {gte: {policy: on_time_min_pct}}, period: month}
      - {id: cycle-band, name: Cycle time band, metric: core.cycle_time, target: {gte: {policy: cycle_min_hours}, lt: {policy: cycle_max_hours}}, period: month}
      - id: channel-conversion
        name: Conversion per channel
        metric: fair.conversion
        target: {gte: {policy: conversion_min_pct}, lte: {policy: conversion_max_pct}}
        period: month
        per: {task_type: fair.event, field: channel}
      - id: event-return
        name: Return per event
        metric: fair.return
        target: {gte: {policy: return_min_pct}}
        period: quarter
        per: {task_type: fair.event, from: starts_on, to: ends_on}
      - {id: region-conversion, name: Conversion per region, metric: fair.conversion, target: {gte: 3%}, period: month, per: {task_type: fair.event, field: region}}
      - {id: event-work, name: Work done per event, metric: core.throughput, target: {gte: 1}, period: month, per: {task_type: fair.event}}
      - {id: achievement, name: Revenue achievement, metric: fair.revenue_share, target: {gte: {policy: achievement_min_pct}}, period: month}
      - {id: weekly-share, name: Weekly on time, metric: core.on_time_rate, target: {gte: 50%, lte: 100%}, period: week}
members:
  - {email: lead@fair.test, name: Lead, roles: [lead]}
  - {email: ann@fair.test, name: Ann, roles: [planner]}
  - {email: bob@fair.test, name: Bob, roles: [planner]}
`;

interface Card {
  type?: string;
  title?: string;
  who?: string;
  fields?: Record<string, unknown>;
  created: string;
  started?: string;
  done?: string;
  due?: string;
}

const event = (title: string, fields: Record<string, unknown>): Card => ({
  type: 'fair.event',
  title,
  fields,
  created: '03-02T09:00',
});
const CARDS: Card[] = [
  // on-time and cycle-band: Ann on time in 4 h, Bob late in 20 h.
  { who: 'ann', created: '03-05T09:00', started: '03-05T10:00', done: '03-05T14:00', due: '03-06T18:00' },
  { who: 'bob', created: '03-06T09:00', started: '03-06T10:00', done: '03-07T06:00', due: '03-06T18:00' },
  // Events: own dates, a channel, money and traffic.
  event('Spring fair', {
    starts_on: '2026-03-01',
    ends_on: '2026-03-10',
    channel: 'web',
    region: 'north',
    revenue: 900,
    cost: 300,
    visitors: 200,
    orders: 10,
  }), // return 200 %, 5 %
  event('March fair', {
    starts_on: '2026-03-15',
    ends_on: '2026-04-05',
    channel: 'shop',
    region: 'south',
    revenue: 500,
    cost: 250,
    visitors: 100,
    orders: 20,
  }), // 100 %, 20 %
  event('Free fair', {
    starts_on: '2026-03-20',
    ends_on: '2026-03-21',
    channel: 'app',
    region: 'west',
    revenue: 0,
    cost: 0,
    visitors: 100,
    orders: 1,
  }), // no cost, 1 %
  event('Last summer', { starts_on: '2025-06-01', ends_on: '2025-06-30', revenue: 100, cost: 10 }), // another quarter
  event('Undated', { starts_on: '2026-03-01' }), // no end: no period of its own
];

async function seed(
  t: TestApp,
  db: Kysely<Database>,
  people: ReadonlyMap<string, string>,
): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  const at = (local?: string) => (local === undefined ? null : d(local));
  for (const [i, card] of CARDS.entries()) {
    const { id } = await t.services.tasks.create(null, {
      type: card.type ?? 'core.task',
      title: card.title ?? `card ${i}`,
      fields: card.fields ?? {},
    });
    ids.set(card.title ?? `card ${i}`, id);
    await db
      .updateTable('tasks')
      .set({
        role_id: 'planner',
        assignee_id: card.who === undefined ? null : people.get(card.who)!,
        category: card.done ? 'done' : 'todo',
        status: card.done ? 'done' : 'open',
        created_at: d(card.created),
        started_at: at(card.started),
        done_at: at(card.done),
        due_at: at(card.due),
      })
      .where('id', '=', id)
      .execute();
  }
  // Work linked to the Spring fair, done in March.
  const work = await t.services.tasks.create(null, { type: 'core.task', title: 'Spring fair banner' });
  await db
    .updateTable('tasks')
    .set({
      category: 'done',
      status: 'done',
      role_id: 'designer',
      created_at: d('03-03T09:00'),
      done_at: d('03-04T09:00'),
    })
    .where('id', '=', work.id)
    .execute();
  await db
    .insertInto('task_links')
    .values({
      task_id: work.id,
      kind: 'relates',
      target_task_id: ids.get('Spring fair')!,
      url: null,
      title: null,
      created_by: null,
    })
    .execute();
  return ids;
}

/** `kpi who-or-entity value/sample status`, values rounded to 3 digits. */
const line = (r: KpiResult) => {
  const who =
    r.entity === null
      ? (r.person?.displayName ?? `(${r.role})`)
      : r.entity.kind === 'card'
        ? r.entity.title
        : r.entity.value;
  return `${r.kpi.id} ${who} ${r.value === null ? '-' : +r.value.toFixed(3)}/${r.sample} ${r.status}`;
};

describe.each(testDatabases)('KPI targets on $kind', (database) => {
  let t: TestApp;
  const people = new Map<string, string>();
  let ids: Map<string, number>;

  beforeAll(async () => {
    t = await createTestApp(database, [{ name: 'fair.yaml', text: ORG }], {
      plugins: [fairSource],
      now: () => d('04-10T12:00'),
    });
    for (const person of await t.services.users.list()) people.set(person.email.split('@')[0]!, person.id);
    ids = await seed(t, t.db.kysely, people);
  }, 60_000);
  afterAll(() => t.dispose());

  const evaluate = async (query: string) => {
    const response = await t.call('GET', `/api/kpis?role=planner&${query}`, {
      cookie: await t.signIn('lead@fair.test'),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as KpiResult[];
  };
  const march = () => evaluate('at=2026-03-20T12:00:00%2B08:00');
  const of = (results: KpiResult[], kpi: string) => results.filter((r) => r.kpi.id === kpi).map(line);

  it('reads a target from a policy, a percentage policy as the ratio its metric computes: met, missed', async () => {
    const results = await march();
    expect(of(results, 'on-time')).toEqual([
      'on-time (planner) 0.5/2 missed',
      'on-time Ann 1/1 met',
      'on-time Bob 0/1 missed',
    ]);
    expect(results.find((r) => r.kpi.id === 'on-time')!.kpi).toMatchObject({
      unit: 'ratio',
      target: { gte: 0.8 },
      policies: { gte: 'on_time_min_pct' },
      per: null,
    });
  });

  it('a range holds between both bounds, each from a policy: inside met, either side missed', async () => {
    const results = await march();
    expect(of(results, 'cycle-band')).toEqual([
      'cycle-band (planner) 12/2 missed',
      'cycle-band Ann 4/1 met',
      'cycle-band Bob 20/1 missed',
    ]);
    expect(results.find((r) => r.kpi.id === 'cycle-band')!.kpi).toMatchObject({
      unit: 'hours',
      target: { gte: 1, lt: 10 },
      policies: { gte: 'cycle_min_hours', lt: 'cycle_max_hours' },
    });
    // Percentages written in the file: 50 %–100 % of the week's cards on time.
    const week = await evaluate('at=2026-03-06T12:00:00%2B08:00');
    expect(of(week, 'weekly-share')).toEqual([
      'weekly-share (planner) 0.5/2 met',
      'weekly-share Ann 1/1 met',
      'weekly-share Bob 0/1 missed',
    ]);
    expect(week.find((r) => r.kpi.id === 'weekly-share')!.kpi.target).toEqual({ gte: 0.5, lte: 1 });
  });

  it('measures a plugin metric per value of a field: within the 3–10 % range, above it, below it, and a channel with no cards', async () => {
    const results = await march();
    expect(of(results, 'channel-conversion')).toEqual([
      'channel-conversion web 0.05/1 met',
      'channel-conversion shop 0.2/1 missed',
      'channel-conversion app 0.01/1 missed',
      'channel-conversion mail -/0 no_data',
    ]);
    expect(results.find((r) => r.kpi.id === 'channel-conversion')).toMatchObject({
      kpi: { target: { gte: 0.03, lte: 0.1 }, per: { task_type: 'fair.event', field: 'channel' } },
      person: null,
      entity: { kind: 'field', taskType: 'fair.event', field: 'channel', value: 'web' },
      period: { start: '2026-02-28T16:00:00.000Z', end: '2026-03-31T16:00:00.000Z' },
    });
  });

  it('measures per value a text field carries: the values of the cards, in order', async () => {
    expect(of(await march(), 'region-conversion')).toEqual([
      'region-conversion north 0.05/1 met',
      'region-conversion south 0.2/1 met',
      'region-conversion west 0.01/1 missed',
    ]);
  });

  it("measures a plugin metric per card over the card's own dates: the quarter's events, met, missed, no data", async () => {
    const results = await march();
    expect(of(results, 'event-return')).toEqual([
      'event-return Spring fair 2/1 met',
      'event-return March fair 1/1 missed',
      'event-return Free fair -/0 no_data',
    ]);
    const [spring, marchFair] = results.filter((r) => r.kpi.id === 'event-return');
    // The end date is included: the event's period closes at the next local midnight, past the quarter's end.
    expect(spring).toMatchObject({
      entity: { kind: 'card', taskId: ids.get('Spring fair'), title: 'Spring fair' },
      period: { start: '2026-02-28T16:00:00.000Z', end: '2026-03-10T16:00:00.000Z' },
    });
    expect(marchFair!.period).toEqual({ start: '2026-03-14T16:00:00.000Z', end: '2026-04-05T16:00:00.000Z' });
    expect(spring!.kpi).toMatchObject({ unit: 'ratio', target: { gte: 2 }, policies: { gte: 'return_min_pct' } });
  });

  it('measures a core metric per card: the work linked to each card', async () => {
    const results = await march();
    expect(of(results, 'event-work')).toEqual([
      'event-work Spring fair 1/1 met',
      'event-work March fair 0/0 missed',
      'event-work Free fair 0/0 missed',
      'event-work Last summer 0/0 missed',
      'event-work Undated 0/0 missed',
    ]);
  });

  it('says no data for a period with nothing to measure: no cards, no event in the quarter', async () => {
    const results = await evaluate('at=2026-03-20T12:00:00%2B08:00&period=previous');
    expect(of(results, 'on-time')).toEqual([
      'on-time (planner) -/0 no_data',
      'on-time Ann -/0 no_data',
      'on-time Bob -/0 no_data',
    ]);
    expect(of(results, 'event-return')).toEqual(['event-return (planner) -/0 no_data']);
    expect(results.find((r) => r.kpi.id === 'event-return')).toMatchObject({
      entity: null,
      period: { start: '2025-09-30T16:00:00.000Z', end: '2025-12-31T16:00:00.000Z' },
    });
    expect(of(results, 'channel-conversion').every((text) => text.endsWith('-/0 no_data'))).toBe(true);
  });

  it('hands a metric the policies: revenue against the policy target, 1500 of 1500 CNY over five events', async () => {
    expect(of(await march(), 'achievement')).toEqual([
      'achievement (planner) 1/5 met',
      'achievement Ann 1/5 met',
      'achievement Bob 1/5 met',
    ]);
    expect(of(await evaluate('at=2026-03-20T12:00:00%2B08:00&period=previous'), 'achievement')).toEqual([
      'achievement (planner) -/0 no_data',
      'achievement Ann -/0 no_data',
      'achievement Bob -/0 no_data',
    ]);
  });

  it('follows policies changed in a new version of the roles file', async () => {
    const base = (await t.services.org.active()).versionId;
    const text = ORG.replace('return_min_pct: 200', 'return_min_pct: 90').replace(
      'revenue_target_cny: 1500',
      'revenue_target_cny: 2000',
    );
    await t.services.org.activate([{ name: 'fair.yaml', text }], {
      baseVersionId: base,
      authorId: null,
      origin: 'api',
    });
    const results = await march();
    expect(of(results, 'event-return')).toEqual([
      'event-return Spring fair 2/1 met',
      'event-return March fair 1/1 met',
      'event-return Free fair -/0 no_data',
    ]);
    expect(of(results, 'achievement')[0]).toBe('achievement (planner) 0.75/5 missed');
  });
});

describe('KPI targets in the roles file', () => {
  const catalogue = catalogueWith([parseManifest(fairPlugin)]);
  const file = (kpi: string, policies = 'policies: {min_pct: 85, min_hours: 4, label: high}') =>
    `version: 1\norganization: {id: o, name: O}\n${policies}\nroles:\n  - id: r\n    name: R\n    kpis:\n      - ${kpi}\n`;
  const errors = (kpi: string) =>
    loadOrg([{ name: 'o.yaml', text: file(kpi) }], catalogue).errors.map(
      (e) => `${e.line}:${e.column} ${e.kind} ${e.path}: ${e.message}${e.suggestion ? ` (${e.suggestion})` : ''}`,
    );
  const kpi = (metric: string, target: string, extra = '') =>
    `{id: k, name: K, metric: ${metric}, target: ${target}, period: month${extra}}`;

  it("accepts policies, percentages and ranges in the metric's unit", () => {
    for (const [metric, target] of [
      ['core.on_time_rate', '{gte: {policy: min_pct}}'],
      ['core.on_time_rate', '{gte: 85%}'],
      ['core.on_time_rate', '{gt: 0.5, lte: 1}'],
      ['core.cycle_time', '{gte: 1, lte: {policy: min_hours}}'],
      ['fair.return', '{gte: 200%}'],
      ['fair.conversion', '{gte: 3%, lt: 10.5%}'],
    ])
      expect(errors(kpi(metric!, target!)), `${metric} ${target}`).toEqual([]);
  });

  it('names a missing policy where it is written, with the nearest one', () => {
    expect(errors(kpi('core.on_time_rate', '{gte: {policy: min_pc}}'))).toEqual([
      '8:76 unresolved_ref roles[0].kpis[0].target.gte.policy: unknown policy "min_pc" (min_pct)',
    ]);
  });

  it('refuses targets that mix units: percentages for a metric that is no ratio, plain numbers for one that is', () => {
    expect(errors(kpi('core.cycle_time', '{lte: {policy: min_pct}}'))).toEqual([
      '8:74 schema roles[0].kpis[0].target.lte.policy: policy "min_pct" is a percentage (its key ends in _pct), but metric "core.cycle_time" measures hours, not a ratio: write the target in hours',
    ]);
    expect(errors(kpi('fair.revenue', '{gte: 85%}'))).toEqual([
      '8:62 schema roles[0].kpis[0].target.gte: 85% is a percentage, but metric "fair.revenue" measures CNY, not a ratio: write the target in CNY',
    ]);
    expect(errors(kpi('core.on_time_rate', '{gte: {policy: min_hours}}'))[0]).toMatch(
      /^8:76 schema .*policy "min_hours" is not a percentage \(only keys ending in _pct are\), but metric "core.on_time_rate" is a ratio/,
    );
    expect(errors(kpi('core.on_time_rate', '{gte: 85}'))).toEqual([
      '8:67 schema roles[0].kpis[0].target.gte: metric "core.on_time_rate" is a ratio (1 = 100 %), so 85 would mean 8500%: write 85% for 85 percent, or a ratio such as 0.85',
    ]);
  });

  it('refuses a policy that is not a number, an empty range, and targets of the wrong shape', () => {
    expect(errors(kpi('core.throughput', '{gte: {policy: label}}'))).toEqual([
      '8:74 schema roles[0].kpis[0].target.gte.policy: policy "label" is "high", not a number',
    ]);
    expect(errors(kpi('core.on_time_rate', '{gte: 90%, lt: 0.9}'))).toEqual([
      '8:61 schema roles[0].kpis[0].target: the range is empty: its lower bound 0.9 is not below its upper bound 0.9',
    ]);
    expect(errors(kpi('core.throughput', '{gte: 1, gt: 0}'))[0]).toMatch(
      /^8:59 schema .*expected exactly one of gte, lte, gt, lt, eq, or a range/,
    );
    expect(errors(kpi('core.throughput', '{gte: "ten"}'))[0]).toMatch(
      /^8:65 schema .*expected a number, a percentage such as 85%, or \{policy: <key>\}/,
    );
  });

  it('checks `per`: the card type, a field that can name an entity, and date fields for a period', () => {
    const per = (value: string) => errors(kpi('fair.return', '{gte: 200%}', `, per: ${value}`));
    expect(per('{task_type: fair.evnt}')).toEqual([
      '8:100 unresolved_ref roles[0].kpis[0].per.task_type: unknown task type "fair.evnt" (fair.event)',
    ]);
    expect(per('{task_type: fair.event, field: chanel}')).toEqual([
      '8:119 unresolved_ref roles[0].kpis[0].per.field: task type "fair.event" has no field "chanel" (channel)',
    ]);
    expect(per('{task_type: fair.event, field: note}')).toEqual([
      '8:119 schema roles[0].kpis[0].per.field: field "note" of "fair.event" is a long_text field; one entity per value needs one of enum, text, role',
    ]);
    expect(per('{task_type: fair.event, from: starts_on, to: revenue}')[0]).toMatch(
      /^8:\d+ schema roles\[0\]\.kpis\[0\]\.per\.to: field "revenue" of "fair.event" is a number field; a period needs one of date, datetime$/,
    );
    expect(per('{task_type: fair.event, from: starts_on}')[0]).toMatch(
      /schema roles\[0\]\.kpis\[0\]\.per\.from: give "from" and "to" together/,
    );
    expect(per('{task_type: fair.event, field: channel, from: starts_on, to: ends_on}')[0]).toMatch(
      /per\.field: give "field" \(one entity per value\) or "from"\/"to"/,
    );
  });
});
