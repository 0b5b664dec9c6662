// JavaScript's ToNumber on text, exactly, in SQL (PostgreSQL's 'NaN' standing for NaN), and String()
// of arrays as far as comparisons need it.
import { sql } from 'kysely';
import { bind, FALSE, jsonParam, lit, num, text, type S } from './sql-parts.ts';

/** JavaScript's StrWhiteSpaceChar (WhiteSpace and LineTerminator), as a regex character class body. */
export const JS_WHITESPACE = '\t\n\u000b\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff';
// Exact decimals of the rounding boundaries: from 2^1024 - 2^970 up a number is ±Infinity, to 2^-1075 it is 0.
const [MAX_ROUNDS_DOWN, MIN_ROUNDS_UP] = [
  (2n ** 1024n - 2n ** 970n).toString(),
  `0.${(5n ** 1075n).toString().padStart(1075, '0')}`,
];
const PATH = {
  object: 'strict $.** ? (@.type() == "object")',
  pair: 'strict $.** ? (@.type() == "array" && @.size() > 1)',
  leaf: 'strict $.** ? (@.type() != "array")',
};
const inf = (sign: S) => sql`CASE WHEN ${sign} = '-' THEN '-Infinity'::float8 ELSE 'Infinity'::float8 END`;
export function toNumberText(s: S): S {
  // Fast path: plain decimals (at most 250 digits each side) are within double range, where float8in rounds as JS does.
  return bind(
    [s],
    ([x]) =>
      sql`CASE WHEN ${x} ~ '^[+-]?[0-9]{1,250}([.][0-9]{0,250})?$' THEN ${x}::float8 ELSE ${slowToNumber(x)} END`,
  );
}
function slowToNumber(s: S): S {
  return bind(
    [sql`regexp_replace(${s}, ${`^[${JS_WHITESPACE}]+|[${JS_WHITESPACE}]+$`}, '', 'g')`],
    ([t]) => sql`CASE WHEN ${t} = '' THEN 0::float8
    WHEN ${t} ~ '^[+-]?Infinity$' THEN ${t}::float8
    WHEN ${t} ~ '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$' THEN ${decimal(t)}
    WHEN ${t} ~ '^0([xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)$' THEN ${nonDecimal(t)} ELSE 'NaN'::float8 END`,
  );
}
/** Decimal literal → the nearest double: float8in when it cannot overflow, else exact numeric from 800 significant digits and a sticky one. */
function decimal(t: S): S {
  return bind([sql`regexp_match(${t}, '^([+-]?)([0-9]*)[.]?([0-9]*)(?:[eE]([+-]?)([0-9]+))?$')`], ([m]) =>
    bind(
      [
        sql`${m}[1]`,
        sql`ltrim(${m}[2] || ${m}[3], '0')`,
        sql`length(${m}[2] || ${m}[3]) - length(${m}[2])`,
        sql`coalesce(${m}[4], '')`,
        sql`ltrim(coalesce(${m}[5], ''), '0')`,
      ],
      ([sign, digits, fraction, esign, exp]) =>
        sql`CASE WHEN ${digits} = '' THEN 0::float8 WHEN length(${exp}) > 9 THEN CASE WHEN ${esign} = '-' THEN 0::float8 ELSE ${inf(sign)} END
        ELSE ${bind(
          [sql`length(${digits}) - ${fraction} + CASE WHEN ${esign} = '-' THEN -1 ELSE 1 END * ('0' || ${exp})::int`],
          ([k]) =>
            sql`CASE WHEN ${k} BETWEEN -300 AND 300 THEN ${t}::float8 WHEN ${k} > 400 THEN ${inf(sign)} WHEN ${k} < -400 THEN 0::float8 ELSE ${bind(
              [
                sql`(${sign} || '0.' || left(${digits}, 800) || CASE WHEN ltrim(substr(${digits}, 801), '0') <> '' THEN '1' ELSE '' END || 'e' || ${k})::numeric`,
              ],
              ([v]) =>
                sql`CASE WHEN abs(${v}) >= ${MAX_ROUNDS_DOWN}::numeric THEN ${inf(sign)} WHEN abs(${v}) <= ${MIN_ROUNDS_UP}::numeric THEN 0::float8 ELSE ${v}::float8 END`,
            )} END`,
        )} END`,
    ),
  );
}
function nonDecimal(t: S): S {
  return bind(
    [
      sql`CASE lower(substr(${t}, 2, 1)) WHEN 'x' THEN 16 WHEN 'o' THEN 8 ELSE 2 END`,
      sql`ltrim(lower(substr(${t}, 3)), '0')`,
    ],
    ([base, h]) =>
      sql`CASE WHEN ${h} = '' THEN 0::float8 WHEN length(${h}) > CASE ${base} WHEN 16 THEN 256 WHEN 8 THEN 342 ELSE 1024 END THEN 'Infinity'::float8 ELSE ${bind(
        [
          sql`(SELECT sum((strpos('0123456789abcdef', d) - 1) * ${base}::numeric ^ (length(${h}) - i)) FROM regexp_split_to_table(${h}, '') WITH ORDINALITY AS digit(d, i))`,
        ],
        ([v]) => sql`CASE WHEN ${v} >= ${MAX_ROUNDS_DOWN}::numeric THEN 'Infinity'::float8 ELSE ${v}::float8 END`,
      )} END`,
  );
}
/** JS's String(array): throws if it holds an object; has a comma if any array in it has two elements; else one leaf. */
function viaLeaf(j: S, withComma: S, leaf: (l: S) => S): S {
  return sql`CASE WHEN jsonb_path_exists(${j}, ${PATH.object}::jsonpath) THEN NULL WHEN jsonb_path_exists(${j}, ${PATH.pair}::jsonpath) THEN ${withComma}
    ELSE ${bind([sql`jsonb_path_query_first(${j}, ${PATH.leaf}::jsonpath)`], ([l]) => leaf(l))} END`;
}
export const arrayToNumber = (j: S) =>
  viaLeaf(
    j,
    sql`'NaN'::float8`,
    (l) =>
      sql`CASE jsonb_typeof(${l}) WHEN 'number' THEN (${l})::float8 WHEN 'string' THEN ${toNumberText(sql`(${l} #>> '{}')`)} WHEN 'boolean' THEN 'NaN'::float8 ELSE 0::float8 END`,
  );
export const arrayEquals = (j: S, c: string) =>
  viaLeaf(j, FALSE, (l) => {
    const n = Number(c);
    return sql`CASE jsonb_typeof(${l}) WHEN 'string' THEN (${l} #>> '{}') = ${text(c)} WHEN 'number' THEN ${String(n) === c ? sql`(${l})::float8 = ${num(n)}` : FALSE}
    WHEN 'boolean' THEN ${c === 'true' || c === 'false' ? sql`${l} = ${jsonParam(c === 'true')}` : FALSE} ELSE ${lit(c === '')} END`;
  });
