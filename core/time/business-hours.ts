// Business time in an organisation's zone: which dates are business days, how much business time lies
// between two instants, and when a span of it runs out. Steps day by day, so months cost ~100 steps.
import type { Organization } from '../org/format.schema.ts';
import { instantOf, wallTime } from './zoned.ts';

export type BusinessHours = NonNullable<Organization['business_hours']>;

export interface BusinessCalendar {
  readonly timeZone: string;
  /** False when the organisation sets no business_hours: then every moment is business time. */
  readonly restricted: boolean;
  /** `date` is a local 'YYYY-MM-DD': a weekday in `days` and not a holiday, or a listed make-up workday. */
  isBusinessDay(date: string): boolean;
  /** Milliseconds of business time in [from, to); 0 when `to` is not after `from`. */
  businessMsBetween(from: Date, to: Date): number;
  /**
   * The earliest instant by which `ms` of business time have passed since `start`. Outside hours the
   * count starts at the next opening; a span that exactly fills a day ends at that day's closing time.
   * `ms` = 0 gives `start` itself (see nextBusinessMoment for "not before the next opening").
   */
  addBusinessTime(start: Date, ms: number): Date;
  /** `instant` when it lies within business hours, else the next opening. */
  nextBusinessMoment(instant: Date): Date;
  /** Business days whose closing time lies in (from, to]; without business hours, local midnights. */
  businessDaysEndedBetween(from: Date, to: Date): number;
}

