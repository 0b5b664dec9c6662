// The building blocks every route's input schema uses, bounded to what the database can store: ids
// within their column's integer type, instants within PostgreSQL's and JavaScript's common years, and
// (for every string anywhere in a request) text without NUL or lone surrogates.
import { z } from 'zod';

export const INT4_MAX = 2_147_483_647;

/** NUL (PostgreSQL refuses it in text and jsonb) or half of a UTF-16 surrogate pair (not encodable as UTF-8). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what this guard has to find
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The first character of `text` a database cannot store, with where it is and what is wrong. */
export function findUnstorable(text: string): { index: number; message: string } | undefined {
  const found = UNSTORABLE.exec(text);
  if (!found) return undefined;
  const message =
    found[0] === '\u0000'
      ? 'contains a NUL character (\\u0000)'
      : `contains a lone surrogate (\\u${found[0].charCodeAt(0).toString(16)}), which is not valid Unicode`;
  return { index: found.index, message };
}

/** Deeper than any route's input needs; deeper input would overflow the recursion of whatever reads it next. */
export const MAX_INPUT_DEPTH = 32;

export interface FieldIssue {
  path: string;
  message: string;
}

/** A schema's refusal as one line per field, the way every error names what and where. */
export function toFieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.join('.') || '(root)',
    message: issue.message.replace(/^Invalid input: /, ''),
  }));
}

/**
 * The first problem in a parsed request that no route schema states but all share: text the database
 * cannot store (in any string or object key) or nesting deeper than MAX_INPUT_DEPTH. Walked with an
 * explicit stack, so a hostile depth costs nothing more than a refusal.
 */
export function inputProblemAt(input: unknown): { path: (string | number)[]; message: string } | undefined {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: input, path: [] }];
  while (stack.length) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string') {
      const found = findUnstorable(value);
      if (found) return { path, message: found.message };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (path.length >= MAX_INPUT_DEPTH) return { path, message: `nests deeper than ${MAX_INPUT_DEPTH} levels` };
    const entries: [string | number, unknown][] = Array.isArray(value)
      ? value.map((item, index) => [index, item])
      : Object.entries(value);
    for (const [key] of entries) {
      const found = typeof key === 'string' ? findUnstorable(key) : undefined;
      if (found) return { path: [...path, key], message: `the key ${found.message}` };
    }
    for (const [key, item] of entries.reverse()) stack.push({ value: item, path: [...path, key] });
  }
  return undefined;
}

/** A positive integer stored in an int4 column: versions, limits, organisation version ids. */
export const positiveInt4 = z.number().int().min(1).max(INT4_MAX);

/** A bigint row id in a JSON body; JavaScript numbers are exact up to 2^53. */
export const rowId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

const digits = (max: number, what: string) =>
  z
    .string()
    .regex(/^[1-9][0-9]{0,15}$/, `expected ${what}: a positive whole number`)
    .transform(Number)
    .pipe(z.number().max(max, `expected ${what} of at most ${max}`));

/** A bigint row id in a path or query string. */
export const rowIdText = digits(Number.MAX_SAFE_INTEGER, 'an id');
/** An int4 id (organisation versions) in a path or query string. */
export const int4IdText = digits(INT4_MAX, 'an id');

// Years 0001–9999 in UTC: PostgreSQL has no year 0, and a later year is not written as four digits.
const EARLIEST = Date.parse('0001-01-01T00:00:00Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');
const inRange = (value: string) => {
  const time = Date.parse(value);
  return time >= EARLIEST && time <= LATEST;
};

/** An instant with its offset, e.g. 2026-03-15T10:00:00+08:00, in years 0001–9999. */
export const isoDateTime = (message = 'expected an ISO date-time with offset, e.g. 2026-03-15T10:00:00+08:00') =>
  z.iso.datetime({ offset: true, message }).refine(inRange, 'expected a date-time in the years 0001 to 9999 (UTC)');

/** A calendar date, e.g. 2026-03-15, in years 0001–9999. */
export const isoDate = () =>
  z.iso.date().refine((value) => !value.startsWith('0000'), 'expected a date in the years 0001 to 9999');
