// Card order within a column: fractional keys, so a drop writes one row instead of renumbering the
// column. A random tail keeps two concurrent drops into the same gap from producing the same key.
import { randomInt } from 'node:crypto';
import { generateKeyBetween } from 'fractional-indexing';

const DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Random digits, the last never "0" (a key may not end in "0"). */
function randomDigits(count: number): string {
  return Array.from({ length: count }, (_, i) => DIGITS[randomInt(i === count - 1 ? 1 : 0, DIGITS.length)]).join('');
}

export function positionBetween(before: string | null, after: string | null): string {
  const key = generateKeyBetween(before, after);
  // Any extension of `key` stays above `before`. It stays below `after` unless `after` itself starts
  // with `key`; then the tail starts with more "0"s than the rest of `after` does, which keeps it lower.
  const rest = after?.startsWith(key) ? after.slice(key.length) : null;
  const zeros = rest === null ? '' : '0'.repeat(/^0*/.exec(rest)![0].length + 1);
  // Six random digits: about one in 5·10^10 that two drops into one gap collide (ids break ties).
  return `${key}${zeros}${randomDigits(6)}`;
}
