// A year of simulated time on the demo organisation (roles/, with the default plugins): the real duty
// scheduler runs at every moment a duty falls due in 2026, on an injected clock, and each run must make
// exactly the cards due at that moment, no more, no fewer; each card is due after it was made. The
// duties are every duty with `every` in the loaded organisation, not a list kept here.
//
// The expected moments come from this file's own reading of the cadences (day, week + on, month + on
// or last, quarter, year, cron fields), built from calendar dates, independently of the scheduler's
// "current period" search; only the cron text's parsing is shared with core.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDuration } from '../core/duties/cadence.ts';
import { cronMatchesDay, parseCron } from '../core/duties/cron.ts';
import { createDutyScheduler } from '../core/duties/duty-scheduler.ts';
import type { Duty } from '../core/org/format.schema.ts';
import { daysInMonth, instantOf, periodBounds, type Period } from '../core/time/zoned.ts';
import { testDatabases } from './helpers/databases.ts';
import { memoryLogger } from './helpers/silent-logger.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

const YEAR = 2026;
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const PERIODS = ['day', 'week', 'month', 'quarter', 'year'];

interface Scheduled {
  roleId: string;
  duty: Duty;
}

interface Expected {
  dutyId: string;
  /** When the scheduler must make the card: the occurrence, or the activation for a period still open then. */
  at: number;
}

interface LocalDate {
  year: number;
  month: number;
  day: number;
  /** 0 = Monday … 6 = Sunday */
  weekday: number;
}

/** Every local date from 1 January of `fromYear` to 31 December of `toYear`. */
function* dates(fromYear: number, toYear: number): Generator<LocalDate> {
  for (
    let day = new Date(Date.UTC(fromYear, 0, 1));
    day.getUTCFullYear() <= toYear;
    day.setUTCDate(day.getUTCDate() + 1)
  )
    yield {
      year: day.getUTCFullYear(),
      month: day.getUTCMonth() + 1,
      day: day.getUTCDate(),
      weekday: (day.getUTCDay() + 6) % 7, // 0 = Monday
    };
}

/** The local times (hour, minute) at which a duty falls due on a date; none on other dates. */
function timesOn(duty: Duty, date: LocalDate): [number, number][] {
  const [hour, minute] = (duty.at ?? '00:00').split(':').map(Number) as [number, number];
  const last = daysInMonth(date.year, date.month);
  switch (duty.every) {
    case 'day':
      return [[hour, minute]];
    case 'week':
      return date.weekday === WEEKDAYS.indexOf((duty.on as string | undefined) ?? 'mon') ? [[hour, minute]] : [];
    case 'month': {
      const on = duty.on === undefined ? 1 : duty.on === 'last' ? last : Math.min(Number(duty.on), last);
      return date.day === on ? [[hour, minute]] : [];
    }
    case 'quarter':
      return date.day === 1 && (date.month - 1) % 3 === 0 ? [[hour, minute]] : [];
    case 'year':
      return date.day === 1 && date.month === 1 ? [[hour, minute]] : [];
    default: {
      const cron = parseCron(duty.every!);
      if (!cronMatchesDay(cron, date.month, date.day, (date.weekday + 1) % 7)) return [];
      return [...cron.hours].flatMap((h) => [...cron.minutes].map((m): [number, number] => [h, m]));
    }
  }
}

/**
 * The cards a duty calls for per holder from `start` to `end`: one per occurrence in that time, and one
 * at `start` for a period under way then whose moment has passed but whose deadline (its due date, else
 * its end) has not.
 */
function expectedCards(duty: Duty, timeZone: string, start: number, end: number): Expected[] {
  const cards: Expected[] = [];
  for (const date of dates(YEAR - 1, YEAR)) {
    for (const [hour, minute] of timesOn(duty, date)) {
      const at = instantOf(date.year, date.month, date.day, hour, minute, timeZone);
      if (at.getTime() >= end) continue;
      if (at.getTime() >= start) {
        cards.push({ dutyId: duty.id, at: at.getTime() });
        continue;
      }
      // Earlier periods are never made up for; the period under way at `start` is, while its card is not late.
      const periodEnd = PERIODS.includes(duty.every!) ? periodBounds(duty.every as Period, at, timeZone).end : at;
      const deadline = duty.due === undefined ? periodEnd : addDuration(at, duty.due, timeZone);
      if (periodEnd.getTime() > start && deadline.getTime() > start) cards.push({ dutyId: duty.id, at: start });
    }
  }
  return cards;
}

