// Database refusals a client can cause with what it sent (a duplicate, a number or date out of range,
// text the database cannot store, a race with another request), as errors in the one shape. Input is
// validated before it reaches the database; this is the backstop, so a gap there is a 4xx, not a 500.
import { AppError } from '../errors.ts';

/** The fields PostgreSQL (node-postgres and PGlite alike) puts on an error it raised. */
interface PostgresError {
  code: string;
  detail?: string;
  constraint?: string;
  column?: string;
}

function postgresErrorIn(error: unknown): PostgresError | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return current as unknown as PostgresError;
  }
  return undefined;
}

/** "Key (lower(email::text))=(a@b.c) already exists." → "email"; the value itself is not repeated back. */
function keyColumns(detail: string | undefined): string | undefined {
  let key = /^Key \((.+?)\)=\(/.exec(detail ?? '')?.[1]?.replace(/::[\w ]+/g, '');
  while (key && /\w+\(([^()]*)\)/.test(key)) key = key.replace(/\w+\(([^()]*)\)/g, '$1');
  return key;
}

const where = (e: PostgresError) => ({
  ...(e.constraint ? { constraint: e.constraint } : {}),
  ...(e.column ? { column: e.column } : {}),
});

const MAPPED: Record<string, (e: PostgresError) => AppError> = {
  // integrity: the request collided with stored data, usually a concurrent request
  '23505': (e) =>
    new AppError('CONFLICT', `Something with the same ${keyColumns(e.detail) ?? 'key'} already exists.`, {
      reason: 'duplicate',
      ...where(e),
    }),
  '23503': (e) =>
    new AppError('CONFLICT', 'The request refers to something that does not exist (any more).', {
      reason: 'missing_reference',
      ...where(e),
    }),
  '40001': () => new AppError('CONFLICT', 'Another change got in the way; try again.', { reason: 'concurrent_change' }),
  '40P01': () => new AppError('CONFLICT', 'Another change got in the way; try again.', { reason: 'concurrent_change' }),
  // data exceptions: a value the schema let through but the column cannot hold
  '22001': (e) =>
    new AppError('BAD_REQUEST', 'A text in the request is too long to store.', { reason: 'too_long', ...where(e) }),
  '22003': (e) =>
    new AppError('BAD_REQUEST', 'A number in the request is out of the range that can be stored.', {
      reason: 'number_out_of_range',
      ...where(e),
    }),
  '22007': (e) =>
    new AppError('BAD_REQUEST', 'A date or time in the request is not valid.', {
      reason: 'invalid_datetime',
      ...where(e),
    }),
  '22008': (e) =>
    new AppError(
      'BAD_REQUEST',
      'A date or time in the request is out of the range that can be stored (years 0001 to 9999).',
      { reason: 'datetime_out_of_range', ...where(e) },
    ),
  '22021': (e) =>
    new AppError(
      'BAD_REQUEST',
      'A text in the request contains a character that cannot be stored (NUL or invalid encoding).',
      { reason: 'unstorable_text', ...where(e) },
    ),
  '22P05': (e) =>
    new AppError(
      'BAD_REQUEST',
      'A text in the request contains a character that cannot be stored (NUL or invalid encoding).',
      { reason: 'unstorable_text', ...where(e) },
    ),
  '22P02': (e) =>
    new AppError(
      'BAD_REQUEST',
      'A value in the request is not of the expected kind (e.g. an id or a number), or is not valid Unicode.',
      { reason: 'invalid_value', ...where(e) },
    ),
  '23514': (e) =>
    new AppError('BAD_REQUEST', 'A value in the request breaks a rule of what can be stored.', {
      reason: 'check_failed',
      ...where(e),
    }),
};

/** The client error for a database refusal the request caused, or undefined for anything else (a real 500). */
export function clientErrorFromDatabase(error: unknown): AppError | undefined {
  const found = postgresErrorIn(error);
  return found ? MAPPED[found.code]?.(found) : undefined;
}
