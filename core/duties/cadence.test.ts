// A duty's occurrence in the current period, its period key and due date, in the organisation's zone.
import { describe, expect, it } from 'vitest';
import type { Duty } from '../org/format.schema.ts';
import { addDuration, currentOccurrence } from './cadence.ts';

const SH = 'Asia/Shanghai';
const duty = (fields: Partial<Duty>): Duty => ({ id: 'd', title: 'Duty', task_type: 'core.task', ...fields });
const at = (d: Duty, now: string, zone = SH) => {
  const occurrence = currentOccurrence(d, new Date(now), zone);
  return (
    occurrence && {
      occursAt: occurrence.occursAt.toISOString(),
      periodKey: occurrence.periodKey,
      dueAt: occurrence.dueAt?.toISOString() ?? null,
    }
  );
};

describe('currentOccurrence', () => {
  const friday = duty({ every: 'week', on: 'fri', at: '17:00', due: 'P1D' });

  it('has no card before the weekday and time, and one from then to the end of the week', () => {
    // Week of Monday 23 Nov 2026; Friday 27 Nov 17:00 in Shanghai is 09:00 UTC.
    expect(at(friday, '2026-11-23T01:00:00Z')).toBeNull();
    expect(at(friday, '2026-11-27T08:59:59Z')).toBeNull();
    const card = {
      occursAt: '2026-11-27T09:00:00.000Z',
      periodKey: 'week:2026-11-23',
      dueAt: '2026-11-28T09:00:00.000Z',
    };
    expect(at(friday, '2026-11-27T09:00:00Z')).toEqual(card);
    expect(at(friday, '2026-11-29T15:59:00Z')).toEqual(card); // Sunday 23:59 local
    expect(at(friday, '2026-11-29T16:00:00Z')).toBeNull(); // Monday 00:00 local: next week, Friday is ahead
    expect(at(friday, '2026-12-04T10:00:00Z')?.periodKey).toBe('week:2026-11-30');
  });

  it('starts a week on Monday 00:00 local without on/at', () => {
    expect(at(duty({ every: 'week' }), '2026-11-22T16:00:00Z')).toEqual({
      occursAt: '2026-11-22T16:00:00.000Z',
      periodKey: 'week:2026-11-23',
      dueAt: null,
    });
    expect(at(duty({ every: 'week', on: 'sun' }), '2026-11-28T10:00:00Z')).toBeNull();
  });

  it('takes "last" and days past the month end as the last day of the month', () => {
    expect(at(duty({ every: 'month', on: 'last' }), '2026-02-27T17:00:00Z', 'UTC')).toBeNull();
    expect(at(duty({ every: 'month', on: 'last' }), '2026-02-28T00:00:00Z', 'UTC')?.occursAt).toBe(
      '2026-02-28T00:00:00.000Z',
    );
    expect(at(duty({ every: 'month', on: 31, at: '09:00' }), '2026-11-30T01:00:00Z')).toEqual({
      occursAt: '2026-11-30T01:00:00.000Z',
      periodKey: 'month:2026-11-01',
      dueAt: null,
    });
    expect(at(duty({ every: 'month', on: 30 }), '2028-02-29T12:00:00Z', 'UTC')?.occursAt).toBe(
      '2028-02-29T00:00:00.000Z',
    );
    expect(at(duty({ every: 'month', on: 15 }), '2026-11-14T12:00:00Z', 'UTC')).toBeNull();
    expect(at(duty({ every: 'month' }), '2026-11-14T12:00:00Z', 'UTC')?.occursAt).toBe('2026-11-01T00:00:00.000Z');
  });

  it('runs a daily duty at its local time', () => {
    const daily = duty({ every: 'day', at: '10:00', due: 'PT8H' });
    expect(at(daily, '2026-11-27T01:59:00Z')).toBeNull();
    expect(at(daily, '2026-11-27T02:00:00Z')).toEqual({
      occursAt: '2026-11-27T02:00:00.000Z',
      periodKey: 'day:2026-11-27',
      dueAt: '2026-11-27T10:00:00.000Z',
    });
    // 23:30 UTC is already the next day in Shanghai: that day's 10:00 is still ahead.
    expect(at(daily, '2026-11-27T23:30:00Z')).toBeNull();
  });

  it('runs quarterly and yearly duties on the first day of the period', () => {
    const quarterly = duty({ every: 'quarter', at: '10:00' });
    expect(at(quarterly, '2026-12-31T00:00:00Z')).toEqual({
      occursAt: '2026-10-01T02:00:00.000Z',
      periodKey: 'quarter:2026-10-01',
      dueAt: null,
    });
    expect(at(quarterly, '2026-10-01T01:59:00Z')).toBeNull();
    expect(at(duty({ every: 'year' }), '2026-06-01T00:00:00Z')).toEqual({
      occursAt: '2025-12-31T16:00:00.000Z',
      periodKey: 'year:2026-01-01',
      dueAt: null,
    });
  });

  it('takes the latest cron occurrence, keyed by its UTC minute', () => {
    const december = duty({ every: '0 9 1 12 *', due: 'P30D' });
    expect(at(december, '2026-12-01T01:00:00Z')).toEqual({
      occursAt: '2026-12-01T01:00:00.000Z',
      periodKey: 'cron:2026-12-01T01:00Z',
      dueAt: '2026-12-31T01:00:00.000Z',
    });
    expect(at(december, '2027-11-30T00:00:00Z')?.periodKey).toBe('cron:2026-12-01T01:00Z');
    expect(at(duty({ every: '0 0 31 2 *' }), '2026-12-01T00:00:00Z')).toBeNull();
  });

  it('gives nothing for a standing duty', () => {
    expect(at(duty({}), '2026-11-27T09:00:00Z')).toBeNull();
  });
});

