// The cron matcher: parsing every field form, the latest occurrence in a time zone, and a
// differential check against a plain minute-by-minute search.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCron } from '../org/format.schema.ts';
import { CronError, cronMatchesDay, latestCronOccurrence, parseCron, type CronExpression } from './cron.ts';

const sorted = (values: ReadonlySet<number>) => [...values].sort((a, b) => a - b);
const latest = (expression: string, now: string, zone = 'UTC') =>
  latestCronOccurrence(expression, new Date(now), zone)?.toISOString() ?? null;

describe('parseCron', () => {
  it('reads stars, values, ranges, lists, steps and names', () => {
    const cron = parseCron('*/15 9-17/4 1,15,31 jan-mar,DEC mon-fri');
    expect(sorted(cron.minutes)).toEqual([0, 15, 30, 45]);
    expect(sorted(cron.hours)).toEqual([9, 13, 17]);
    expect(sorted(cron.daysOfMonth)).toEqual([1, 15, 31]);
    expect(sorted(cron.months)).toEqual([1, 2, 3, 12]);
    expect(sorted(cron.daysOfWeek)).toEqual([1, 2, 3, 4, 5]);
    expect(cron).toMatchObject({ domRestricted: true, dowRestricted: true });
  });

  it('takes "a/n" as from a to the end, and 7 as Sunday', () => {
    const cron = parseCron('5/20 0 * * 5-7');
    expect(sorted(cron.minutes)).toEqual([5, 25, 45]);
    expect(sorted(cron.daysOfWeek)).toEqual([0, 5, 6]);
    expect(sorted(parseCron('0 0 * * sun,7').daysOfWeek)).toEqual([0]);
  });

  it('counts a day field as unrestricted only when it starts with *', () => {
    expect(parseCron('0 0 */2 * *')).toMatchObject({ domRestricted: false, dowRestricted: false });
    expect(parseCron('0 0 1 * *')).toMatchObject({ domRestricted: true, dowRestricted: false });
    expect(parseCron('0 0 * * 1')).toMatchObject({ domRestricted: false, dowRestricted: true });
  });

  it.each([
    ['0 9 * *', /5 fields/],
    ['60 9 * * *', /minute "60"/],
    ['0 24 * * *', /hour "24"/],
    ['0 0 0 * *', /day of month "0"/],
    ['0 0 * 13 *', /month "13"/],
    ['0 0 * * 8', /day of week "8"/],
    ['0 0 * * fri-mon', /runs backwards/],
    ['*/0 * * * *', /bad step/],
    ['1-2-3 * * * *', /bad range/],
    ['0 0 * * funday', /day of week "funday"/],
  ])('refuses "%s"', (expression, message) => {
    expect(() => parseCron(expression)).toThrow(CronError);
    expect(() => parseCron(expression)).toThrow(message);
  });

  it('accepts what the roles format accepts', () => {
    for (const expression of [
      '0 9 1 12 *',
      '*/5 * * * *',
      '0 9 * * mon-fri',
      '0 0 1,15 * *',
      '30 8 * jan-jun/2 1-5',
      '0 0 * * 0-7',
    ]) {
      expect(isCron(expression)).toBe(true);
      expect(() => parseCron(expression)).not.toThrow();
    }
  });
});

describe('cronMatchesDay', () => {
  it('runs on either day when both day fields are restricted, on both otherwise', () => {
    const either = parseCron('0 0 13 * fri');
    expect(cronMatchesDay(either, 11, 13, 5)).toBe(true);
    expect(cronMatchesDay(either, 11, 20, 5)).toBe(true); // a Friday, not the 13th
    expect(cronMatchesDay(either, 10, 13, 2)).toBe(true); // the 13th, a Tuesday
    expect(cronMatchesDay(either, 11, 19, 4)).toBe(false);
    const both = parseCron('0 0 */2 * fri');
    expect(cronMatchesDay(both, 11, 13, 5)).toBe(true);
    expect(cronMatchesDay(both, 11, 20, 5)).toBe(false); // even day: */2 runs on odd days
    expect(cronMatchesDay(parseCron('0 0 1 jun *'), 5, 1, 5)).toBe(false);
  });
});

