import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { businessCalendar, calendarOf, type BusinessHours } from './business-hours.ts';
import { wallTime } from './zoned.ts';

const ZONE = 'Asia/Shanghai';
const HOURS: BusinessHours = {
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  from: '09:00',
  to: '18:00',
  holidays: [
    '2026-09-25',
    '2026-10-01',
    '2026-10-02',
    '2026-10-03',
    '2026-10-04',
    '2026-10-05',
    '2026-10-06',
    '2026-10-07',
  ],
  workdays: ['2026-09-20', '2026-10-10'], // a make-up Sunday and Saturday (调休)
};
const calendar = businessCalendar(HOURS, ZONE);
const HOUR = 3_600_000;
/** Shanghai wall time (UTC+8, no DST) as an instant. */
const local = (text: string) => new Date(`${text}+08:00`);

/** Business minutes counted one minute at a time: slow, but shares no code with the calendar. */
function minutesByStepping(from: number, to: number): number {
  let minutes = 0;
  for (let t = from; t < to; t += 60_000) {
    const wall = wallTime(new Date(t), ZONE);
    const date = `${wall.year}-${String(wall.month).padStart(2, '0')}-${String(wall.day).padStart(2, '0')}`;
    const minute = wall.hour * 60 + wall.minute;
    if (calendar.isBusinessDay(date) && minute >= 9 * 60 && minute < 18 * 60) minutes++;
  }
  return minutes;
}

describe('business days', () => {
  it('are the weekdays in `days`, minus holidays, plus make-up workdays', () => {
    expect(calendar.isBusinessDay('2026-09-18')).toBe(true); // Friday
    expect(calendar.isBusinessDay('2026-09-19')).toBe(false); // Saturday
    expect(calendar.isBusinessDay('2026-09-20')).toBe(true); // Sunday, worked in exchange
    expect(calendar.isBusinessDay('2026-09-25')).toBe(false); // Friday, 中秋节
    expect(calendar.isBusinessDay('2026-10-01')).toBe(false); // Thursday, 国庆节
    expect(calendar.isBusinessDay('2026-10-10')).toBe(true); // Saturday, worked in exchange
    expect(calendar.isBusinessDay('2026-10-11')).toBe(false); // Sunday
  });

  it('refuses a malformed or impossible date', () => {
    expect(() => calendar.isBusinessDay('2026-02-30')).toThrow(RangeError);
    expect(() => calendar.isBusinessDay('26-1-1')).toThrow(RangeError);
  });
});