describe('addDuration', () => {
  const add = (from: string, duration: string, zone = SH) => addDuration(new Date(from), duration, zone).toISOString();

  it('adds days, weeks, hours and mixed durations', () => {
    expect(add('2026-11-27T09:00:00Z', 'P1D')).toBe('2026-11-28T09:00:00.000Z');
    expect(add('2026-11-27T09:00:00Z', 'P1W')).toBe('2026-12-04T09:00:00.000Z');
    expect(add('2026-11-27T09:00:00Z', 'PT8H')).toBe('2026-11-27T17:00:00.000Z');
    expect(add('2026-11-27T09:00:00Z', 'P1DT2H30M15S')).toBe('2026-11-28T11:30:15.000Z');
    expect(add('2026-11-27T09:00:00.250Z', 'P1Y')).toBe('2027-11-27T09:00:00.250Z');
  });

  it('adds months on the local calendar, keeping to the end of shorter months', () => {
    // 31 Jan 10:00 Shanghai + 1 month = 28 Feb 10:00 Shanghai.
    expect(add('2026-01-31T02:00:00Z', 'P1M')).toBe('2026-02-28T02:00:00.000Z');
    expect(add('2026-12-31T02:00:00Z', 'P2M')).toBe('2027-02-28T02:00:00.000Z');
    // Midnight local on 1 Nov is 31 Oct in UTC; a month later is 1 Dec local, not 30 Nov.
    expect(add('2026-10-31T16:00:00Z', 'P1M')).toBe('2026-11-30T16:00:00.000Z');
  });

  it('keeps the local time across daylight saving for days, not for hours', () => {
    // Berlin springs forward on 29 Mar 2026: a day from 28 Mar 12:00 CET is 29 Mar 12:00 CEST, 23 hours later.
    expect(add('2026-03-28T11:00:00Z', 'P1D', 'Europe/Berlin')).toBe('2026-03-29T10:00:00.000Z');
    expect(add('2026-03-28T11:00:00Z', 'PT24H', 'Europe/Berlin')).toBe('2026-03-29T11:00:00.000Z');
  });

  it('refuses what is not an ISO-8601 duration', () => {
    for (const text of ['P', 'PT', '1D', 'P1H', 'P1DT', 'PT-1H'])
      expect(() => addDuration(new Date(0), text, 'UTC')).toThrow(RangeError);
  });
});
