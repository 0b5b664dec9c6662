// Five-field cron expressions (minute hour day-of-month month day-of-week) and their latest
// occurrence at or before an instant, on the wall clock of an IANA time zone.
import { instantOf, wallTime } from '../time/zoned.ts';

export interface CronExpression {
  minutes: ReadonlySet<number>;
  hours: ReadonlySet<number>;
  daysOfMonth: ReadonlySet<number>;
  months: ReadonlySet<number>;
  /** 0 = Sunday … 6 = Saturday (7 in the text is folded into 0). */
  daysOfWeek: ReadonlySet<number>;
  /**
   * Whether day-of-month and day-of-week were restricted. As in Vixie cron, a field that starts
   * with `*` (also `*\/2`) is unrestricted; when both are restricted a day matching either runs.
   */
  domRestricted: boolean;
  dowRestricted: boolean;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: string[];
  /** The value the first name stands for (jan = 1, sun = 0). */
  namesFrom?: number;
}

const FIELDS: FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS, namesFrom: 1 },
  { name: 'day of week', min: 0, max: 7, names: WEEKDAYS, namesFrom: 0 },
];

/** How far back the search goes: long enough for "29 February" across a skipped leap year (2100). */
const SEARCH_DAYS = 366 * 9;

/** Longer than any daylight-saving shift (at most two hours anywhere). */
const FALL_BACK_LOOKBACK_MS = 3 * 3_600_000;

export class CronError extends Error {}

function parseValue(text: string, spec: FieldSpec, expression: string): number {
  const named = spec.names?.indexOf(text.toLowerCase()) ?? -1;
  const value = named >= 0 ? named + (spec.namesFrom ?? 0) : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(value >= spec.min && value <= spec.max)) {
    throw new CronError(`"${expression}": ${spec.name} "${text}" is not in ${spec.min}-${spec.max}`);
  }
  return value;
}

function parseField(field: string, spec: FieldSpec, expression: string): Set<number> {
  const values = new Set<number>();
  for (const part of field.split(',')) {
    const [range = '', stepText, extra] = part.split('/');
    if (extra !== undefined || (stepText !== undefined && !/^[1-9]\d*$/.test(stepText))) {
      throw new CronError(`"${expression}": bad step in ${spec.name} "${part}"`);
    }
    const step = stepText === undefined ? 1 : Number(stepText);
    let from: number;
    let to: number;
    if (range === '*') {
      [from, to] = [spec.min, spec.max];
    } else {
      const [first = '', last, more] = range.split('-');
      if (more !== undefined) throw new CronError(`"${expression}": bad range in ${spec.name} "${part}"`);
      from = parseValue(first, spec, expression);
      // "5/15" means from 5 to the end in steps of 15, as in cronie and most other crons.
      to = last !== undefined ? parseValue(last, spec, expression) : stepText !== undefined ? spec.max : from;
      if (from > to) throw new CronError(`"${expression}": range ${spec.name} "${range}" runs backwards`);
    }
    for (let value = from; value <= to; value += step) values.add(value);
  }
  return values;
}

export function parseCron(expression: string): CronExpression {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) throw new CronError(`"${expression}": expected 5 fields, found ${fields.length}`);
  const [minutes, hours, daysOfMonth, months, daysOfWeek] = fields.map((field, i) =>
    parseField(field, FIELDS[i]!, expression),
  );
  if (daysOfWeek!.delete(7)) daysOfWeek!.add(0);
  return {
    minutes: minutes!,
    hours: hours!,
    daysOfMonth: daysOfMonth!,
    months: months!,
    daysOfWeek: daysOfWeek!,
    domRestricted: !fields[2]!.startsWith('*'),
    dowRestricted: !fields[4]!.startsWith('*'),
  };
}

/** Whether cron runs on this calendar day (month 1-12, weekday 0 = Sunday). */
export function cronMatchesDay(cron: CronExpression, month: number, day: number, weekday: number): boolean {
  if (!cron.months.has(month)) return false;
  const dom = cron.daysOfMonth.has(day);
  const dow = cron.daysOfWeek.has(weekday);
  if (cron.domRestricted && cron.dowRestricted) return dom || dow;
  return dom && dow;
}

/**
 * The first instant the clocks show this wall time. instantOf (despite its comment) answers the
 * later of the two in a fall-back overlap; the earlier one lies one daylight-saving shift before.
 */
function firstInstantOf(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  timeZone: string,
): Date {
  const instant = instantOf(year, month, day, hour, minute, timeZone);
  for (const shiftMinutes of [30, 60, 120]) {
    const earlier = new Date(instant.getTime() - shiftMinutes * 60_000);
    const wall = wallTime(earlier, timeZone);
    if (wall.year === year && wall.month === month && wall.day === day && wall.hour === hour && wall.minute === minute)
      return earlier;
  }
  return instant;
}

/**
 * The latest wall-clock minute shown at or before `now`. Usually now's own; but in the hour after
 * clocks fall back, the clocks showed later times before (02:59 CEST came before 02:10 CET), and
 * those occurrences have happened. Widening the first day's limit by the shift is safe: every
 * candidate is still checked against `now` as an instant.
 */
function wallClockReached(now: Date, timeZone: string) {
  // The wall clock read as if it were UTC, and its offset from the instant (whole seconds).
  const naive = (instant: Date) => {
    const w = wallTime(instant, timeZone);
    const wall = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
    return { wall, offset: wall - Math.floor(instant.getTime() / 1000) * 1000 };
  };
  const current = naive(now);
  const before = naive(new Date(now.getTime() - FALL_BACK_LOOKBACK_MS));
  const reached = new Date(current.wall + Math.max(0, before.offset - current.offset));
  return {
    year: reached.getUTCFullYear(),
    month: reached.getUTCMonth() + 1,
    day: reached.getUTCDate(),
    hour: reached.getUTCHours(),
    minute: reached.getUTCMinutes(),
  };
}

const descending = (values: ReadonlySet<number>, atMost: number) =>
  [...values].filter((v) => v <= atMost).sort((a, b) => b - a);

/**
 * The latest instant at or before `now` (minute resolution) whose wall-clock time in `timeZone`
 * matches, or null when none falls within the last nine years. Steps back a day at a time, and
 * inside a matching day by hour then minute, so a yearly expression costs a few thousand cheap
 * calendar steps and a handful of time-zone conversions, not half a million minute checks.
 * A wall time in a daylight-saving gap counts at the instant `instantOf` gives it (shifted by the gap);
 * a repeated wall time counts once, at its first instant, so both hours name the same occurrence.
 */
export function latestCronOccurrence(cron: CronExpression | string, now: Date, timeZone: string): Date | null {
  const expression = typeof cron === 'string' ? parseCron(cron) : cron;
  const today = wallClockReached(now, timeZone);
  for (let back = 0; back <= SEARCH_DAYS; back++) {
    // A UTC date serves as a plain calendar: it normalises month ends and gives the weekday.
    const date = new Date(Date.UTC(today.year, today.month - 1, today.day - back));
    const [year, month, day] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
    if (!cronMatchesDay(expression, month, day, date.getUTCDay())) continue;
    for (const hour of descending(expression.hours, back === 0 ? today.hour : 23)) {
      const lastMinute = back === 0 && hour === today.hour ? today.minute : 59;
      for (const minute of descending(expression.minutes, lastMinute)) {
        const instant = firstInstantOf(year, month, day, hour, minute, timeZone);
        // Only around a daylight-saving change can a wall time before "now" lie after it.
        if (instant.getTime() <= now.getTime()) return instant;
      }
    }
  }
  return null;
}