describe('latestCronOccurrence', () => {
  it('includes now itself, at minute resolution', () => {
    expect(latest('0 9 * * *', '2026-11-27T09:00:00Z')).toBe('2026-11-27T09:00:00.000Z');
    expect(latest('0 9 * * *', '2026-11-27T09:00:59.999Z')).toBe('2026-11-27T09:00:00.000Z');
    expect(latest('0 9 * * *', '2026-11-27T08:59:59Z')).toBe('2026-11-26T09:00:00.000Z');
    expect(latest('* * * * *', '2026-11-27T08:59:59Z')).toBe('2026-11-27T08:59:00.000Z');
  });

  it('reads the wall clock of the time zone', () => {
    // 08:30 in Shanghai is before that day's 09:00: the latest run is yesterday 09:00 (01:00 UTC).
    expect(latest('0 9 * * *', '2026-11-27T00:30:00Z', 'Asia/Shanghai')).toBe('2026-11-26T01:00:00.000Z');
    expect(latest('0 9 * * *', '2026-11-27T01:00:00Z', 'Asia/Shanghai')).toBe('2026-11-27T01:00:00.000Z');
    // Friday 23:30 UTC is already Saturday in Shanghai, so the Saturday run has happened.
    expect(latest('0 6 * * sat', '2026-11-27T23:30:00Z', 'Asia/Shanghai')).toBe('2026-11-27T22:00:00.000Z');
  });

  it('goes back across weekends, months and years', () => {
    expect(latest('30 17 * * mon-fri', '2026-11-29T12:00:00Z')).toBe('2026-11-27T17:30:00.000Z');
    expect(latest('0 9 1 12 *', '2026-11-30T00:00:00Z', 'Asia/Shanghai')).toBe('2025-12-01T01:00:00.000Z');
    expect(latest('0 0 29 2 *', '2027-03-01T00:00:00Z')).toBe('2024-02-29T00:00:00.000Z');
    expect(latest('15,45 */6 * * *', '2026-11-27T11:59:00Z')).toBe('2026-11-27T06:45:00.000Z');
  });

  it('applies either-day semantics while searching', () => {
    // From Thursday 19 Nov 2026: the last Friday (13 Nov) is also the last 13th; from 16 Oct, Fri 16 Oct 00:00 wins.
    expect(latest('0 0 13 * fri', '2026-11-19T12:00:00Z')).toBe('2026-11-13T00:00:00.000Z');
    expect(latest('0 0 13 * fri', '2026-10-16T12:00:00Z')).toBe('2026-10-16T00:00:00.000Z');
    expect(latest('0 0 13 * fri', '2026-10-15T12:00:00Z')).toBe('2026-10-13T00:00:00.000Z');
  });

  it('gives null for an expression that never runs', () => {
    expect(latest('0 0 31 2 *', '2026-11-27T00:00:00Z')).toBeNull();
    expect(latest('0 0 30 feb *', '2026-11-27T00:00:00Z')).toBeNull();
  });

  it('runs a repeated wall time once, at its first instant, and never returns a time after now', () => {
    // Berlin falls back at 03:00 CEST on 25 Oct 2026: 02:30 happens at 00:30 UTC and again at 01:30 UTC.
    expect(latest('30 2 * * *', '2026-10-25T01:45:00Z', 'Europe/Berlin')).toBe('2026-10-25T00:30:00.000Z');
    expect(latest('30 2 * * *', '2026-10-25T01:00:00Z', 'Europe/Berlin')).toBe('2026-10-25T00:30:00.000Z');
    expect(latest('30 2 * * *', '2026-10-25T00:29:00Z', 'Europe/Berlin')).toBe('2026-10-24T00:30:00.000Z');
    // New York falls back at 02:00 EDT on 1 Nov 2026: 01:30 happens at 05:30 UTC and again at 06:30 UTC.
    expect(latest('30 1 * * *', '2026-11-01T06:45:00Z', 'America/New_York')).toBe('2026-11-01T05:30:00.000Z');
    expect(latest('30 1 * * *', '2026-11-01T06:10:00Z', 'America/New_York')).toBe('2026-11-01T05:30:00.000Z');
    // Also for an hourly expression: the second 01:00 is the same wall time, not a new occurrence.
    expect(latest('0 * * * *', '2026-11-01T06:10:00Z', 'America/New_York')).toBe('2026-11-01T05:00:00.000Z');
    expect(latest('0 * * * *', '2026-11-01T07:10:00Z', 'America/New_York')).toBe('2026-11-01T07:00:00.000Z');
    // 02:30 does not exist on 29 Mar 2026 (clocks jump 02:00 → 03:00): it counts an hour later, at 03:30.
    expect(latest('30 2 * * *', '2026-03-29T01:40:00Z', 'Europe/Berlin')).toBe('2026-03-29T01:30:00.000Z');
    expect(latest('30 2 * * *', '2026-03-29T01:20:00Z', 'Europe/Berlin')).toBe('2026-03-28T01:30:00.000Z');
  });

  it('is fast for rare expressions (day, hour and minute steps, not minute by minute)', () => {
    const started = performance.now();
    for (let i = 0; i < 100; i++) latestCronOccurrence('0 0 29 2 *', new Date('2027-03-01T00:00:00Z'), 'Asia/Shanghai');
    // A minute-by-minute search over three years would be ~1.6 million steps per call.
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

/** The plain definition: the latest minute ≤ now whose UTC+offset wall clock matches, searched one minute at a time. */
function bruteForce(cron: CronExpression, now: Date, offsetHours: number, maxMinutes: number): Date | null {
  let minute = Math.floor(now.getTime() / 60_000) * 60_000;
  for (let i = 0; i < maxMinutes; i++, minute -= 60_000) {
    const wall = new Date(minute + offsetHours * 3_600_000);
    if (
      cron.minutes.has(wall.getUTCMinutes()) &&
      cron.hours.has(wall.getUTCHours()) &&
      cronMatchesDay(cron, wall.getUTCMonth() + 1, wall.getUTCDate(), wall.getUTCDay())
    ) {
      return new Date(minute);
    }
  }
  return null;
}

describe('latestCronOccurrence against a minute-by-minute search', () => {
  const field = (min: number, max: number) =>
    fc.oneof(
      fc.constant('*'),
      fc.integer({ min, max }).map(String),
      fc
        .tuple(fc.integer({ min, max }), fc.integer({ min, max }))
        .map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
      fc.tuple(fc.integer({ min, max }), fc.integer({ min: 1, max: 9 })).map(([a, step]) => `${a}/${step}`),
      fc.integer({ min: 1, max: 9 }).map((step) => `*/${step}`),
      fc.uniqueArray(fc.integer({ min, max }), { minLength: 2, maxLength: 4 }).map((values) => values.join(',')),
    );
  const expression = fc
    .tuple(field(0, 59), field(0, 23), field(1, 31), fc.constant('*'), field(0, 7))
    .map((fields) => fields.join(' '));
  const instant = fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2028, 11, 31) }).map((ms) => new Date(ms));
  const WINDOW = 8 * 24 * 60;

  it.each([
    ['UTC', 0],
    ['Asia/Shanghai', 8],
  ])('agrees in %s', (zone, offset) => {
    fc.assert(
      fc.property(expression, instant, (text, now) => {
        expect(isCron(text)).toBe(true);
        const cron = parseCron(text);
        const expected = bruteForce(cron, now, offset, WINDOW);
        const actual = latestCronOccurrence(cron, now, zone);
        if (expected) expect(actual?.toISOString()).toBe(expected.toISOString());
        // Nothing in the window: the answer, if any, lies before it.
        else if (actual) expect(actual.getTime()).toBeLessThanOrEqual(now.getTime() - WINDOW * 60_000);
      }),
      { numRuns: 150 },
    );
  });
});
