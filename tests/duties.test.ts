// Duties → cards on every database: one card per period per holder, at the right local moment,
// never twice, and roles changes that only shape future cards. Every clock here is explicit.
import { afterEach, describe, expect, it } from 'vitest';
import { createDutyScheduler, type DutyScheduler } from '../core/duties/duty-scheduler.ts';
import { testDatabases, type TestDatabase } from './helpers/databases.ts';
import { ANN, BOB, CAT, dutyOrg, WEEKLY_FEEDBACK, type DutyYaml } from './helpers/duty-org.ts';
import { memoryLogger } from './helpers/silent-logger.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

const at = (iso: string) => new Date(iso);
const none = { created: 0, skipped: 0, failed: 0 };
/** The services' clock unless a test says otherwise: the roles are activated before every run below. */
const NOVEMBER_FIRST = at('2026-11-01T00:00:00Z');

describe.each(testDatabases)('duty scheduler on $kind', (database: TestDatabase) => {
  let t: TestApp | undefined;
  let ids: Record<string, string>;
  afterEach(async () => {
    await t?.dispose();
    t = undefined;
  });

  async function setUp(duties: Parameters<typeof dutyOrg>[0]): Promise<{ t: TestApp; scheduler: DutyScheduler }> {
    return setUpAt(NOVEMBER_FIRST, duties);
  }
  async function setUpAt(
    activatedAt: Date,
    duties: Parameters<typeof dutyOrg>[0],
  ): Promise<{ t: TestApp; scheduler: DutyScheduler }> {
    t = await createTestApp(database, dutyOrg(duties), { now: () => activatedAt });
    ids = Object.fromEntries((await t.services.users.list()).map((person) => [person.email, person.id]));
    return { t, scheduler: createDutyScheduler({ services: t.services, log: memoryLogger().log }) };
  }

  const cards = (app: TestApp, dutyId: string) =>
    app.db.kysely
      .selectFrom('tasks')
      .select(['type', 'title', 'description', 'status', 'assignee_id', 'role_id', 'due_at', 'duty_key', 'created_by'])
      .where('duty_key', 'like', `${dutyId}/%`)
      .orderBy('id')
      .execute();
  const keys = async (app: TestApp, dutyId: string) => (await cards(app, dutyId)).map((card) => card.duty_key).sort();

  describe('a weekly Friday 17:00 duty in Asia/Shanghai', () => {
    it('makes one card per analyst once Friday 17:00 local has passed, and never a second', async () => {
      const { t, scheduler } = await setUp({ analyst: [WEEKLY_FEEDBACK] });
      // Monday morning and Friday 16:59 local (08:59 UTC): this week's moment is still ahead.
      expect(await scheduler.runOnce(at('2026-11-23T01:00:00Z'))).toEqual(none);
      expect(await scheduler.runOnce(at('2026-11-27T08:59:00Z'))).toEqual(none);
      expect(await cards(t, 'weekly-feedback')).toEqual([]);

      expect(await scheduler.runOnce(at('2026-11-27T09:00:00Z'))).toEqual({ created: 2, skipped: 0, failed: 0 });
      const made = await cards(t, 'weekly-feedback');
      expect(made.map((card) => card.assignee_id).sort()).toEqual([ids[ANN], ids[BOB]].sort());
      for (const card of made) {
        expect(card).toMatchObject({
          type: 'core.report',
          title: 'Weekly customer feedback summary',
          role_id: 'analyst',
          created_by: null,
        });
        expect(card.description).toBe(
          'Summarise customer feedback and send it to the team.\n\nDeliverable: Feedback report',
        );
        expect(new Date(card.due_at!).toISOString()).toBe('2026-11-28T09:00:00.000Z');
        expect(card.duty_key).toBe(`weekly-feedback/${card.assignee_id}/week:2026-11-23`);
      }

      expect(await scheduler.runOnce(at('2026-11-27T09:00:00Z'))).toEqual({ created: 0, skipped: 2, failed: 0 });
      for (let i = 0; i < 100; i++) await scheduler.runOnce(at('2026-11-27T09:00:00Z'));
      // Sunday 23:59 local is still the same week.
      expect(await scheduler.runOnce(at('2026-11-29T15:59:00Z'))).toEqual({ created: 0, skipped: 2, failed: 0 });
      expect(await cards(t, 'weekly-feedback')).toHaveLength(2);

      // Next week: nothing on Monday, a second card each after Friday 17:00.
      expect(await scheduler.runOnce(at('2026-11-30T02:00:00Z'))).toEqual(none);
      expect(await scheduler.runOnce(at('2026-12-04T12:00:00Z'))).toEqual({ created: 2, skipped: 0, failed: 0 });
      expect(await keys(t, 'weekly-feedback')).toEqual(
        [ANN, BOB]
          .flatMap((email) => [
            `weekly-feedback/${ids[email]}/week:2026-11-23`,
            `weekly-feedback/${ids[email]}/week:2026-11-30`,
          ])
          .sort(),
      );
      const due = (await cards(t, 'weekly-feedback')).map((card) => new Date(card.due_at!).toISOString());
      expect(due.filter((iso) => iso === '2026-12-05T09:00:00.000Z')).toHaveLength(2);
    });

    it('makes no card for a person who is disabled or for a role nobody holds', async () => {
      const { t, scheduler } = await setUp({
        analyst: [WEEKLY_FEEDBACK],
        clerk: [{ ...WEEKLY_FEEDBACK, id: 'clerk-weekly' }],
      });
      await t.services.users.update(ids[BOB]!, { disabled: true });
      await t.services.users.setRoles(ids[CAT]!, []);
      expect(await scheduler.runOnce(at('2026-11-27T09:00:00Z'))).toEqual({ created: 1, skipped: 0, failed: 0 });
      expect((await cards(t, 'weekly-feedback')).map((card) => card.assignee_id)).toEqual([ids[ANN]]);
      expect(await cards(t, 'clerk-weekly')).toEqual([]);
    });
  });

  it('makes a monthly "last day" card on the 30th of November and the 28th of February', async () => {
    const monthEnd: DutyYaml = {
      id: 'month-end',
      title: 'Month-end close',
      every: 'month',
      on: 'last',
      at: '18:00',
      due: 'PT8H',
    };
    const { t, scheduler } = await setUp({ clerk: [monthEnd] });
    expect(await scheduler.runOnce(at('2026-11-30T09:59:00Z'))).toEqual(none);
    expect(await scheduler.runOnce(at('2026-11-30T10:00:00Z'))).toEqual({ created: 1, skipped: 0, failed: 0 });
    expect(await scheduler.runOnce(at('2026-11-30T15:59:00Z'))).toEqual({ created: 0, skipped: 1, failed: 0 });
    expect(await scheduler.runOnce(at('2027-02-27T12:00:00Z'))).toEqual(none);
    expect(await scheduler.runOnce(at('2027-02-28T10:00:00Z'))).toEqual({ created: 1, skipped: 0, failed: 0 });
    const made = await cards(t, 'month-end');
    expect(
      made.map((card) => [card.type, card.assignee_id, card.role_id, new Date(card.due_at!).toISOString()]),
    ).toEqual([
      ['core.task', ids[CAT], 'clerk', '2026-11-30T18:00:00.000Z'],
      ['core.task', ids[CAT], 'clerk', '2027-02-28T18:00:00.000Z'],
    ]);
    expect(made[0]!.description).toBe('');
  });

  it('makes a daily card after the local time each day, without a due date when none is set', async () => {
    const { t, scheduler } = await setUp({
      analyst: [{ id: 'daily-check', title: 'Daily check', every: 'day', at: '10:00' }],
    });
    expect(await scheduler.runOnce(at('2026-11-27T01:59:00Z'))).toEqual(none);
    expect((await scheduler.runOnce(at('2026-11-27T02:00:00Z'))).created).toBe(2);
    // 23:30 UTC is Saturday 07:30 in Shanghai: Saturday's card is not due yet, Friday's exists.
    expect(await scheduler.runOnce(at('2026-11-27T23:30:00Z'))).toEqual(none);
    expect((await scheduler.runOnce(at('2026-11-28T02:00:00Z'))).created).toBe(2);
    const made = await cards(t, 'daily-check');
    expect(made.map((card) => card.duty_key!.split('/')[2])).toEqual([
      'day:2026-11-27',
      'day:2026-11-27',
      'day:2026-11-28',
      'day:2026-11-28',
    ]);
    expect(made.every((card) => card.due_at === null)).toBe(true);
  });

  it("makes a cron duty's card at its latest occurrence, once per occurrence", async () => {
    const plan: DutyYaml = { id: 'december-plan', title: 'Plan next year', every: '0 9 1 12 *', due: 'P30D' };
    const weekdays: DutyYaml = { id: 'open-shop', title: 'Open the shop', every: '30 8 * * mon-fri' };
    const { t, scheduler } = await setUp({ clerk: [plan, weekdays] });
    // Saturday 28 Nov: the latest weekday run was Friday 08:30; the December plan's latest run is
    // 2025's, due before the duty was activated (1 November 2026), so it gets no card.
    expect(await scheduler.runOnce(at('2026-11-28T04:00:00Z'))).toEqual({ created: 1, skipped: 0, failed: 0 });
    expect(await scheduler.runOnce(at('2026-11-29T04:00:00Z'))).toEqual({ created: 0, skipped: 1, failed: 0 });
    expect(await scheduler.runOnce(at('2026-12-01T01:00:00Z'))).toEqual({ created: 2, skipped: 0, failed: 0 });
    expect(await keys(t, 'december-plan')).toEqual([`december-plan/${ids[CAT]}/cron:2026-12-01T01:00Z`]);
    expect(await keys(t, 'open-shop')).toEqual([
      `open-shop/${ids[CAT]}/cron:2026-11-27T00:30Z`,
      `open-shop/${ids[CAT]}/cron:2026-12-01T00:30Z`,
    ]);
    const due = (await cards(t, 'december-plan')).map((card) => new Date(card.due_at!).toISOString());
    expect(due).toEqual(['2026-12-31T01:00:00.000Z']);
  });

  it('makes no card for a standing duty (no every)', async () => {
    const { t, scheduler } = await setUp({ analyst: [{ id: 'keep-faq', title: 'Keep the FAQ current' }] });
    for (const iso of ['2026-11-23T00:00:00Z', '2026-11-27T09:00:00Z', '2026-12-31T23:59:00Z'])
      expect(await scheduler.runOnce(at(iso))).toEqual(none);
    expect(await t.db.kysely.selectFrom('tasks').select('id').execute()).toEqual([]);
  });

  it('schedules every duty of the demo organisation without a failure', async () => {
    t = await createTestApp(database, undefined, { now: () => NOVEMBER_FIRST });
    const scheduler = createDutyScheduler({ services: t.services, log: memoryLogger().log });
    // Tuesday 1 December 2026, 10:00 in Shanghai: daily, weekly, monthly, quarterly and the December cron duty are all due.
    const first = await scheduler.runOnce(at('2026-12-01T02:00:00Z'));
    expect(first.failed).toBe(0);
    expect(first.created).toBeGreaterThan(5);
    const types = await t.db.kysely.selectFrom('tasks').select('type').distinct().execute();
    expect(types.map((row) => row.type).sort()).toEqual(expect.arrayContaining(['core.report']));
    expect(await scheduler.runOnce(at('2026-12-01T02:00:00Z'))).toEqual({
      created: 0,
      skipped: first.created,
      failed: 0,
    });
  });

  it('applies a roles change to future cards only, and stops when the duty is removed', async () => {
    const { t, scheduler } = await setUp({ analyst: [WEEKLY_FEEDBACK] });
    const activate = async (duties: DutyYaml[]) => {
      const baseVersionId = (await t.services.org.active()).versionId;
      await t.services.org.activate(dutyOrg({ analyst: duties }), { baseVersionId, authorId: null, origin: 'api' });
    };
    expect((await scheduler.runOnce(at('2026-11-27T09:00:00Z'))).created).toBe(2);

    // Renamed, and moved to Saturday morning, within the same week: the week has its card already.
    await activate([{ ...WEEKLY_FEEDBACK, title: 'Feedback digest', on: 'sat', at: '09:00' }]);
    expect(await scheduler.runOnce(at('2026-11-28T02:00:00Z'))).toEqual({ created: 0, skipped: 2, failed: 0 });
    expect((await cards(t, 'weekly-feedback')).map((card) => card.title)).toEqual([
      'Weekly customer feedback summary',
      'Weekly customer feedback summary',
    ]);

    // Next week's cards follow the new definition: the new title, on Saturday 09:00 local.
    expect(await scheduler.runOnce(at('2026-12-04T12:00:00Z'))).toEqual(none);
    expect((await scheduler.runOnce(at('2026-12-05T01:00:00Z'))).created).toBe(2);
    const titles = (await cards(t, 'weekly-feedback')).map((card) => card.title);
    expect(titles).toEqual([
      'Weekly customer feedback summary',
      'Weekly customer feedback summary',
      'Feedback digest',
      'Feedback digest',
    ]);

    await activate([]);
    expect(await scheduler.runOnce(at('2026-12-12T01:00:00Z'))).toEqual(none);
    expect(await cards(t, 'weekly-feedback')).toHaveLength(4);
  });

  describe('from the moment a duty becomes active', () => {
    it('leaves a fresh start of the demo organisation with no overdue duty cards', async () => {
      // Saturday 5 December 2026, 10:00 in Shanghai: the yearly report was due on 31 January, the
      // weekly and monthly duties of earlier periods long ago. None of that is this team's backlog.
      const startedAt = at('2026-12-05T02:00:00Z');
      t = await createTestApp(database, undefined, { now: () => startedAt });
      const scheduler = createDutyScheduler({ services: t.services, log: memoryLogger().log });
      const run = await scheduler.runOnce(startedAt);
      expect(run.failed).toBe(0);
      expect(run.created).toBeGreaterThan(0);
      const made = await t.db.kysely
        .selectFrom('tasks')
        .select(['duty_key', 'due_at'])
        .where('duty_key', 'is not', null)
        .execute();
      expect(made.length).toBe(run.created);
      const overdue = made.filter(
        (card) => card.due_at !== null && new Date(card.due_at).getTime() <= startedAt.getTime(),
      );
      expect(overdue).toEqual([]);
      expect(made.filter((card) => card.duty_key!.includes('/year:'))).toEqual([]);
    });

    it('makes exactly one card per period over a simulated year', async () => {
      const duties: DutyYaml[] = [
        { id: 'daily', title: 'Daily', every: 'day', at: '09:00', due: 'PT8H' },
        { id: 'weekly', title: 'Weekly', every: 'week', on: 'mon', at: '09:00', due: 'P1D' },
        { id: 'monthly', title: 'Monthly', every: 'month', on: 1, at: '09:00', due: 'P5D' },
        { id: 'quarterly', title: 'Quarterly', every: 'quarter', due: 'P10D' },
        { id: 'yearly', title: 'Yearly', every: 'year', due: 'P1M' },
        { id: 'fridays', title: 'Fridays', every: '0 9 * * fri' },
      ];
      // Activated at midnight on Friday 1 January 2027 in Shanghai; the scheduler then runs at 00:00
      // and 12:00 local every day of 2027. The week that began on Monday 28 December 2026 was due
      // before that midnight, so it is not made up for.
      const activatedAt = at('2026-12-31T16:00:00Z');
      const { t, scheduler } = await setUpAt(activatedAt, { clerk: duties });
      for (let step = 0; step < 365 * 2; step++) {
        const result = await scheduler.runOnce(new Date(activatedAt.getTime() + step * 12 * 3_600_000));
        expect(result.failed).toBe(0);
      }
      const periods = async (dutyId: string) => (await keys(t, dutyId)).map((key) => key!.split('/')[2]);
      const daily = await periods('daily');
      expect([daily.length, new Set(daily).size, daily[0], daily.at(-1)]).toEqual([
        365,
        365,
        'day:2027-01-01',
        'day:2027-12-31',
      ]);
      const weekly = await periods('weekly');
      expect([weekly.length, new Set(weekly).size, weekly[0], weekly.at(-1)]).toEqual([
        52,
        52,
        'week:2027-01-04',
        'week:2027-12-27',
      ]);
      expect(await periods('monthly')).toEqual(
        Array.from({ length: 12 }, (_, i) => `month:2027-${String(i + 1).padStart(2, '0')}-01`),
      );
      expect(await periods('quarterly')).toEqual([
        'quarter:2027-01-01',
        'quarter:2027-04-01',
        'quarter:2027-07-01',
        'quarter:2027-10-01',
      ]);
      expect(await periods('yearly')).toEqual(['year:2027-01-01']);
      const fridays = await periods('fridays');
      expect([fridays.length, new Set(fridays).size, fridays[0], fridays.at(-1)]).toEqual([
        53,
        53,
        'cron:2027-01-01T01:00Z',
        'cron:2027-12-31T01:00Z',
      ]);
    }, 180_000);
  });
});
