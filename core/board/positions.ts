// Card order within a column: fractional keys, so a drop writes one row instead of renumbering the
// column. A random tail keeps two concurrent drops into the same gap from producing the same key.
import { randomInt } from 'node:crypto';
import { generateKeyBetween } from 'fractional-indexing';

const TAIL_DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function positionBetween(before: string | null, after: string | null): string {
  const key = generateKeyBetween(before, after);
  // Appending characters keeps the key above `before`; below `after` holds as long as the key is a
  // strict prefix-free midpoint, which generateKeyBetween guarantees for keys it produced.
  const tail = TAIL_DIGITS[randomInt(1, TAIL_DIGITS.length)]!;
  const candidate = `${key}${tail}`;
  return after === null || candidate < after ? candidate : key;
}