const WEEKDAYS: readonly string[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** addBusinessTime gives up past this many days: only a broken calendar or an absurd span gets there. */
const MAX_DAYS = 366 * 100;
const CACHE_LIMIT = 10_000;

interface Window {
  open: number;
  close: number;
}

/** A local date as days since 1970-01-01, so that "the next day" is +1 whatever the zone does. */
function dayNumberOf(date: string): number {
  const match = DATE.exec(date);
  const [year, month, day] = (match?.slice(1) ?? []).map(Number) as [number?, number?, number?];
  const time = Date.UTC(year ?? NaN, (month ?? NaN) - 1, day ?? NaN);
  if (!match || Number.isNaN(time) || new Date(time).getUTCDate() !== day)
    throw new RangeError(`expected a date YYYY-MM-DD, got "${date}"`);
  return time / DAY_MS;
}

function localDayNumber(instant: Date, timeZone: string): number {
  const wall = wallTime(instant, timeZone);
  return Date.UTC(wall.year, wall.month - 1, wall.day) / DAY_MS;
}

function minutesOf(time: string): number {
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  return hour * 60 + minute;
}

/** The business calendar of an organisation (its `business_hours` and `timezone`). */
export function calendarOf(organization: Pick<Organization, 'business_hours' | 'timezone'>): BusinessCalendar {
  return businessCalendar(organization.business_hours, organization.timezone);
}

/**
 * A calendar from `business_hours` in `timeZone`. Each business day is open over its local
 * [from, to); `to` must be later than `from` on the same day (hours across midnight are not supported).
 */
export function businessCalendar(hours: BusinessHours | undefined, timeZone: string): BusinessCalendar {
  if (!hours) return wallClock(timeZone);
  const [from, to] = [minutesOf(hours.from), minutesOf(hours.to)];
  if (to <= from) {
    throw new RangeError(
      `business_hours: "to" (${hours.to}) must be later than "from" (${hours.from}) on the same day; hours across midnight are not supported`,
    );
  }
  const days = new Set<string>(hours.days);
  const holidays = new Set(hours.holidays ?? []);
  const workdays = new Set(hours.workdays ?? []);
  const windows = new Map<number, Window | null>();

  const isBusinessDayNumber = (dayNumber: number): boolean => {
    const date = new Date(dayNumber * DAY_MS);
    const text = date.toISOString().slice(0, 10);
    if (workdays.has(text)) return true;
    return !holidays.has(text) && days.has(WEEKDAYS[(date.getUTCDay() + 6) % 7]!);
  };

  // Opening and closing instants are computed in the zone each day (a DST day is shorter or longer),
  // and remembered because escalation checks ask about the same weeks over and over.
  const windowOf = (dayNumber: number): Window | null => {
    const known = windows.get(dayNumber);
    if (known !== undefined) return known;
    let window: Window | null = null;
    if (isBusinessDayNumber(dayNumber)) {
      const date = new Date(dayNumber * DAY_MS);
      const at = (minutes: number) =>
        instantOf(
          date.getUTCFullYear(),
          date.getUTCMonth() + 1,
          date.getUTCDate(),
          Math.floor(minutes / 60),
          minutes % 60,
          timeZone,
        ).getTime();
      window = { open: at(from), close: at(to) };
    }
    if (windows.size >= CACHE_LIMIT) windows.clear();
    windows.set(dayNumber, window);
    return window;
  };

  // Walks the windows from the local day of `start` on, each clipped to begin no earlier than `start`.
  const walk = <T>(start: number, visit: (open: number, close: number) => T | undefined): T => {
    const first = localDayNumber(new Date(start), timeZone);
    for (let day = first; day <= first + MAX_DAYS; day++) {
      const window = windowOf(day);
      if (!window || window.close <= start) continue;
      const result = visit(Math.max(window.open, start), window.close);
      if (result !== undefined) return result;
    }
    throw new RangeError(`no business time left within ${MAX_DAYS} days of ${new Date(start).toISOString()}`);
  };

  return {
    timeZone,
    restricted: true,
    isBusinessDay: (date) => isBusinessDayNumber(dayNumberOf(date)),
    businessMsBetween(fromInstant, toInstant) {
      const [start, end] = [fromInstant.getTime(), toInstant.getTime()];
      if (end <= start) return 0;
      let total = 0;
      const last = localDayNumber(toInstant, timeZone);
      for (let day = localDayNumber(fromInstant, timeZone); day <= last; day++) {
        const window = windowOf(day);
        if (window) total += Math.max(0, Math.min(window.close, end) - Math.max(window.open, start));
      }
      return total;
    },
    addBusinessTime(start, ms) {
      checkSpan(ms);
      if (ms === 0) return new Date(start);
      let remaining = ms;
      return walk(start.getTime(), (open, close) => {
        if (remaining <= close - open) return new Date(open + remaining);
        remaining -= close - open;
        return undefined;
      });
    },
    nextBusinessMoment: (instant) => walk(instant.getTime(), (open) => new Date(open)),
    businessDaysEndedBetween(fromInstant, toInstant) {
      const [start, end] = [fromInstant.getTime(), toInstant.getTime()];
      let ended = 0;
      for (
        let day = localDayNumber(fromInstant, timeZone), last = localDayNumber(toInstant, timeZone);
        day <= last;
        day++
      ) {
        const window = windowOf(day);
        if (window && window.close > start && window.close <= end) ended += 1;
      }
      return ended;
    },
  };
}

/** No business_hours: business time is wall time. */
function wallClock(timeZone: string): BusinessCalendar {
  return {
    timeZone,
    restricted: false,
    isBusinessDay(date) {
      dayNumberOf(date); // a malformed date is an error here too, not silently "open"
      return true;
    },
    businessMsBetween: (from, to) => Math.max(0, to.getTime() - from.getTime()),
    addBusinessTime(start, ms) {
      checkSpan(ms);
      return new Date(start.getTime() + ms);
    },
    nextBusinessMoment: (instant) => new Date(instant),
    // Each local day ends at the next one's midnight.
    businessDaysEndedBetween: (from, to) => Math.max(0, localDayNumber(to, timeZone) - localDayNumber(from, timeZone)),
  };
}

function checkSpan(ms: number): void {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`expected a business time span of 0 ms or more, got ${ms}`);
}
