// in, missing, arithmetic and and/or/if, with json-logic's own argument handling.
import { sql } from 'kysely';
import {
  ALL,
  bind,
  constBounds,
  FALSE,
  jsonParam,
  lit,
  nextAlias,
  no,
  num,
  text,
  TRUE,
  type Bounds,
  type Cond,
  type Kind,
  type S,
  type Val,
} from './sql-parts.ts';
import { cmp, pairwise, withBound } from './compare.ts';
import { branch, dyn, guard, ignoreExtra, ofKind, throwsOf, truthy } from './values.ts';

export function inOp(a: Val, b: Val): Val {
  const eq = (item: Val) => pairwise(a, item, (x, y) => cmp('===', x, y));
  const anyOf = (items: Val[]) => (items.length ? sql`(${sql.join(items.map(eq), sql` OR `)})` : FALSE);
  const needle = (): S => {
    const d = dyn(a);
    if (d.k === 'const') {
      let s: string;
      try {
        s = String(d.v);
      } catch {
        return sql`NULL::text`;
      }
      return text(s);
    }
    if (d.k === 'str') return d.nullable ? sql`COALESCE(${d.s}, 'null')` : d.s;
    return d.k === 'bool'
      ? sql`CASE WHEN ${d.s} THEN 'true' WHEN NOT ${d.s} THEN 'false' END`
      : no('`in` of a number or field within a string');
  };
  const within = (hay: S) => sql`(${hay} <> '' AND strpos(${hay}, ${needle()}) > 0)`;
  let s: S;
  if (b.k === 'const')
    s = Array.isArray(b.v)
      ? anyOf(b.v.map((v): Val => ({ k: 'const', v })))
      : typeof b.v === 'string' && b.v !== ''
        ? within(text(b.v))
        : FALSE;
  else if (b.k === 'list') s = anyOf(b.items);
  else if (b.k === 'json' && b.labels && a.k === 'const')
    s =
      typeof a.v === 'string'
        ? sql`COALESCE(${text(a.v)} = ANY(tasks.labels), false)`
        : a.v === null
          ? sql`(array_position(tasks.labels, NULL) IS NOT NULL)`
          : FALSE;
  else
    s = withBound(b, (d) => {
      if (d.k === 'str')
        return d.nullable ? sql`CASE WHEN ${d.s} IS NULL THEN false ELSE ${within(d.s)} END` : within(d.s);
      if (d.k !== 'json') return FALSE; // numbers and booleans have no indexOf
      const e = nextAlias('e');
      const arms = [
        d.types.includes('array') &&
          sql`WHEN 'array' THEN EXISTS (SELECT 1 FROM jsonb_array_elements(${d.s}) AS ${sql.raw(e)}(v) WHERE ${eq({ k: 'json', s: sql.raw(`${e}.v`), types: ALL, throws: false })})`,
        d.types.includes('string') && sql`WHEN 'string' THEN ${within(sql`(${d.s} #>> '{}')`)}`,
      ].filter((x): x is S => !!x);
      return sql`CASE jsonb_typeof(${d.s}) ${sql.join(arms, sql` `)} ELSE false END`;
    });
  return {
    k: 'bool',
    s: guard([a, b], s),
    throws: throwsOf(a) || throwsOf(b) || (a.k === 'const' && typeof a.v === 'object' && a.v !== null),
  };
}
/** `varOf` compiles `{var: key}` (json-logic-sql.ts passes its compiler, which imports this file). */
export function missing(vals: Val[], varOf: (key: unknown) => Val): Val {
  const args = vals.map((v) => (v.k === 'const' ? v.v : no('computed `missing` keys')));
  const checks = (Array.isArray(args[0]) ? args[0] : args).map((key): [unknown, S] => {
    const v = varOf(key);
    return [
      key,
      v.k === 'const'
        ? lit(v.v === null || v.v === '')
        : v.k === 'str'
          ? sql`(${v.s} IS NULL OR ${v.s} = '')`
          : v.k === 'json'
            ? sql`(${v.s} IN ('null'::jsonb, '""'::jsonb))`
            : FALSE,
    ];
  });
  const s = checks.length
    ? sql`(${sql.join(
        checks.map(([key, m]) => sql`CASE WHEN ${m} THEN ${jsonParam([key])} ELSE '[]'::jsonb END`),
        sql` || `,
      )})`
    : sql`'[]'::jsonb`;
  return {
    k: 'json',
    s,
    types: ['array'],
    throws: false,
    truthy: {
      s: checks.length
        ? sql`(${sql.join(
            checks.map(([, m]) => m),
            sql` OR `,
          )})`
        : FALSE,
      throws: false,
    },
  };
}
export function arith(op: string, vals: Val[]): Val {
  if (op === '*' && vals.length === 1) return vals[0]!; // a lone factor comes back untouched
  if (op === '-' || op === '/') vals = ignoreExtra(vals, 2);
  if (op === '/' && vals.length === 1) vals = [...vals, { k: 'const', v: undefined }]; // x / undefined
  const terms = vals.map((v) => {
    if (v.k === 'num') return v;
    if (v.k !== 'const') return no('arithmetic on a value that is not statically a number');
    let n: number;
    try {
      n = op === '+' || op === '*' ? parseFloat(v.v as string) : Number(v.v);
    } catch {
      return no('arithmetic that throws');
    }
    if (Number.isNaN(n)) return undefined;
    return Number.isFinite(n) ? { s: num(n), b: constBounds(n) } : no('an infinite number in arithmetic');
  });
  const throws = vals.some(throwsOf);
  if (terms.includes(undefined))
    return throws ? no('arithmetic on NaN with a part that may throw') : { k: 'const', v: NaN };
  const [first, ...more] = terms as { s: S; b: Bounds }[];
  let acc = op === '-' && !more.length ? { s: sql`(- ${first!.s})`, b: first!.b } : first!;
  for (const t of more) {
    const [a, b] = [acc.b, t.b];
    if (op === '/' && b.zero) no('a division by a value that may be zero');
    const r =
      op === '*'
        ? { hi: a.hi * b.hi, lo: a.lo * b.lo, zero: a.zero || b.zero }
        : op === '/'
          ? { hi: a.hi / b.lo, lo: a.lo / b.hi, zero: a.zero }
          : { hi: a.hi + b.hi, lo: Math.min(a.lo, b.lo) * 2 ** -53, zero: true };
    if (!(r.hi <= 1e300) || r.lo < 1e-300) no('arithmetic PostgreSQL could overflow or underflow');
    acc = { s: sql`(${acc.s} ${sql.raw(op)} ${t.s})`, b: r };
  }
  return { k: 'num', s: acc.s, b: acc.b, throws };
}
export function logic(op: 'and' | 'or', vals: Val[]): Val {
  if (vals.length === 1) return vals[0]!;
  const conds = vals.map(truthy);
  const truth = conds.reduceRight((acc, c) => ({
    s: c.throws
      ? op === 'and'
        ? branch(c, acc.s, FALSE)
        : branch(c, TRUE, acc.s)
      : sql`(${c.s} ${sql.raw(op === 'and' ? 'AND' : 'OR')} ${acc.s})`,
    throws: c.throws || acc.throws,
  }));
  // As a value: the first falsy (and) or truthy (or) operand, else the last; each operand evaluated once.
  const build = (part: (i: number) => S, kind: Kind) =>
    vals.slice(0, -1).reduceRight(
      (rest, v, i) =>
        bind([part(i)], ([r]) => {
          const t = truthy(ofKind(kind, r, throwsOf(v)));
          return op === 'and' ? branch(t, rest, r) : branch(t, r, rest);
        }),
      part(vals.length - 1),
    );
  return { k: 'choice', parts: vals, build, truthy: truth, throws: vals.some(throwsOf) || truth.throws };
}
export function ifOp(vals: Val[]): Val {
  const conds: Cond[] = [];
  const parts: Val[] = [];
  for (let i = 0; i + 1 < vals.length; i += 2) {
    conds.push(truthy(vals[i]!));
    parts.push(vals[i + 1]!);
  }
  parts.push(vals.length % 2 ? vals.at(-1)! : { k: 'const', v: null });
  if (!conds.length) return parts[0]!;
  const chain = (value: (i: number) => S) =>
    conds.reduceRight((acc, c, i) => branch(c, value(i), acc), value(conds.length));
  const throws = vals.some(throwsOf) || conds.some((c) => c.throws);
  return {
    k: 'choice',
    parts,
    build: (part) => chain(part),
    truthy: { s: chain((i) => truthy(parts[i]!).s), throws },
    throws,
  };
}
