// Calendar arithmetic in an organisation's time zone (IANA), with no library: wall-clock parts of
// an instant, the instant of a wall-clock time, and the bounds of the day/week/month/quarter/year
// that contain an instant. Weeks start on Monday.
export interface WallTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 1 = Monday … 7 = Sunday */
  weekday: number;
}

export type Period = 'day' | 'week' | 'month' | 'quarter' | 'year';

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

export function wallTime(instant: Date, timeZone: string): WallTime {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAYS.indexOf(parts.weekday!) + 1,
  };
}

/** The instant at which the clocks in `timeZone` show this date and time (the earlier one in a DST overlap). */
export function instantOf(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  timeZone: string,
): Date {
  const guess = Date.UTC(year, month - 1, day, hour, minute);
  let instant = guess;
  const shownAt = (at: number) => {
    const wall = wallTime(new Date(at), timeZone);
    return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  };
  // Two rounds settle the offset, also across a DST change.
  for (let i = 0; i < 2; i++) instant += guess - shownAt(instant);
  // When clocks fall back the same wall time comes twice; an hour earlier may show it too.
  return new Date(shownAt(instant - 3_600_000) === guess ? instant - 3_600_000 : instant);
}

/** Days in a month (month 1-12). */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Start (inclusive) and end (exclusive) of the period that contains `instant`, as instants. */
export function periodBounds(period: Period, instant: Date, timeZone: string): { start: Date; end: Date } {
  const w = wallTime(instant, timeZone);
  const at = (y: number, m: number, d: number) => {
    const normal = new Date(Date.UTC(y, m - 1, d));
    return instantOf(normal.getUTCFullYear(), normal.getUTCMonth() + 1, normal.getUTCDate(), 0, 0, timeZone);
  };
  switch (period) {
    case 'day':
      return { start: at(w.year, w.month, w.day), end: at(w.year, w.month, w.day + 1) };
    case 'week':
      return {
        start: at(w.year, w.month, w.day - (w.weekday - 1)),
        end: at(w.year, w.month, w.day - (w.weekday - 1) + 7),
      };
    case 'month':
      return { start: at(w.year, w.month, 1), end: at(w.year, w.month + 1, 1) };
    case 'quarter': {
      const first = w.month - ((w.month - 1) % 3);
      return { start: at(w.year, first, 1), end: at(w.year, first + 3, 1) };
    }
    case 'year':
      return { start: at(w.year, 1, 1), end: at(w.year + 1, 1, 1) };
  }
}
