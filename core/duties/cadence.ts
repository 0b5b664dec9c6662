// When a duty's card for the current period is due to be created, the key that names that period,
// and the card's due date: calendar arithmetic in the organisation's time zone.
import type { Duty } from '../org/format.schema.ts';
import { daysInMonth, instantOf, periodBounds, wallTime, type Period } from '../time/zoned.ts';
import { latestCronOccurrence } from './cron.ts';

export interface Occurrence {
  /** The moment the card is due to be created. */
  occursAt: Date;
  /**
   * Names the period, stable while the duty keeps its cadence: the period's first local date
   * ("week:2026-11-23"), so moving `on`/`at` or the time zone within a period cannot make a second
   * card for it. A cron duty's period is the occurrence itself (its UTC minute).
   */
  periodKey: string;
  /** occursAt + `due`, or null when the duty sets no `due`. */
  dueAt: Date | null;
  /** The end of the period (a cron duty's period is its moment). */
  endsAt: Date;
}

const PERIODS: readonly string[] = ['day', 'week', 'month', 'quarter', 'year'] satisfies Period[];
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * The current period's occurrence of a duty at `now`, or null when there is none yet: the duty has
 * no `every`, or this period's moment is still ahead (earlier periods are never made up for).
 */
export function currentOccurrence(duty: Duty, now: Date, timeZone: string): Occurrence | null {
  if (duty.every === undefined) return null;
  let occursAt: Date | null;
  let periodKey: string;
  let endsAt: Date;
  if (PERIODS.includes(duty.every)) {
    const period = duty.every as Period;
    const bounds = periodBounds(period, now, timeZone);
    const start = wallTime(bounds.start, timeZone);
    endsAt = bounds.end;
    const day = dayInPeriod(period, duty.on, start.year, start.month, start.day);
    const [hour, minute] = (duty.at ?? '00:00').split(':').map(Number) as [number, number];
    occursAt = instantOf(day.year, day.month, day.day, hour, minute, timeZone);
    periodKey = `${period}:${start.year}-${pad(start.month)}-${pad(start.day)}`;
  } else {
    occursAt = latestCronOccurrence(duty.every, now, timeZone);
    if (occursAt === null) return null;
    periodKey = `cron:${occursAt.toISOString().slice(0, 16)}Z`;
    endsAt = occursAt;
  }
  if (occursAt.getTime() > now.getTime()) return null;
  return {
    occursAt,
    periodKey,
    endsAt,
    dueAt: duty.due === undefined ? null : addDuration(occursAt, duty.due, timeZone),
  };
}

/** The local date within a period that `on` picks (periods start on the 1st, or on Monday). */
function dayInPeriod(period: Period, on: Duty['on'], year: number, month: number, day: number) {
  let offset = 0;
  if (period === 'week' && typeof on === 'string' && on !== 'last') offset = WEEKDAYS.indexOf(on);
  if (period === 'month' && on !== undefined) {
    // "31" in a 30-day month (or February) means the month's last day, as does "last".
    const last = daysInMonth(year, month);
    offset = (on === 'last' ? last : Math.min(Number(on), last)) - 1;
  }
  const date = new Date(Date.UTC(year, month - 1, day + offset));
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

const DURATION = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/**
 * instant + an ISO-8601 duration, the way a person reads it: years, months, weeks and days move the
 * local calendar date and keep the local time (a month from 31 January is the last day of February,
 * a day across a daylight-saving change is not 24 hours); hours, minutes and seconds are elapsed time.
 */
export function addDuration(instant: Date, duration: string, timeZone: string): Date {
  const match = DURATION.exec(duration);
  if (!match || duration === 'P' || duration.endsWith('T'))
    throw new RangeError(`not an ISO-8601 duration: "${duration}"`);
  const [years, months, weeks, days, hours, minutes, seconds] = match
    .slice(1)
    .map((part) => Number(part ?? 0)) as number[];
  let result = instant;
  if (years || months || weeks || days) {
    const wall = wallTime(instant, timeZone);
    const monthIndex = wall.year * 12 + (wall.month - 1) + years! * 12 + months!;
    const [year, month] = [Math.floor(monthIndex / 12), (monthIndex % 12) + 1];
    const date = new Date(Date.UTC(year, month - 1, Math.min(wall.day, daysInMonth(year, month)) + weeks! * 7 + days!));
    const local = instantOf(
      date.getUTCFullYear(),
      date.getUTCMonth() + 1,
      date.getUTCDate(),
      wall.hour,
      wall.minute,
      timeZone,
    );
    // instantOf works in whole minutes; keep the seconds and milliseconds the instant had.
    result = new Date(local.getTime() + wall.second * 1000 + (((instant.getTime() % 1000) + 1000) % 1000));
  }
  return new Date(result.getTime() + ((hours! * 60 + minutes!) * 60 + seconds!) * 1000);
}
