// Comparisons: every pair of runtime types, each as JavaScript does it, and NULL where JS throws.
import { sql } from 'kysely';
import { arrayEquals, arrayToNumber, toNumberText } from './js-to-number.ts';
import {
  bind,
  cheap,
  FALSE,
  FLIP,
  JS,
  jsonParam,
  jsType,
  lit,
  no,
  NULL,
  num,
  text,
  TRUE,
  type Alt,
  type Op,
  type S,
  type Val,
} from './sql-parts.ts';
import { branch, dyn, guard, ignoreExtra, throwsOf, typesOf } from './values.ts';

function alts(v: Val): Alt[] {
  const d = dyn(v);
  switch (d.k) {
    case 'const':
      return [{ t: jsType(d.v), has: true, c: d.v }];
    case 'num':
      return [{ t: 'number', v: d.s }];
    case 'bool':
      return [{ t: 'boolean', v: d.s }];
    case 'str':
      return d.nullable
        ? [
            { t: 'null', has: true, c: null, when: sql`${d.s} IS NULL` },
            { t: 'string', v: d.s, when: sql`${d.s} IS NOT NULL` },
          ]
        : [{ t: 'string', v: d.s }];
    case 'json':
      return d.types.map((t) => ({
        t,
        when: sql`jsonb_typeof(${d.s}) = ${sql.lit(t)}`,
        ...(t === 'null'
          ? { has: true, c: null }
          : {
              v:
                t === 'number'
                  ? sql`(${d.s})::float8`
                  : t === 'string'
                    ? sql`(${d.s} #>> '{}')`
                    : t === 'boolean'
                      ? sql`(${d.s} = 'true'::jsonb)`
                      : d.s,
            }),
      }));
  }
}
const k = (c: unknown): Alt => ({ t: jsType(c), has: true, c });
type Num = { c: number } | { s: S; nan: boolean } | { throws: true };
function toNum(a: Alt): Num {
  if (a.has) {
    try {
      return { c: Number(a.c) };
    } catch {
      return { throws: true };
    }
  }
  if (a.t === 'number') return { s: a.v!, nan: false };
  if (a.t === 'boolean')
    return { s: sql`CASE WHEN ${a.v} THEN 1::float8 WHEN NOT ${a.v} THEN 0::float8 END`, nan: false };
  if (a.t === 'string') return { s: toNumberText(a.v!), nan: true };
  return a.t === 'array' ? { s: arrayToNumber(a.v!), nan: true } : no(`a ${a.t} as a number`);
}
function numCmp(op: Op, a: Num, b: Num): S {
  if ('throws' in a || 'throws' in b) return NULL;
  if ('c' in a && 'c' in b) return lit(JS[op](a.c, b.c));
  const [x, y] = [a, b].map((n) => ('c' in n ? num(Number.isNaN(n.c) ? 0 : n.c) : n.s)) as [S, S];
  const o = sql.raw(op === '==' ? '=' : op);
  const nan = [a, b].some((n) => ('c' in n ? Number.isNaN(n.c) : n.nan));
  if (!nan) return sql`(${x} ${o} ${y})`;
  // A converted array may have thrown (NULL); otherwise any NaN makes every comparison false.
  const isNanOf = (n: Num, r: S) =>
    'c' in n ? lit(Number.isNaN(n.c)) : 'nan' in n && n.nan ? sql`${r} = 'NaN'::float8` : FALSE;
  return bind(
    [x, y],
    ([p, q]) =>
      sql`CASE WHEN ${p} IS NULL OR ${q} IS NULL THEN NULL WHEN ${isNanOf(a, p)} OR ${isNanOf(b, q)} THEN false ELSE ${p} ${o} ${q} END`,
  );
}
export function cmp(op: Op, x: Alt, y: Alt): S {
  if (x.has && y.has) {
    try {
      return lit(JS[op](x.c, y.c));
    } catch {
      return NULL;
    }
  }
  const obj = (a: Alt) => a.t === 'array' || a.t === 'object';
  if (op === '===' || (op === '==' && (x.t === y.t || (obj(x) && obj(y))))) {
    if (x.t !== y.t) return FALSE;
    if (obj(x)) return x.has || y.has ? FALSE : no('a comparison of two arrays or objects (by identity)');
    const side = (a: Alt) => (!a.has ? a.v : a.t === 'boolean' ? lit(a.c as boolean) : text(a.c));
    return x.t === 'number' ? numCmp('==', toNum(x), toNum(y)) : sql`(${side(x)} = ${side(y)})`;
  }
  if (op === '==' && (x.t === 'null' || y.t === 'null')) return FALSE;
  if (x.t === 'object' || y.t === 'object') return NULL; // ToPrimitive of a null-prototype object throws
  for (const [a, put] of [
    [x, (p: Alt) => cmp(op, p, y)],
    [y, (p: Alt) => cmp(op, x, p)],
  ] as const) {
    if (a.has && a.t === 'array') {
      let p: string;
      try {
        p = String(a.c);
      } catch {
        return NULL;
      }
      return put(k(p));
    }
  }
  if (op === '==') {
    if (x.t !== 'array' && y.t !== 'array') return numCmp('==', toNum(x), toNum(y));
    const [arr, o] = x.t === 'array' ? [x, y] : [y, x];
    if (o.t === 'number' || o.t === 'boolean') return numCmp('==', toNum(arr), toNum(o)); // true == [1]: 1 == "1"
    return o.has && !String(o.c).includes(',')
      ? arrayEquals(arr.v!, String(o.c))
      : no('== of an array and a string that is not a constant without commas');
  }
  const stringy = (a: Alt) => a.t === 'string' || a.t === 'array';
  if (!stringy(x) || !stringy(y)) return numCmp(op, toNum(x), toNum(y));
  const [d, c, o] = x.has ? [y, x, FLIP[op]!] : [x, y, op];
  if (!c.has || d.t !== 'string' || /[\uD800-\uFFFF]/.test(c.c as string))
    no('an ordering of strings other than a text value against a constant below U+D800');
  return sql`(${d.v} COLLATE "C" ${sql.raw(o)} ${text(c.c)})`;
}
export function withBound(v: Val, fn: (v: Val) => S): S {
  const d = dyn(v);
  return (d.k === 'json' || d.k === 'bool' || (d.k === 'num' && d.throws)) && !cheap.has(d.s)
    ? bind([d.s], ([r]) => fn({ ...d, s: r! }))
    : fn(d);
}
export function pairwise(a: Val, b: Val, f: (x: Alt, y: Alt) => S): S {
  return withBound(a, (A) =>
    withBound(b, (B) => {
      const [xs, ys] = [alts(A), alts(B)];
      const arms = xs.flatMap((x) => ys.map((y) => [[x.when, y.when].filter((w): w is S => !!w), f(x, y)] as const));
      if (arms.length === 1 && !arms[0]![0].length) return guard([A, B], arms[0]![1]);
      const json =
        A.k === 'json' && ys.length === 1 && !ys[0]!.when
          ? A
          : B.k === 'json' && xs.length === 1 && !xs[0]!.when
            ? B
            : undefined;
      if (json)
        return guard(
          [A, B],
          sql`CASE jsonb_typeof(${json.s}) ${sql.join(
            arms.map(([, r], i) => sql`WHEN ${sql.lit(json.types[i]!)} THEN ${r}`),
            sql` `,
          )} END`,
        );
      return guard(
        [A, B],
        sql`CASE ${sql.join(
          arms.map(([w, r]) => sql`WHEN ${w.length ? sql.join(w, sql` AND `) : TRUE} THEN ${r}`),
          sql` `,
        )} END`,
      );
    }),
  );
}
export function compare(op: string, all: Val[]): Val {
  const vals = ignoreExtra(all, op === '<' || op === '<=' ? 3 : 2);
  const base = (op === '!=' ? '==' : op === '!==' ? '===' : op) as Op;
  const throws = vals.some((v) => throwsOf(v) || typesOf(v).some((t) => t === 'array' || t === 'object'));
  const f = (x: Alt, y: Alt) => cmp(base, x, y);
  if (vals.length === 3 && (op === '<' || op === '<=')) {
    const [a, b, c] = vals as [Val, Val, Val];
    return { k: 'bool', s: guard(vals, branch({ s: pairwise(a, b, f), throws }, pairwise(b, c, f), FALSE)), throws };
  }
  if (vals.length !== 2) no(`"${op}" with ${vals.length} arguments`);
  const s = strictJsonEquality(base, vals[0]!, vals[1]!) ?? pairwise(vals[0]!, vals[1]!, f);
  return { k: 'bool', s: base === op ? s : sql`(NOT ${s})`, throws };
}
/** `===` of a jsonb value and a string, boolean or null is jsonb equality: one comparison, no dispatch on the type. */
function strictJsonEquality(op: Op, a: Val, b: Val): S | undefined {
  const [j, c] = a.k === 'json' ? [a, b] : [b, a];
  if (
    op !== '===' ||
    j.k !== 'json' ||
    c.k !== 'const' ||
    !(typeof c.v === 'string' || typeof c.v === 'boolean' || c.v === null)
  )
    return undefined;
  return sql`(${j.s} = ${jsonParam(c.v)})`;
}