describe.each(testDatabases)('a year of duty cards on the demo organisation on $kind', (database) => {
  let t: TestApp;
  let clock = new Date(0);
  let timeZone: string;
  let start: number;
  let end: number;
  const scheduled: Scheduled[] = [];
  const holders = new Map<string, string[]>();

  beforeAll(async () => {
    clock = new Date(Date.UTC(YEAR - 1, 11, 31, 16)); // 1 January 00:00 in Shanghai; set again below
    t = await createTestApp(database, undefined, { now: () => clock });
    const { definition } = await t.services.org.active();
    timeZone = definition.organization.timezone;
    start = instantOf(YEAR, 1, 1, 0, 0, timeZone).getTime();
    end = instantOf(YEAR + 1, 1, 1, 0, 0, timeZone).getTime();
    for (const role of definition.roles) {
      for (const duty of role.duties) if (duty.every !== undefined) scheduled.push({ roleId: role.id, duty });
      holders.set(
        role.id,
        (await t.services.users.holdersOf(role.id)).map((person) => person.id),
      );
    }
  }, 60_000);
  afterAll(() => t.dispose());

  it('covers every scheduled duty of the organisation, each with someone to do it', () => {
    // The demo's cadences include every period kind and cron; a duty of a vacant role would prove nothing.
    expect(new Set(scheduled.map(({ duty }) => (PERIODS.includes(duty.every!) ? duty.every : 'cron')))).toEqual(
      new Set([...PERIODS, 'cron']),
    );
    for (const { roleId, duty } of scheduled) expect(holders.get(roleId)!.length, duty.id).toBeGreaterThan(0);
  });

  it('makes each duty card once per period, at its moment, due after it is made, through 2026', async () => {
    const expected = scheduled.flatMap(({ roleId, duty }) =>
      expectedCards(duty, timeZone, start, end).flatMap((card) =>
        holders.get(roleId)!.map((personId) => ({ ...card, key: `${card.dutyId}/${personId}` })),
      ),
    );
    const byMoment = new Map<number, typeof expected>();
    for (const card of expected) byMoment.set(card.at, [...(byMoment.get(card.at) ?? []), card]);
    const moments = [...new Set([start, ...byMoment.keys()])].sort((a, b) => a - b);
    const scheduler = createDutyScheduler({ services: t.services, log: memoryLogger().log });
    const wrong: string[] = [];
    let lastId = 0;
    for (const moment of moments) {
      clock = new Date(moment);
      const result = await scheduler.runOnce(clock);
      const made = await t.db.kysely
        .selectFrom('tasks')
        .select(['id', 'duty_key', 'due_at'])
        .where('id', '>', lastId)
        .orderBy('id')
        .execute();
      lastId = made.at(-1)?.id ?? lastId;
      // duty key: duty/person/period; the period part is the scheduler's, the rest is checked here
      const madeKeys = made.map((card) => card.duty_key!.split('/').slice(0, 2).join('/')).sort();
      const wantedKeys = (byMoment.get(moment) ?? []).map((card) => card.key).sort();
      if (result.failed > 0 || JSON.stringify(madeKeys) !== JSON.stringify(wantedKeys))
        wrong.push(`${clock.toISOString()}: made [${madeKeys}], expected [${wantedKeys}], ${JSON.stringify(result)}`);
      for (const card of made) {
        if (card.due_at !== null && new Date(card.due_at).getTime() <= moment)
          wrong.push(`${card.duty_key} overdue when made at ${clock.toISOString()} (due ${card.due_at})`);
      }
    }
    expect(wrong).toEqual([]);

    // Once per period: no duty key twice, and the year's totals per duty as the calendar says.
    const keys = await t.db.kysely.selectFrom('tasks').select('duty_key').where('duty_key', 'is not', null).execute();
    expect(new Set(keys.map((row) => row.duty_key)).size).toBe(keys.length);
    const perDuty = (dutyIds: string[]) => {
      const counts: Record<string, number> = {};
      for (const id of dutyIds) counts[id] = (counts[id] ?? 0) + 1;
      return counts;
    };
    const made = perDuty(keys.map((row) => row.duty_key!.split('/')[0]!));
    expect(made).toEqual(perDuty(expected.map((card) => card.dutyId)));
    expect(Object.keys(made).sort()).toEqual(scheduled.map(({ duty }) => duty.id).sort());
  }, 600_000);
});