describe('business time between two instants', () => {
  it('counts a Friday-evening start over the weekend as Friday’s last hour plus Monday’s first', () => {
    expect(calendar.businessMsBetween(local('2026-03-06T17:00'), local('2026-03-09T10:00'))).toBe(2 * HOUR);
    expect(calendar.businessMsBetween(local('2026-03-06T19:00'), local('2026-03-09T08:00'))).toBe(0);
  });

  it('skips a holiday week', () => {
    // Wednesday 30 September 17:00 to Thursday 8 October 10:00: the National Day week in between is closed.
    expect(calendar.businessMsBetween(local('2026-09-30T17:00'), local('2026-10-08T10:00'))).toBe(2 * HOUR);
  });

  it('counts a make-up Saturday as a whole business day', () => {
    expect(calendar.businessMsBetween(local('2026-10-09T17:00'), local('2026-10-12T10:00'))).toBe(11 * HOUR);
  });

  it('is zero when `to` is not after `from`, and exact to the millisecond', () => {
    expect(calendar.businessMsBetween(local('2026-03-10T12:00'), local('2026-03-10T11:00'))).toBe(0);
    expect(calendar.businessMsBetween(local('2026-03-10T12:00:00.250'), local('2026-03-10T12:00:01.000'))).toBe(750);
  });

  it('matches counting minute by minute, on random spans of up to five days', () => {
    const start = Date.UTC(2026, 8, 1) / 60_000;
    fc.assert(
      fc.property(
        fc.integer({ min: start, max: start + 60 * 24 * 60 }),
        fc.integer({ min: 0, max: 5 * 24 * 60 }),
        (from, span) => {
          const [a, b] = [from * 60_000, (from + span) * 60_000];
          expect(calendar.businessMsBetween(new Date(a), new Date(b))).toBe(minutesByStepping(a, b) * 60_000);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('adding business time', () => {
  it('carries a Friday-evening span over the weekend', () => {
    expect(calendar.addBusinessTime(local('2026-03-06T17:00'), 4 * HOUR)).toEqual(local('2026-03-09T12:00'));
  });

  it('starts counting at the next opening when started outside hours', () => {
    expect(calendar.addBusinessTime(local('2026-03-06T20:00'), HOUR)).toEqual(local('2026-03-09T10:00'));
    expect(calendar.addBusinessTime(local('2026-03-07T11:00'), 30 * 60_000)).toEqual(local('2026-03-09T09:30'));
    expect(calendar.addBusinessTime(local('2026-03-09T07:00'), HOUR)).toEqual(local('2026-03-09T10:00'));
  });

  it('ends at closing time when the span exactly fills the day, and adds nothing for 0', () => {
    expect(calendar.addBusinessTime(local('2026-03-06T17:00'), HOUR)).toEqual(local('2026-03-06T18:00'));
    expect(calendar.addBusinessTime(local('2026-03-07T11:00'), 0)).toEqual(local('2026-03-07T11:00'));
  });

  it('skips holidays and uses make-up workdays', () => {
    expect(calendar.addBusinessTime(local('2026-09-30T17:00'), 2 * HOUR)).toEqual(local('2026-10-08T10:00'));
    expect(calendar.addBusinessTime(local('2026-09-18T17:00'), 2 * HOUR)).toEqual(local('2026-09-20T10:00'));
    expect(calendar.addBusinessTime(local('2026-10-09T17:00'), 3 * HOUR)).toEqual(local('2026-10-10T11:00'));
  });

  it('finds the next opening', () => {
    expect(calendar.nextBusinessMoment(local('2026-03-07T11:00'))).toEqual(local('2026-03-09T09:00'));
    expect(calendar.nextBusinessMoment(local('2026-03-09T11:00'))).toEqual(local('2026-03-09T11:00'));
  });

  it('refuses a negative or endless span', () => {
    expect(() => calendar.addBusinessTime(local('2026-03-09T11:00'), -1)).toThrow(RangeError);
    expect(() => calendar.addBusinessTime(local('2026-03-09T11:00'), Infinity)).toThrow(RangeError);
  });

  const instants = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2026, 11, 31) });

  it('is the inverse of businessMsBetween, and gives the earliest such instant', () => {
    fc.assert(
      fc.property(instants, fc.integer({ min: 0, max: 60 * 9 * HOUR }), (start, ms) => {
        const end = calendar.addBusinessTime(new Date(start), ms);
        expect(calendar.businessMsBetween(new Date(start), end)).toBe(ms);
        if (ms > 0) expect(calendar.businessMsBetween(new Date(start), new Date(end.getTime() - 1))).toBe(ms - 1);
      }),
      { numRuns: 300 },
    );
  });

  it('adding the business time between two instants never overshoots the later one', () => {
    fc.assert(
      fc.property(instants, fc.integer({ min: 0, max: 90 * 24 * HOUR }), (from, span) => {
        const to = new Date(from + span);
        const reached = calendar.addBusinessTime(new Date(from), calendar.businessMsBetween(new Date(from), to));
        expect(reached.getTime()).toBeLessThanOrEqual(to.getTime());
        expect(calendar.businessMsBetween(reached, to)).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});

describe('business days ended', () => {
  it('counts a day as ended at its closing time: same-day work is late only after it (当天事当天毕)', () => {
    const came = local('2026-09-17T10:00'); // Thursday
    expect(calendar.businessDaysEndedBetween(came, local('2026-09-17T17:59'))).toBe(0);
    expect(calendar.businessDaysEndedBetween(came, local('2026-09-17T18:00'))).toBe(1);
    expect(calendar.businessDaysEndedBetween(came, local('2026-09-18T18:00'))).toBe(2);
  });

  it('gives what comes in after hours, on a weekend or a holiday until the next business day closes', () => {
    expect(calendar.businessDaysEndedBetween(local('2026-09-18T19:00'), local('2026-09-19T23:00'))).toBe(0); // Friday evening to Saturday
    expect(calendar.businessDaysEndedBetween(local('2026-09-18T19:00'), local('2026-09-20T18:00'))).toBe(1); // the make-up Sunday closes
    expect(calendar.businessDaysEndedBetween(local('2026-09-30T20:00'), local('2026-10-08T17:00'))).toBe(0); // National Day week off
    expect(calendar.businessDaysEndedBetween(local('2026-09-30T20:00'), local('2026-10-08T18:00'))).toBe(1);
  });

  it('counts local midnights when the organisation sets no business_hours', () => {
    const wall = businessCalendar(undefined, ZONE);
    expect(wall.businessDaysEndedBetween(local('2026-09-17T10:00'), local('2026-09-17T23:59'))).toBe(0);
    expect(wall.businessDaysEndedBetween(local('2026-09-17T10:00'), local('2026-09-18T00:00'))).toBe(1);
    expect(wall.businessDaysEndedBetween(local('2026-09-18T00:00'), local('2026-09-17T10:00'))).toBe(0);
  });
});

describe('calendars', () => {
  it('count every moment when the organisation sets no business_hours', () => {
    const wall = calendarOf({ timezone: ZONE, business_hours: undefined });
    expect(wall.restricted).toBe(false);
    expect(wall.isBusinessDay('2026-10-01')).toBe(true);
    expect(wall.businessMsBetween(local('2026-03-06T17:00'), local('2026-03-09T10:00'))).toBe(65 * HOUR);
    expect(wall.businessMsBetween(local('2026-03-09T10:00'), local('2026-03-06T17:00'))).toBe(0);
    expect(wall.addBusinessTime(local('2026-03-07T11:00'), 5 * HOUR)).toEqual(local('2026-03-07T16:00'));
    expect(wall.nextBusinessMoment(local('2026-03-07T11:00'))).toEqual(local('2026-03-07T11:00'));
  });

  it('refuse hours that close before they open (no hours across midnight)', () => {
    expect(() => businessCalendar({ ...HOURS, from: '22:00', to: '02:00' }, ZONE)).toThrow(/across midnight/);
    expect(() => businessCalendar({ ...HOURS, from: '09:00', to: '09:00' }, ZONE)).toThrow(RangeError);
  });

  it('measure real elapsed time on a daylight-saving day', () => {
    // New York, Sunday 8 March 2026: 02:00 does not happen, so 01:00-04:00 is two hours.
    const dst = businessCalendar({ days: ['sun'], from: '01:00', to: '04:00' }, 'America/New_York');
    expect(dst.businessMsBetween(new Date('2026-03-08T00:00:00-05:00'), new Date('2026-03-09T00:00:00-04:00'))).toBe(
      2 * HOUR,
    );
  });

  it('handle a span of a year in day steps', () => {
    const started = performance.now();
    // 2026 has 261 weekdays; HOURS closes 6 of them (25 Sep, 1-2 and 5-7 Oct) and opens 2 weekend days.
    const year = calendar.businessMsBetween(local('2026-01-01T00:00'), local('2027-01-01T00:00'));
    expect(year).toBe((261 - 6 + 2) * 9 * HOUR);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
