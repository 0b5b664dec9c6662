import { describe, expect, it } from 'vitest';
import { instantOf, periodBounds, wallTime } from './zoned.ts';

describe('zoned time', () => {
  it('reads wall-clock parts in a time zone', () => {
    expect(wallTime(new Date('2026-11-27T16:30:00Z'), 'Asia/Shanghai')).toEqual({
      year: 2026,
      month: 11,
      day: 28,
      hour: 0,
      minute: 30,
      second: 0,
      weekday: 6,
    });
  });

  it('finds the instant of a local time, also across daylight saving', () => {
    expect(instantOf(2026, 10, 1, 9, 0, 'Asia/Shanghai').toISOString()).toBe('2026-10-01T01:00:00.000Z');
    expect(instantOf(2026, 3, 29, 12, 0, 'Europe/Berlin').toISOString()).toBe('2026-03-29T10:00:00.000Z');
    expect(instantOf(2026, 3, 28, 12, 0, 'Europe/Berlin').toISOString()).toBe('2026-03-28T11:00:00.000Z');
    // 02:30 happens twice on 25 October in Berlin: the first one counts.
    expect(instantOf(2026, 10, 25, 2, 30, 'Europe/Berlin').toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });

  it('bounds weeks from Monday and months, quarters, years in the zone', () => {
    const friday = new Date('2026-11-27T10:00:00Z');
    expect(periodBounds('week', friday, 'Asia/Shanghai')).toEqual({
      start: new Date('2026-11-22T16:00:00Z'),
      end: new Date('2026-11-29T16:00:00Z'),
    });
    expect(periodBounds('month', friday, 'Asia/Shanghai')).toEqual({
      start: new Date('2026-10-31T16:00:00Z'),
      end: new Date('2026-11-30T16:00:00Z'),
    });
    expect(periodBounds('quarter', friday, 'UTC')).toEqual({
      start: new Date('2026-10-01T00:00:00Z'),
      end: new Date('2027-01-01T00:00:00Z'),
    });
    expect(periodBounds('year', friday, 'UTC')).toEqual({
      start: new Date('2026-01-01T00:00:00Z'),
      end: new Date('2027-01-01T00:00:00Z'),
    });
    expect(periodBounds('day', new Date('2026-12-31T17:00:00Z'), 'Asia/Shanghai')).toEqual({
      start: new Date('2026-12-31T16:00:00Z'),
      end: new Date('2027-01-01T16:00:00Z'),
    });
  });
});
