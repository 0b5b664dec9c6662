// KPIs on every database: each core metric on hand-made cards at known times (tests/fixtures/kpi-cards.ts,
// Asia/Shanghai), scopes, role vs person subjects, met / missed / no data, and GET /api/kpis with its guard.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORE_METRICS, coreMetricRegistry, type CoreMetricId } from '../core/kpis/core-metrics.ts';
import { createKpiService, kpiPeriod, type KpiResult } from '../core/kpis/kpi.service.ts';
import { kpisRoutes } from '../core/kpis/kpis.routes.ts';
import { createMetricRegistry, type MetricContext, type MetricSubject } from '../core/kpis/metric-registry.ts';
import { testDatabases } from './helpers/databases.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';
import { d, KPI_ORG, NOW, seedCards, TZ } from './fixtures/kpi-cards.ts';

const MARCH = kpiPeriod('month', d('03-15T12:00'), 'current', TZ);

describe.each(testDatabases)('KPIs on $kind', (database) => {
  let t: TestApp;
  const people = new Map<string, string>();

  beforeAll(async () => {
    t = await createTestApp(database, [{ name: 'kpi.yaml', text: KPI_ORG }]);
    for (const person of await t.services.users.list()) people.set(person.email.split('@')[0]!, person.id);
    await seedCards(t.services.tasks, t.db.kysely, people);
  });
  afterAll(() => t.dispose());

  const subject = (roleId: string, who?: string): MetricSubject =>
    who === undefined ? { roleId } : { roleId, personId: people.get(who)! };
  const measure = (metric: CoreMetricId, ctx: Partial<MetricContext> & { subject: MetricSubject }) =>
    CORE_METRICS[metric].compute({
      db: t.db.kysely,
      period: MARCH,
      now: NOW,
      scope: {},
      policies: {},
      timeZone: 'UTC',
      ...ctx,
    });

  it('on_time_rate: of cards done in the period with a due date, the share done by it', async () => {
    expect(await measure('core.on_time_rate', { subject: subject('writer') })).toEqual({ value: 0.5, sample: 6 });
    expect(await measure('core.on_time_rate', { subject: subject('writer', 'ann') })).toEqual({
      value: 0.75,
      sample: 4,
    });
    expect(await measure('core.on_time_rate', { subject: subject('writer', 'bob') })).toEqual({
      value: 0.5,
      sample: 2,
    });
  });

  it('throughput: cards done in the period, archived ones included, reopened and next-period ones not', async () => {
    expect(await measure('core.throughput', { subject: subject('writer') })).toEqual({ value: 7, sample: 7 });
    expect(await measure('core.throughput', { subject: subject('writer', 'ann') })).toEqual({ value: 5, sample: 5 });
    const april = kpiPeriod('month', d('04-15T00:00'), 'current', TZ);
    expect(await measure('core.throughput', { subject: subject('writer', 'bob'), period: april })).toEqual({
      value: 1,
      sample: 1,
    });
  });

  it('cycle_time: median hours from start, or creation when never started, to done', async () => {
    expect(await measure('core.cycle_time', { subject: subject('writer') })).toEqual({ value: 8, sample: 7 });
    expect(await measure('core.cycle_time', { subject: subject('writer', 'ann') })).toEqual({ value: 6, sample: 5 });
    expect(await measure('core.cycle_time', { subject: subject('writer', 'bob') })).toEqual({
      value: 14.25,
      sample: 2,
    });
  });

  it('gives no value when nothing was done, but a throughput of 0', async () => {
    const february = kpiPeriod('month', d('03-15T12:00'), 'previous', TZ);
    const writer = { subject: subject('writer'), period: february };
    expect(await measure('core.on_time_rate', writer)).toEqual({ value: null, sample: 0 });
    expect(await measure('core.cycle_time', writer)).toEqual({ value: null, sample: 0 });
    expect(await measure('core.throughput', writer)).toEqual({ value: 0, sample: 0 });
  });

  it("overdue_count: open cards past due at the period's end, or now while it runs", async () => {
    expect(await measure('core.overdue_count', { subject: subject('ops') })).toEqual({ value: 3, sample: 4 });
    expect(await measure('core.overdue_count', { subject: subject('ops', 'cy') })).toEqual({ value: 2, sample: 3 });
    const april = kpiPeriod('month', NOW, 'current', TZ);
    expect(await measure('core.overdue_count', { subject: subject('ops'), period: april })).toEqual({
      value: 4,
      sample: 4,
    });
    // Mid-week: cards done or archived later were still open then; the card due on 03-12 was not yet late.
    const week = kpiPeriod('week', d('03-11T12:00'), 'current', TZ);
    expect(
      await measure('core.overdue_count', { subject: subject('ops'), period: week, now: d('03-11T12:00') }),
    ).toEqual({ value: 1, sample: 6 });
  });

  it('narrows by scope: task_type, label and priority, each a string or a list, combined with AND', async () => {
    const throughput = async (scope: Record<string, unknown>) =>
      (await measure('core.throughput', { subject: subject('writer'), scope })).value;
    expect(await throughput({ task_type: 'core.report' })).toBe(3);
    expect(await throughput({ task_type: ['core.report', 'core.task'] })).toBe(7);
    expect(await throughput({ label: 'weekly' })).toBe(2);
    expect(await throughput({ label: ['weekly', 'monthly'] })).toBe(2);
    expect(await throughput({ priority: 'high' })).toBe(1);
    expect(await throughput({ priority: ['high', 'urgent'] })).toBe(2);
    expect(await throughput({ task_type: 'core.report', priority: 'urgent' })).toBe(1);
    expect(
      await measure('core.on_time_rate', { subject: subject('writer'), scope: { task_type: 'core.report' } }),
    ).toEqual({ value: 2 / 3, sample: 3 });
  });

  it('refuses an unknown scope key, naming the supported ones, and malformed scope values', async () => {
    const attempt = (scope: Record<string, unknown>) =>
      measure('core.throughput', { subject: subject('writer'), scope });
    await expect(attempt({ colour: 'red' })).rejects.toMatchObject({
      code: 'UNPROCESSABLE',
      message: 'Unknown scope key "colour"; the core metrics support task_type, label, priority.',
      details: { supported: ['task_type', 'label', 'priority'] },
    });
    await expect(attempt({ priority: 'critical' })).rejects.toThrow(
      'scope.priority "critical" is not one of low, normal, high, urgent.',
    );
    await expect(attempt({ label: [] })).rejects.toThrow(
      'scope.label must be a string or a non-empty list of strings.',
    );
    await expect(attempt({ task_type: 3 })).rejects.toThrow(/scope\.task_type must be/);
  });

  const service = () =>
    createKpiService({
      db: t.db.kysely,
      org: t.services.org,
      users: t.services.users,
      metrics: coreMetricRegistry(),
      now: () => NOW,
    });
  const table = (results: KpiResult[]) =>
    results.map(
      (r) =>
        `${r.kpi.id} ${r.person?.displayName ?? `(${r.role})`} ${r.value === null ? '-' : +r.value.toFixed(3)}/${r.sample} ${r.status}`,
    );

  it('evaluates every KPI for each role and each holder, against its target', async () => {
    const results = await service().evaluate({ at: d('03-15T12:00') });
    expect(table(results)).toEqual([
      'w-on-time (writer) 0.5/6 missed',
      'w-on-time Ann 0.75/4 met',
      'w-on-time Bob 0.5/2 missed',
      'w-reports (writer) 0.667/3 met',
      'w-reports Ann 0.5/2 missed',
      'w-reports Bob 1/1 met',
      'w-throughput (writer) 7/7 met',
      'w-throughput Ann 5/5 met',
      'w-throughput Bob 2/2 missed',
      'w-cycle (writer) 8/7 met',
      'w-cycle Ann 6/5 met',
      'w-cycle Bob 14.25/2 missed',
      'w-weekly (writer) 3/3 met',
      'w-weekly Ann 3/3 met',
      'w-weekly Bob 0/0 missed',
      'ops-overdue (ops) 3/4 missed',
      'ops-overdue Cy 2/3 missed',
      'vacant-output (vacant) 0/0 met',
    ]);
    expect(results[0]).toEqual({
      kpi: {
        id: 'w-on-time',
        name: 'On time',
        metric: 'core.on_time_rate',
        unit: 'ratio',
        target: { gte: 0.6 },
        policies: {},
        period: 'month',
        per: null,
      },
      role: 'writer',
      person: null,
      entity: null,
      period: { start: '2026-02-28T16:00:00.000Z', end: '2026-03-31T16:00:00.000Z' },
      value: 0.5,
      sample: 6,
      status: 'missed',
    });
    expect(results.find((r) => r.kpi.id === 'w-weekly')!.period).toEqual({
      start: '2026-03-08T16:00:00.000Z',
      end: '2026-03-15T16:00:00.000Z',
    });
    expect(results.find((r) => r.person?.displayName === 'Cy')!.person).toEqual({
      id: people.get('cy'),
      displayName: 'Cy',
    });
  });

  it('evaluates the previous period, filters by role, and says when there is no data', async () => {
    const results = await service().evaluate({ at: d('03-15T12:00'), period: 'previous', roleId: 'writer' });
    expect(table(results).filter((line) => line.includes('(writer)'))).toEqual([
      'w-on-time (writer) -/0 no_data',
      'w-reports (writer) -/0 no_data',
      'w-throughput (writer) 0/0 missed',
      'w-cycle (writer) -/0 no_data',
      'w-weekly (writer) 1/1 met',
    ]);
    expect(results.find((r) => r.kpi.id === 'w-weekly' && r.person?.displayName === 'Ann')).toMatchObject({
      value: 1,
      period: { start: '2026-03-01T16:00:00.000Z' },
    });
    await expect(service().evaluate({ roleId: 'writr' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'There is no role "writr" (did you mean "writer"?).',
    });
  });

  it('hands a metric the period, the clock, the subject and the scope; a missing metric is an error', async () => {
    const seen: MetricContext[] = [];
    const metrics = createMetricRegistry();
    for (const id of Object.keys(CORE_METRICS))
      metrics.register(id, {
        description: 'spy',
        unit: 'x',
        compute: async (ctx) => {
          seen.push(ctx);
          return { value: 1, sample: 1 };
        },
      });
    await createKpiService({
      db: t.db.kysely,
      org: t.services.org,
      users: t.services.users,
      metrics,
      now: () => NOW,
    }).evaluate({ at: d('03-15T12:00'), roleId: 'writer' });
    expect(seen[3]).toMatchObject({
      period: MARCH,
      now: NOW,
      subject: { roleId: 'writer' },
      scope: { task_type: 'core.report' },
    });
    expect(seen[4]!.subject).toEqual({ roleId: 'writer', personId: people.get('ann') });
    const empty = createKpiService({
      db: t.db.kysely,
      org: t.services.org,
      users: t.services.users,
      metrics: createMetricRegistry(),
    });
    await expect(empty.evaluate()).rejects.toThrow(
      'KPI "w-on-time" of role "writer" uses metric "core.on_time_rate", which no loaded module provides.',
    );
  });

  describe('GET /api/kpis', () => {
    beforeAll(() => {
      t.app.route('/api', kpisRoutes(t.services.kpis));
    });
    const cookies = new Map<string, Promise<string>>();
    const cookie = (who: string) => cookies.get(who) ?? cookies.set(who, t.signIn(`${who}@test.local`)).get(who)!;
    const get = async (query: string, who = 'lead') =>
      t.call('GET', `/api/kpis${query}`, { cookie: await cookie(who) });

    it('refuses a person without kpis.view, and anonymous callers', async () => {
      const refused = await get('', 'ann');
      expect(refused.status).toBe(403);
      expect((await refused.json()).error).toMatchObject({ code: 'FORBIDDEN', details: { permission: 'kpis.view' } });
      expect((await t.call('GET', '/api/kpis')).status).toBe(401);
    });

    it('lists results for a period to a holder of kpis.view', async () => {
      const response = await get('?at=2026-03-15T12:00:00%2B08:00&role=writer');
      expect(response.status).toBe(200);
      const results: KpiResult[] = await response.json();
      expect(results).toHaveLength(15);
      expect(results.find((r) => r.kpi.id === 'w-cycle' && r.person?.displayName === 'Bob')).toMatchObject({
        value: 14.25,
        sample: 2,
        status: 'missed',
        period: { start: '2026-02-28T16:00:00.000Z' },
      });
      const previous: KpiResult[] = await (await get('?period=previous&at=2026-03-15T04:00:00Z&role=writer')).json();
      expect(previous[0]).toMatchObject({
        value: null,
        status: 'no_data',
        period: { start: '2026-01-31T16:00:00.000Z' },
      });
      expect((await (await get('')).json()).map((r: KpiResult) => r.role)).toContain('ops');
    });

    it('validates the query', async () => {
      for (const query of ['?period=last', '?at=yesterday', '?role='])
        expect((await get(query)).status, query).toBe(400);
      expect((await get('?role=nobody')).status).toBe(404);
    });

    it('never runs a scope the metric does not know: the roles file is refused at activation', async () => {
      const bad = KPI_ORG.replace('period: quarter}', 'period: quarter, scope: {colour: red}}');
      const base = (await t.services.org.active()).versionId;
      const refused = await t.services.org
        .activate([{ name: 'kpi.yaml', text: bad }], { baseVersionId: base, authorId: null, origin: 'api' })
        .catch((error: unknown) => error);
      expect(refused).toMatchObject({
        code: 'ROLES_INVALID',
        details: {
          errors: [
            expect.objectContaining({
              kind: 'schema',
              message: 'Unknown scope key "colour"; the core metrics support task_type, label, priority.',
            }),
          ],
        },
      });
      expect((await t.services.org.active()).versionId).toBe(base);
      expect((await get('')).status).toBe(200);
    });
  });
});
