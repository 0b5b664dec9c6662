// Values as SQL: their possible runtime types, truthiness, and and/or/if results as one SQL value.
import { sql } from 'kysely';
import { isTruthy } from '../json-logic.ts';
import {
  ALL,
  bind,
  constBounds,
  FALSE,
  jsonParam,
  jsType,
  lit,
  no,
  num,
  text,
  TRUE,
  type Cond,
  type Dyn,
  type Kind,
  type S,
  type T,
  type Val,
} from './sql-parts.ts';

export const throwsOf = (v: Val): boolean =>
  v.k === 'const' || v.k === 'str' ? false : v.k === 'list' ? v.items.some(throwsOf) : v.throws;
export function typesOf(v: Val): T[] {
  return v.k === 'const'
    ? [jsType(v.v)]
    : v.k === 'num'
      ? ['number']
      : v.k === 'bool'
        ? ['boolean']
        : v.k === 'str'
          ? v.nullable
            ? ['null', 'string']
            : ['string']
          : v.k === 'json'
            ? v.types
            : typesOf(dyn(v));
}
export function toJson(v: Val): S {
  const d = dyn(v);
  if (d.k === 'const') return jsonParam(d.v);
  if (d.k === 'str' && d.nullable) return sql`COALESCE(to_jsonb(${d.s}), 'null'::jsonb)`;
  return d.k === 'json' ? d.s : sql`to_jsonb(${(d as { s: S }).s})`;
}
/** A CASE that keeps a throwing condition's NULL: neither a nor b when c is NULL. */
export function branch(c: Cond, a: S, b: S): S {
  // The simple CASE evaluates the condition once, without the per-row subquery bind() would cost.
  return c.throws
    ? sql`CASE ${c.s} WHEN true THEN ${a} WHEN false THEN ${b} END`
    : sql`CASE WHEN ${c.s} THEN ${a} ELSE ${b} END`;
}
/** and/or/if results and literal lists as one SQL value: num, str or bool when all parts agree, else jsonb. */
export function dyn(v: Val): Dyn {
  if (v.k === 'list')
    return {
      k: 'json',
      s: guard(v.items, sql`jsonb_build_array(${sql.join(v.items.map(toJson))})`),
      types: ['array'],
      throws: v.items.some(throwsOf),
    };
  if (v.k !== 'choice' || v.cache) return v.k === 'choice' ? v.cache! : v;
  const parts = v.parts.map(dyn);
  const kinds = new Set(
    parts.map((p) =>
      p.k !== 'const'
        ? p.k
        : typeof p.v === 'number' && Number.isFinite(p.v)
          ? 'num'
          : typeof p.v === 'boolean'
            ? 'bool'
            : typeof p.v === 'string' || p.v === null
              ? 'str'
              : 'json',
    ),
  );
  const kind: Kind = kinds.size === 1 && !(kinds.has('str') && v.throws) ? ([...kinds][0] as Kind) : 'json';
  const as = (p: Dyn): S =>
    kind === 'json'
      ? toJson(p)
      : p.k !== 'const'
        ? (p as { s: S }).s
        : kind === 'num'
          ? num(p.v as number)
          : kind === 'bool'
            ? lit(p.v as boolean)
            : p.v === null
              ? sql`NULL::text`
              : text(p.v);
  const s = v.build((i) => as(parts[i]!), kind);
  const bs = kind === 'num' ? parts.map((p) => (p.k === 'num' ? p.b : constBounds((p as { v: number }).v))) : [];
  v.cache =
    kind === 'num'
      ? {
          k: 'num',
          s,
          throws: v.throws,
          b: {
            hi: Math.max(...bs.map((b) => b.hi)),
            lo: Math.min(...bs.map((b) => b.lo)),
            zero: bs.some((b) => b.zero),
          },
        }
      : kind === 'str'
        ? { k: 'str', s, nullable: parts.some((p) => typesOf(p).includes('null')) }
        : kind === 'bool'
          ? { k: 'bool', s, throws: v.throws }
          : { k: 'json', s, throws: v.throws, types: [...new Set(parts.flatMap(typesOf))] };
  return v.cache;
}
/** A value of the given kind read from SQL `s` (for truthiness of a bound and/or operand). */
export const ofKind = (kind: Kind, s: S, throws: boolean): Val =>
  kind === 'num'
    ? { k: 'num', s, throws, b: { hi: 0, lo: 0, zero: true } }
    : kind === 'str'
      ? { k: 'str', s, nullable: true }
      : kind === 'bool'
        ? { k: 'bool', s, throws }
        : { k: 'json', s, types: ALL, throws };
export function truthy(v: Val): Cond {
  switch (v.k) {
    case 'const':
      return { s: lit(isTruthy(v.v)), throws: false };
    case 'num':
      return { s: sql`(${v.s} <> 0)`, throws: v.throws };
    case 'str':
      return { s: v.nullable ? sql`COALESCE(${v.s} <> '', false)` : sql`(${v.s} <> '')`, throws: false };
    case 'bool':
      return { s: v.s, throws: v.throws };
    case 'choice':
      return v.truthy;
    case 'list':
      return { s: guard(v.items, lit(v.items.length > 0)), throws: throwsOf(v) };
  }
  const byType = (j: S): Record<T, S> => ({
    null: FALSE,
    boolean: sql`(${j} = 'true'::jsonb)`,
    number: sql`(${j} <> '0'::jsonb)`,
    string: sql`(${j} <> '""'::jsonb)`,
    array: sql`(jsonb_array_length(${j}) > 0)`,
    object: TRUE,
  });
  return (
    v.truthy ?? {
      s: bind(
        [v.s],
        ([j]) =>
          sql`CASE jsonb_typeof(${j}) ${sql.join(
            v.types.map((ty) => sql`WHEN ${sql.lit(ty)} THEN ${byType(j!)[ty]}`),
            sql` `,
          )} END`,
      ),
      throws: v.throws,
    }
  );
}
/** NULL when an operand threw (json-logic evaluates every operand before the operation). */
export function guard(vals: Val[], s: S): S {
  const nulls = vals
    .flatMap((v) => (v.k === 'list' ? v.items : [v]))
    .filter(throwsOf)
    .map((v) => sql`${(dyn(v) as { s: S }).s} IS NULL`);
  return nulls.length ? sql`CASE WHEN ${sql.join(nulls, sql` OR `)} THEN NULL ELSE ${s} END` : s;
}
/** json-logic evaluates arguments an operation ignores: fine as long as they cannot throw. */
export function ignoreExtra(vals: Val[], keep: number): Val[] {
  if (vals.slice(keep).some(throwsOf)) no('an ignored argument that may throw');
  return vals.slice(0, keep);
}
