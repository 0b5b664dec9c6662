// Compiles the JsonLogic subset the escalation time path needs into one parameterised boolean SQL
// expression over `tasks`: TRUE exactly when isTruthy(evaluateRule(rule, {task: ruleTask(row, now),
// policy, now})) is true (a rule that throws in Node counts as false, as the engine treats it).
// Whatever the compiler cannot prove identical is refused with { unsupported }; run those in Node.
// - Ops: var, ==, ===, !=, !==, <, <=, >, >=, and, or, !, !!, in, missing, +, -, *, /, if; any other op
//   anywhere refuses the rule. Subtrees that never read `task` (policy.*, now, literals) are evaluated
//   here by json-logic itself and sent as parameters; no value is ever spliced into the SQL text.
// - Paths: task.status/type/title/priority → text columns; task.role/assignee → role_id/assignee_id;
//   task.id; task.age_hours/idle_hours/overdue_hours from the `now` parameter and the timestamps cut
//   to milliseconds (as the drivers give them to Node), with ruleTask's max(0, …) and 0 for no due_at;
//   task.fields.a.b… and task.labels… as jsonb, walked like the evaluator's own-property lookup
//   (arrays answer indexes and `length`). Other task paths (timestamps as strings, business hours,
//   keys ruleTask may gain), the whole task or data, and computed paths are refused.
// - A field has no static type, so comparisons with one branch on jsonb_typeof and do what JavaScript
//   does for each type: loose ==, <, >… convert strings to numbers with JS's grammar (JS whitespace,
//   Infinity, hex/octal/binary, rounding and overflow to ±Infinity), arrays through their join, and
//   throw on the evaluator's null-prototype objects. Refused statically: comparing two values that may
//   both be arrays/objects (JS compares identity), ordering two non-constant strings, an array as a
//   string, or against a constant with code units ≥ U+D800 (JS orders UTF-16 units), == of a possible
//   array and a string other than a comma-free constant, `in` on a string haystack unless the needle
//   is a constant or a text/boolean value.
// - Arithmetic only on static numbers (id, hours, constants, other arithmetic), and only when a range
//   check proves PostgreSQL cannot overflow, underflow or divide by zero (where JS gives Infinity/NaN).
// - JS throws become SQL NULL and propagate as the throw does, through the short-circuits of
//   and/or/if; the result is COALESCE(…, false). Assumes UTF-8 and jsonb numbers that are doubles.
// - The SQL for a field compared with a number is long (JS's ToNumber); with jit = on PostgreSQL
//   spends seconds compiling a many-rule scan, so a scan may want SET LOCAL jit = off.
import { sql, type RawBuilder } from 'kysely';
import { analyzeRule, evaluateRule, isTruthy } from './json-logic.ts';

export interface CompileOptions { now: Date; policy: Record<string, number | string | boolean> }
export type CompiledRule = { sql: RawBuilder<boolean> } | { unsupported: string };
export const SQL_OPERATIONS: ReadonlySet<string> = new Set(['var', '==', '===', '!=', '!==', '<', '<=', '>', '>=', 'and', 'or', '!', '!!', 'in', 'missing', '+', '-', '*', '/', 'if']);
/** The keys of ruleTask() this compiler knows; a test checks the list against ruleTask itself. */
export const KNOWN_TASK_KEYS = ['id', 'type', 'status', 'priority', 'title', 'fields', 'assignee', 'role', 'labels', 'created_at', 'due_at', 'age_hours', 'idle_hours', 'overdue_hours', 'business_age_hours'];

type S = RawBuilder<unknown>;
type T = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';
type Op = '==' | '===' | '<' | '<=' | '>' | '>=';
interface Bounds { hi: number; lo: number; zero: boolean } // |x| ≤ hi; x = 0 or |x| ≥ lo
interface Cond { s: S; throws: boolean }
type Val =
  | { k: 'const'; v: unknown }
  | { k: 'num'; s: S; b: Bounds; throws: boolean } // float8, finite
  | { k: 'str'; s: S; nullable: boolean } // text; NULL is JS null
  | { k: 'bool'; s: S; throws: boolean }
  | { k: 'json'; s: S; types: T[]; throws: boolean; truthy?: Cond; labels?: boolean } // jsonb; SQL NULL only when thrown
  | { k: 'choice'; parts: Val[]; build: (part: (i: number) => S, kind: Kind) => S; truthy: Cond; throws: boolean; cache?: Dyn } // and/or/if
  | { k: 'list'; items: Val[] }; // a literal array with task-dependent items
type Dyn = Exclude<Val, { k: 'choice' | 'list' }>;
type Kind = 'num' | 'str' | 'bool' | 'json';
interface Alt { t: T; has?: boolean; c?: unknown; v?: S; when?: S } // one runtime type of a value

class Unsupported extends Error {}
const no = (why: string): never => { throw new Unsupported(why); };
const ALL: T[] = ['number', 'string', 'boolean', 'null', 'array', 'object']; // the common types first: CASE tries them in order
const [TRUE, FALSE, NULL] = [sql`true`, sql`false`, sql`NULL::boolean`];
const lit = (b: boolean) => (b ? TRUE : FALSE);
const JS: Record<Op, (a: any, b: any) => boolean> = { '==': (a, b) => a == b, '===': (a, b) => a === b, '<': (a, b) => a < b, '<=': (a, b) => a <= b, '>': (a, b) => a > b, '>=': (a, b) => a >= b };
const FLIP: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };
/** JavaScript's StrWhiteSpaceChar (WhiteSpace and LineTerminator), as a regex character class body. */
export const JS_WHITESPACE = '\t\n\u000b\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff';
// Exact decimals of the rounding boundaries: from 2^1024 - 2^970 up a number is ±Infinity, to 2^-1075 it is 0.
const [MAX_ROUNDS_DOWN, MIN_ROUNDS_UP] = [(2n ** 1024n - 2n ** 970n).toString(), `0.${(5n ** 1075n).toString().padStart(1075, '0')}`];
const PATH = { object: 'strict $.** ? (@.type() == "object")', pair: 'strict $.** ? (@.type() == "array" && @.size() > 1)', leaf: 'strict $.** ? (@.type() != "array")' };

let aliases = 0;
const MAX_SUBQUERIES = 400;
/** Expressions cheap enough to repeat (columns, bound values, a field of the fields column). */
const cheap = new WeakSet<S>();
const mark = (s: S): S => (cheap.add(s), s);
/** Evaluates each expression once: (SELECT body FROM (SELECT e0 AS v0, … OFFSET 0) AS qN), unless all are cheap. */
function bind(exprs: S[], body: (refs: [S, S, S, S, S]) => S): S {
  if (exprs.every((e) => cheap.has(e))) return body(exprs as [S, S, S, S, S]);
  const q = `q${++aliases}`;
  const refs = exprs.map((_, i) => mark(sql.raw(`${q}.v${i}`))) as [S, S, S, S, S];
  // OFFSET 0 keeps PostgreSQL from inlining the expressions into every reference (it would copy them).
  return sql`(SELECT ${body(refs)} FROM (SELECT ${sql.join(exprs.map((e, i) => sql`${e} AS ${sql.raw(`v${i}`)}`))} OFFSET 0) AS ${sql.raw(q)})`;
}
function text(v: unknown): S {
  if (typeof v !== 'string' || /[\uD800-\uDFFF\0]/u.test(v)) no('a string PostgreSQL cannot hold (NUL or a lone surrogate)');
  return sql`${v}::text`;
}
const num = (n: number) => sql`${String(n)}::float8`;
const constBounds = (n: number): Bounds => ({ hi: Math.abs(n), lo: n === 0 ? Infinity : Math.abs(n), zero: n === 0 });
function jsonParam(v: unknown): S {
  const body = JSON.stringify(v, (_key, x) => (typeof x === 'number' && !Number.isFinite(x) ? no('a non-finite number as JSON') : typeof x === 'string' ? (text(x), x) : x));
  return body === undefined ? no('an undefined value') : sql`${body}::jsonb`;
}
function jsType(v: unknown): T {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  const t = typeof v;
  return t === 'number' || t === 'string' || t === 'boolean' || t === 'object' ? t : no(`a ${t} value`);
}
const isLogic = (n: unknown): n is Record<string, unknown> => typeof n === 'object' && n !== null && !Array.isArray(n) && Object.keys(n).length === 1;
const argsOf = (n: Record<string, unknown>): unknown[] => { const raw = Object.values(n)[0]; return Array.isArray(raw) ? raw : [raw]; };

// --- JavaScript's ToNumber on text, exactly, with PostgreSQL's 'NaN' standing for NaN ---------------
const inf = (sign: S) => sql`CASE WHEN ${sign} = '-' THEN '-Infinity'::float8 ELSE 'Infinity'::float8 END`;
function toNumberText(s: S): S {
  // Fast path: plain decimals (at most 250 digits each side) are within double range, where float8in rounds as JS does.
  return bind([s], ([x]) => sql`CASE WHEN ${x} ~ '^[+-]?[0-9]{1,250}([.][0-9]{0,250})?$' THEN ${x}::float8 ELSE ${slowToNumber(x)} END`);
}
function slowToNumber(s: S): S {
  return bind([sql`regexp_replace(${s}, ${`^[${JS_WHITESPACE}]+|[${JS_WHITESPACE}]+$`}, '', 'g')`], ([t]) => sql`CASE WHEN ${t} = '' THEN 0::float8
    WHEN ${t} ~ '^[+-]?Infinity$' THEN ${t}::float8
    WHEN ${t} ~ '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$' THEN ${decimal(t)}
    WHEN ${t} ~ '^0([xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)$' THEN ${nonDecimal(t)} ELSE 'NaN'::float8 END`);
}
/** Decimal literal → the nearest double: float8in when it cannot overflow, else exact numeric from 800 significant digits and a sticky one. */
function decimal(t: S): S {
  return bind([sql`regexp_match(${t}, '^([+-]?)([0-9]*)[.]?([0-9]*)(?:[eE]([+-]?)([0-9]+))?$')`], ([m]) =>
    bind([sql`${m}[1]`, sql`ltrim(${m}[2] || ${m}[3], '0')`, sql`length(${m}[2] || ${m}[3]) - length(${m}[2])`, sql`coalesce(${m}[4], '')`, sql`ltrim(coalesce(${m}[5], ''), '0')`], ([sign, digits, fraction, esign, exp]) =>
      sql`CASE WHEN ${digits} = '' THEN 0::float8 WHEN length(${exp}) > 9 THEN CASE WHEN ${esign} = '-' THEN 0::float8 ELSE ${inf(sign)} END
        ELSE ${bind([sql`length(${digits}) - ${fraction} + CASE WHEN ${esign} = '-' THEN -1 ELSE 1 END * ('0' || ${exp})::int`], ([k]) =>
          sql`CASE WHEN ${k} BETWEEN -300 AND 300 THEN ${t}::float8 WHEN ${k} > 400 THEN ${inf(sign)} WHEN ${k} < -400 THEN 0::float8 ELSE ${bind(
            [sql`(${sign} || '0.' || left(${digits}, 800) || CASE WHEN ltrim(substr(${digits}, 801), '0') <> '' THEN '1' ELSE '' END || 'e' || ${k})::numeric`],
            ([v]) => sql`CASE WHEN abs(${v}) >= ${MAX_ROUNDS_DOWN}::numeric THEN ${inf(sign)} WHEN abs(${v}) <= ${MIN_ROUNDS_UP}::numeric THEN 0::float8 ELSE ${v}::float8 END`)} END`)} END`));
}
function nonDecimal(t: S): S {
  return bind([sql`CASE lower(substr(${t}, 2, 1)) WHEN 'x' THEN 16 WHEN 'o' THEN 8 ELSE 2 END`, sql`ltrim(lower(substr(${t}, 3)), '0')`], ([base, h]) =>
    sql`CASE WHEN ${h} = '' THEN 0::float8 WHEN length(${h}) > CASE ${base} WHEN 16 THEN 256 WHEN 8 THEN 342 ELSE 1024 END THEN 'Infinity'::float8 ELSE ${bind(
      [sql`(SELECT sum((strpos('0123456789abcdef', d) - 1) * ${base}::numeric ^ (length(${h}) - i)) FROM regexp_split_to_table(${h}, '') WITH ORDINALITY AS digit(d, i))`],
      ([v]) => sql`CASE WHEN ${v} >= ${MAX_ROUNDS_DOWN}::numeric THEN 'Infinity'::float8 ELSE ${v}::float8 END`)} END`);
}
/** JS's String(array): throws if it holds an object; has a comma if any array in it has two elements; else one leaf. */
function viaLeaf(j: S, withComma: S, leaf: (l: S) => S): S {
  return sql`CASE WHEN jsonb_path_exists(${j}, ${PATH.object}::jsonpath) THEN NULL WHEN jsonb_path_exists(${j}, ${PATH.pair}::jsonpath) THEN ${withComma}
    ELSE ${bind([sql`jsonb_path_query_first(${j}, ${PATH.leaf}::jsonpath)`], ([l]) => leaf(l))} END`;
}
const arrayToNumber = (j: S) => viaLeaf(j, sql`'NaN'::float8`, (l) =>
  sql`CASE jsonb_typeof(${l}) WHEN 'number' THEN (${l})::float8 WHEN 'string' THEN ${toNumberText(sql`(${l} #>> '{}')`)} WHEN 'boolean' THEN 'NaN'::float8 ELSE 0::float8 END`);
const arrayEquals = (j: S, c: string) => viaLeaf(j, FALSE, (l) => {
  const n = Number(c);
  return sql`CASE jsonb_typeof(${l}) WHEN 'string' THEN (${l} #>> '{}') = ${text(c)} WHEN 'number' THEN ${String(n) === c ? sql`(${l})::float8 = ${num(n)}` : FALSE}
    WHEN 'boolean' THEN ${c === 'true' || c === 'false' ? sql`${l} = ${jsonParam(c === 'true')}` : FALSE} ELSE ${lit(c === '')} END`;
});

// --- Values ----------------------------------------------------------------------------------------
const throwsOf = (v: Val): boolean => (v.k === 'const' || v.k === 'str' ? false : v.k === 'list' ? v.items.some(throwsOf) : v.throws);
function typesOf(v: Val): T[] {
  return v.k === 'const' ? [jsType(v.v)] : v.k === 'num' ? ['number'] : v.k === 'bool' ? ['boolean'] : v.k === 'str' ? (v.nullable ? ['null', 'string'] : ['string']) : v.k === 'json' ? v.types : typesOf(dyn(v));
}
function toJson(v: Val): S {
  const d = dyn(v);
  if (d.k === 'const') return jsonParam(d.v);
  if (d.k === 'str' && d.nullable) return sql`COALESCE(to_jsonb(${d.s}), 'null'::jsonb)`;
  return d.k === 'json' ? d.s : sql`to_jsonb(${(d as { s: S }).s})`;
}
/** A CASE that keeps a throwing condition's NULL: WHEN c THEN a WHEN NOT c THEN b. */
function branch(c: Cond, a: S, b: S): S {
  return c.throws ? bind([c.s], ([x]) => sql`CASE WHEN ${x} THEN ${a} WHEN NOT ${x} THEN ${b} END`) : sql`CASE WHEN ${c.s} THEN ${a} ELSE ${b} END`;
}
/** and/or/if results and literal lists as one SQL value: num, str or bool when all parts agree, else jsonb. */
function dyn(v: Val): Dyn {
  if (v.k === 'list') return { k: 'json', s: guard(v.items, sql`jsonb_build_array(${sql.join(v.items.map(toJson))})`), types: ['array'], throws: v.items.some(throwsOf) };
  if (v.k !== 'choice' || v.cache) return v.k === 'choice' ? v.cache! : v;
  const parts = v.parts.map(dyn);
  const kinds = new Set(parts.map((p) => (p.k !== 'const' ? p.k : typeof p.v === 'number' && Number.isFinite(p.v) ? 'num' : typeof p.v === 'boolean' ? 'bool' : typeof p.v === 'string' || p.v === null ? 'str' : 'json')));
  const kind: Kind = kinds.size === 1 && !(kinds.has('str') && v.throws) ? ([...kinds][0] as Kind) : 'json';
  const as = (p: Dyn): S => (kind === 'json' ? toJson(p) : p.k !== 'const' ? (p as { s: S }).s : kind === 'num' ? num(p.v as number) : kind === 'bool' ? lit(p.v as boolean) : p.v === null ? sql`NULL::text` : text(p.v));
  const s = v.build((i) => as(parts[i]!), kind);
  const bs = kind === 'num' ? parts.map((p) => (p.k === 'num' ? p.b : constBounds((p as { v: number }).v))) : [];
  return (v.cache = kind === 'num' ? { k: 'num', s, throws: v.throws, b: { hi: Math.max(...bs.map((b) => b.hi)), lo: Math.min(...bs.map((b) => b.lo)), zero: bs.some((b) => b.zero) } }
    : kind === 'str' ? { k: 'str', s, nullable: parts.some((p) => typesOf(p).includes('null')) }
    : kind === 'bool' ? { k: 'bool', s, throws: v.throws } : { k: 'json', s, throws: v.throws, types: [...new Set(parts.flatMap(typesOf))] });
}
/** A value of the given kind read from SQL `s` (for truthiness of a bound and/or operand). */
const ofKind = (kind: Kind, s: S, throws: boolean): Val =>
  kind === 'num' ? { k: 'num', s, throws, b: { hi: 0, lo: 0, zero: true } } : kind === 'str' ? { k: 'str', s, nullable: true } : kind === 'bool' ? { k: 'bool', s, throws } : { k: 'json', s, types: ALL, throws };
function truthy(v: Val): Cond {
  switch (v.k) {
    case 'const': return { s: lit(isTruthy(v.v)), throws: false };
    case 'num': return { s: sql`(${v.s} <> 0)`, throws: v.throws };
    case 'str': return { s: v.nullable ? sql`COALESCE(${v.s} <> '', false)` : sql`(${v.s} <> '')`, throws: false };
    case 'bool': return { s: v.s, throws: v.throws };
    case 'choice': return v.truthy;
    case 'list': return { s: guard(v.items, lit(v.items.length > 0)), throws: throwsOf(v) };
  }
  const byType = (j: S): Record<T, S> => ({ null: FALSE, boolean: sql`(${j} = 'true'::jsonb)`, number: sql`(${j} <> '0'::jsonb)`, string: sql`(${j} <> '""'::jsonb)`, array: sql`(jsonb_array_length(${j}) > 0)`, object: TRUE });
  return v.truthy ?? { s: bind([v.s], ([j]) => sql`CASE jsonb_typeof(${j}) ${sql.join(v.types.map((ty) => sql`WHEN ${sql.lit(ty)} THEN ${byType(j!)[ty]}`), sql` `)} END`), throws: v.throws };
}

// --- Comparisons: every pair of runtime types, each as JavaScript does it -------------------------
function alts(v: Val): Alt[] {
  const d = dyn(v);
  switch (d.k) {
    case 'const': return [{ t: jsType(d.v), has: true, c: d.v }];
    case 'num': return [{ t: 'number', v: d.s }];
    case 'bool': return [{ t: 'boolean', v: d.s }];
    case 'str': return d.nullable ? [{ t: 'null', has: true, c: null, when: sql`${d.s} IS NULL` }, { t: 'string', v: d.s, when: sql`${d.s} IS NOT NULL` }] : [{ t: 'string', v: d.s }];
    case 'json': return d.types.map((t) => ({ t, when: sql`jsonb_typeof(${d.s}) = ${sql.lit(t)}`, ...(t === 'null' ? { has: true, c: null }
      : { v: t === 'number' ? sql`(${d.s})::float8` : t === 'string' ? sql`(${d.s} #>> '{}')` : t === 'boolean' ? sql`(${d.s} = 'true'::jsonb)` : d.s }) }));
  }
}
const k = (c: unknown): Alt => ({ t: jsType(c), has: true, c });
type Num = { c: number } | { s: S; nan: boolean } | { throws: true };
function toNum(a: Alt): Num {
  if (a.has) { try { return { c: Number(a.c) }; } catch { return { throws: true }; } }
  if (a.t === 'number') return { s: a.v!, nan: false };
  if (a.t === 'boolean') return { s: sql`CASE WHEN ${a.v} THEN 1::float8 WHEN NOT ${a.v} THEN 0::float8 END`, nan: false };
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
  const isNaN = (n: Num, r: S) => ('c' in n ? lit(Number.isNaN(n.c)) : 'nan' in n && n.nan ? sql`${r} = 'NaN'::float8` : FALSE);
  return bind([x, y], ([p, q]) => sql`CASE WHEN ${p} IS NULL OR ${q} IS NULL THEN NULL WHEN ${isNaN(a, p)} OR ${isNaN(b, q)} THEN false ELSE ${p} ${o} ${q} END`);
}
function cmp(op: Op, x: Alt, y: Alt): S {
  if (x.has && y.has) { try { return lit(JS[op](x.c, y.c)); } catch { return NULL; } }
  const obj = (a: Alt) => a.t === 'array' || a.t === 'object';
  if (op === '===' || (op === '==' && (x.t === y.t || (obj(x) && obj(y))))) {
    if (x.t !== y.t) return FALSE;
    if (obj(x)) return x.has || y.has ? FALSE : no('a comparison of two arrays or objects (by identity)');
    const side = (a: Alt) => (!a.has ? a.v : a.t === 'boolean' ? lit(a.c as boolean) : text(a.c));
    return x.t === 'number' ? numCmp('==', toNum(x), toNum(y)) : sql`(${side(x)} = ${side(y)})`;
  }
  if (op === '==' && (x.t === 'null' || y.t === 'null')) return FALSE;
  if (x.t === 'object' || y.t === 'object') return NULL; // ToPrimitive of a null-prototype object throws
  for (const [a, put] of [[x, (p: Alt) => cmp(op, p, y)], [y, (p: Alt) => cmp(op, x, p)]] as const) {
    if (a.has && a.t === 'array') { let p: string; try { p = String(a.c); } catch { return NULL; } return put(k(p)); }
  }
  if (op === '==') {
    if (x.t !== 'array' && y.t !== 'array') return numCmp('==', toNum(x), toNum(y));
    const [arr, o] = x.t === 'array' ? [x, y] : [y, x];
    if (o.t === 'number' || o.t === 'boolean') return numCmp('==', toNum(arr), toNum(o)); // true == [1]: 1 == "1"
    return o.has && !String(o.c).includes(',') ? arrayEquals(arr.v!, String(o.c)) : no('== of an array and a string that is not a constant without commas');
  }
  const stringy = (a: Alt) => a.t === 'string' || a.t === 'array';
  if (!stringy(x) || !stringy(y)) return numCmp(op, toNum(x), toNum(y));
  const [d, c, o] = x.has ? [y, x, FLIP[op]!] : [x, y, op];
  if (!c.has || d.t !== 'string' || /[\uD800-\uFFFF]/.test(c.c as string)) no('an ordering of strings other than a text value against a constant below U+D800');
  return sql`(${d.v} COLLATE "C" ${sql.raw(o)} ${text(c.c)})`;
}
function withBound(v: Val, fn: (v: Val) => S): S {
  const d = dyn(v);
  return (d.k === 'json' || d.k === 'bool' || (d.k === 'num' && d.throws)) && !cheap.has(d.s) ? bind([d.s], ([r]) => fn({ ...d, s: r! })) : fn(d);
}
/** NULL when an operand threw (json-logic evaluates every operand before the operation). */
function guard(vals: Val[], s: S): S {
  const nulls = vals.flatMap((v) => (v.k === 'list' ? v.items : [v])).filter(throwsOf).map((v) => sql`${(dyn(v) as { s: S }).s} IS NULL`);
  return nulls.length ? sql`CASE WHEN ${sql.join(nulls, sql` OR `)} THEN NULL ELSE ${s} END` : s;
}
function pairwise(a: Val, b: Val, f: (x: Alt, y: Alt) => S): S {
  return withBound(a, (A) => withBound(b, (B) => {
    const [xs, ys] = [alts(A), alts(B)];
    const arms = xs.flatMap((x) => ys.map((y) => [[x.when, y.when].filter((w): w is S => !!w), f(x, y)] as const));
    if (arms.length === 1 && !arms[0]![0].length) return guard([A, B], arms[0]![1]);
    const json = A.k === 'json' && ys.length === 1 && !ys[0]!.when ? A : B.k === 'json' && xs.length === 1 && !xs[0]!.when ? B : undefined;
    if (json) return guard([A, B], sql`CASE jsonb_typeof(${json.s}) ${sql.join(arms.map(([, r], i) => sql`WHEN ${sql.lit(json.types[i]!)} THEN ${r}`), sql` `)} END`);
    return guard([A, B], sql`CASE ${sql.join(arms.map(([w, r]) => sql`WHEN ${w.length ? sql.join(w, sql` AND `) : TRUE} THEN ${r}`), sql` `)} END`);
  }));
}
function compare(op: string, all: Val[]): Val {
  const vals = ignoreExtra(all, op === '<' || op === '<=' ? 3 : 2);
  const base = (op === '!=' ? '==' : op === '!==' ? '===' : op) as Op;
  const throws = vals.some((v) => throwsOf(v) || typesOf(v).some((t) => t === 'array' || t === 'object'));
  const f = (x: Alt, y: Alt) => cmp(base, x, y);
  if (vals.length === 3 && (op === '<' || op === '<=')) {
    const [a, b, c] = vals as [Val, Val, Val];
    return { k: 'bool', s: guard(vals, branch({ s: pairwise(a, b, f), throws }, pairwise(b, c, f), FALSE)), throws };
  }
  if (vals.length !== 2) no(`"${op}" with ${vals.length} arguments`);
  const s = pairwise(vals[0]!, vals[1]!, f);
  return { k: 'bool', s: base === op ? s : sql`(NOT ${s})`, throws };
}

// --- in, missing, var, arithmetic, and/or/if ---------------------------------------------------------
function inOp(a: Val, b: Val): Val {
  const eq = (item: Val) => pairwise(a, item, (x, y) => cmp('===', x, y));
  const anyOf = (items: Val[]) => (items.length ? sql`(${sql.join(items.map(eq), sql` OR `)})` : FALSE);
  const needle = (): S => {
    const d = dyn(a);
    if (d.k === 'const') { let s: string; try { s = String(d.v); } catch { return sql`NULL::text`; } return text(s); }
    if (d.k === 'str') return d.nullable ? sql`COALESCE(${d.s}, 'null')` : d.s;
    return d.k === 'bool' ? sql`CASE WHEN ${d.s} THEN 'true' WHEN NOT ${d.s} THEN 'false' END` : no('`in` of a number or field within a string');
  };
  const within = (hay: S) => sql`(${hay} <> '' AND strpos(${hay}, ${needle()}) > 0)`;
  let s: S;
  if (b.k === 'const') s = Array.isArray(b.v) ? anyOf(b.v.map((v): Val => ({ k: 'const', v }))) : typeof b.v === 'string' && b.v !== '' ? within(text(b.v)) : FALSE;
  else if (b.k === 'list') s = anyOf(b.items);
  else if (b.k === 'json' && b.labels && a.k === 'const') s = typeof a.v === 'string' ? sql`COALESCE(${text(a.v)} = ANY(tasks.labels), false)` : a.v === null ? sql`(array_position(tasks.labels, NULL) IS NOT NULL)` : FALSE;
  else s = withBound(b, (d) => {
    if (d.k === 'str') return d.nullable ? sql`CASE WHEN ${d.s} IS NULL THEN false ELSE ${within(d.s)} END` : within(d.s);
    if (d.k !== 'json') return FALSE; // numbers and booleans have no indexOf
    const e = `e${++aliases}`;
    const arms = [d.types.includes('array') && sql`WHEN 'array' THEN EXISTS (SELECT 1 FROM jsonb_array_elements(${d.s}) AS ${sql.raw(e)}(v) WHERE ${eq({ k: 'json', s: sql.raw(`${e}.v`), types: ALL, throws: false })})`,
      d.types.includes('string') && sql`WHEN 'string' THEN ${within(sql`(${d.s} #>> '{}')`)}`].filter((x): x is S => !!x);
    return sql`CASE jsonb_typeof(${d.s}) ${sql.join(arms, sql` `)} ELSE false END`;
  });
  return { k: 'bool', s: guard([a, b], s), throws: throwsOf(a) || throwsOf(b) || (a.k === 'const' && typeof a.v === 'object' && a.v !== null) };
}
function missing(vals: Val[]): Val {
  const args = vals.map((v) => (v.k === 'const' ? v.v : no('computed `missing` keys')));
  const checks = (Array.isArray(args[0]) ? args[0] : args).map((key): [unknown, S] => {
    const v = compile({ var: key });
    return [key, v.k === 'const' ? lit(v.v === null || v.v === '') : v.k === 'str' ? sql`(${v.s} IS NULL OR ${v.s} = '')` : v.k === 'json' ? sql`(${v.s} IN ('null'::jsonb, '""'::jsonb))` : FALSE];
  });
  const s = checks.length ? sql`(${sql.join(checks.map(([key, m]) => sql`CASE WHEN ${m} THEN ${jsonParam([key])} ELSE '[]'::jsonb END`), sql` || `)})` : sql`'[]'::jsonb`;
  return { k: 'json', s, types: ['array'], throws: false, truthy: { s: checks.length ? sql`(${sql.join(checks.map(([, m]) => m), sql` OR `)})` : FALSE, throws: false } };
}
/** One step of the evaluator's own-property lookup in jsonb: object keys, array indexes and `length`. */
function step(j: S, seg: string, depth: number): S {
  const index = /^(0|[1-9][0-9]{0,8})$/.test(seg);
  // `->` with a key is NULL on anything but an object, as the lookup is on anything but an object or array.
  if (!index && seg !== 'length') return depth === 0 ? mark(sql`${j} -> ${text(seg)}`) : sql`${j} -> ${text(seg)}`;
  return bind([j], ([x]) => sql`CASE jsonb_typeof(${x}) WHEN 'object' THEN ${x} -> ${text(seg)}
    WHEN 'array' THEN ${index ? sql`${x} -> ${Number(seg)}::int` : sql`to_jsonb(jsonb_array_length(${x}))`} END`);
}
function hours(at: S, nullable = false): Val {
  const h = sql`(GREATEST(0, ${ctx.nowMs}::numeric - floor(extract(epoch FROM ${at}) * 1000))::float8 / 3600000)`;
  return { k: 'num', s: nullable ? sql`CASE WHEN ${at} IS NULL THEN 0::float8 ELSE ${h} END` : h, b: { hi: 3e9, lo: 2.7e-7, zero: true }, throws: false };
}
function taskPath(path: unknown, notFound: unknown): Val {
  if (path === null || path === undefined || path === '') no('a `var` of the whole data');
  const [head, col, ...rest] = String(path).split('.');
  if (head !== 'task') no('a computed `var` path');
  if (col === undefined) no('a `var` of the whole task');
  if (col === 'fields' || col === 'labels') {
    const s = rest.reduce((j, seg, depth) => step(j, seg, depth), mark(col === 'fields' ? sql`tasks.fields` : sql`to_jsonb(tasks.labels)`));
    const fallback = notFound === null ? sql`'null'::jsonb` : jsonParam(notFound);
    return rest.length ? { k: 'json', s: (cheap.has(s) ? mark : (x: S) => x)(sql`COALESCE(${s}, ${fallback})`), types: ALL, throws: false } : { k: 'json', s, types: col === 'labels' ? ['array'] : ALL, throws: false, labels: col === 'labels' };
  }
  if (!KNOWN_TASK_KEYS.includes(col!)) no(`task.${col} is not a task value the compiler knows`);
  if (rest.length) return { k: 'const', v: notFound }; // the other task values are strings, numbers or null
  switch (col) {
    case 'status': case 'type': case 'title': case 'priority': return { k: 'str', s: mark(sql.raw(`tasks.${col}`)), nullable: false };
    case 'role': return { k: 'str', s: mark(sql`tasks.role_id`), nullable: true };
    case 'assignee': return { k: 'str', s: mark(sql`tasks.assignee_id::text`), nullable: true };
    case 'id': return { k: 'num', s: mark(sql`tasks.id::float8`), b: { hi: 1e19, lo: 1, zero: true }, throws: false };
    case 'age_hours': return hours(sql`tasks.created_at`);
    case 'idle_hours': return hours(sql`tasks.updated_at`);
    case 'overdue_hours': return hours(sql`tasks.due_at`, true);
    default: return no(`task.${col} has no SQL form here (timestamp strings and business hours stay in Node)`);
  }
}
/** json-logic evaluates arguments an operation ignores: fine as long as they cannot throw. */
function ignoreExtra(vals: Val[], keep: number): Val[] {
  if (vals.slice(keep).some(throwsOf)) no('an ignored argument that may throw');
  return vals.slice(0, keep);
}
function arith(op: string, vals: Val[]): Val {
  if (op === '*' && vals.length === 1) return vals[0]!; // a lone factor comes back untouched
  if (op === '-' || op === '/') vals = ignoreExtra(vals, 2);
  if (op === '/' && vals.length === 1) vals = [...vals, { k: 'const', v: undefined }]; // x / undefined
  const terms = vals.map((v) => {
    if (v.k === 'num') return v;
    if (v.k !== 'const') return no('arithmetic on a value that is not statically a number');
    let n: number;
    try { n = op === '+' || op === '*' ? parseFloat(v.v as string) : Number(v.v); } catch { return no('arithmetic that throws'); }
    if (Number.isNaN(n)) return undefined;
    return Number.isFinite(n) ? { s: num(n), b: constBounds(n) } : no('an infinite number in arithmetic');
  });
  const throws = vals.some(throwsOf);
  if (terms.includes(undefined)) return throws ? no('arithmetic on NaN with a part that may throw') : { k: 'const', v: NaN };
  const [first, ...more] = terms as { s: S; b: Bounds }[];
  let acc = op === '-' && !more.length ? { s: sql`(- ${first!.s})`, b: first!.b } : first!;
  for (const t of more) {
    const [a, b] = [acc.b, t.b];
    if (op === '/' && b.zero) no('a division by a value that may be zero');
    const r = op === '*' ? { hi: a.hi * b.hi, lo: a.lo * b.lo, zero: a.zero || b.zero } : op === '/' ? { hi: a.hi / b.lo, lo: a.lo / b.hi, zero: a.zero } : { hi: a.hi + b.hi, lo: Math.min(a.lo, b.lo) * 2 ** -53, zero: true };
    if (!(r.hi <= 1e300) || r.lo < 1e-300) no('arithmetic PostgreSQL could overflow or underflow');
    acc = { s: sql`(${acc.s} ${sql.raw(op)} ${t.s})`, b: r };
  }
  return { k: 'num', s: acc.s, b: acc.b, throws };
}
function logic(op: 'and' | 'or', vals: Val[]): Val {
  if (vals.length === 1) return vals[0]!;
  const conds = vals.map(truthy);
  const truth = conds.reduceRight((acc, c) => ({
    s: c.throws ? (op === 'and' ? branch(c, acc.s, FALSE) : branch(c, TRUE, acc.s)) : sql`(${c.s} ${sql.raw(op === 'and' ? 'AND' : 'OR')} ${acc.s})`, throws: c.throws || acc.throws }));
  // As a value: the first falsy (and) or truthy (or) operand, else the last; each operand evaluated once.
  const build = (part: (i: number) => S, kind: Kind) => vals.slice(0, -1).reduceRight((rest, v, i) => bind([part(i)], ([r]) => {
    const t = truthy(ofKind(kind, r, throwsOf(v)));
    return op === 'and' ? branch(t, rest, r) : branch(t, r, rest);
  }), part(vals.length - 1));
  return { k: 'choice', parts: vals, build, truthy: truth, throws: vals.some(throwsOf) || truth.throws };
}
function ifOp(vals: Val[]): Val {
  const conds: Cond[] = [];
  const parts: Val[] = [];
  for (let i = 0; i + 1 < vals.length; i += 2) conds.push(truthy(vals[i]!)), parts.push(vals[i + 1]!);
  parts.push(vals.length % 2 ? vals.at(-1)! : { k: 'const', v: null });
  if (!conds.length) return parts[0]!;
  const chain = (value: (i: number) => S) => conds.reduceRight((acc, c, i) => branch(c, value(i), acc), value(conds.length));
  const throws = vals.some(throwsOf) || conds.some((c) => c.throws);
  return { k: 'choice', parts, build: (part) => chain(part), truthy: { s: chain((i) => truthy(parts[i]!).s), throws }, throws };
}

// --- Entry -------------------------------------------------------------------------------------------
let ctx: { data: unknown; nowMs: string };
function dependsOnTask(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(dependsOnTask);
  if (!isLogic(node)) return false;
  const [op] = Object.keys(node);
  const args = argsOf(node);
  const paths = op === 'var' ? [args[0]] : op === 'missing' ? (Array.isArray(args[0]) ? args[0] : args) : [];
  return paths.some((p) => (typeof p !== 'string' && typeof p !== 'number') || p === '' || String(p).split('.')[0] === 'task') || args.some(dependsOnTask);
}
function compile(node: unknown): Val {
  if (!dependsOnTask(node)) {
    try { return { k: 'const', v: isLogic(node) || Array.isArray(node) ? evaluateRule(node, ctx.data) : node }; } catch { return no('a part without task values throws when evaluated'); }
  }
  if (Array.isArray(node)) return { k: 'list', items: node.map(compile) };
  const op = Object.keys(node as object)[0]!;
  const raw = argsOf(node as Record<string, unknown>);
  if (op === 'var') {
    const [path, fallback] = raw.map(compile);
    if (path?.k !== 'const' || (fallback && fallback.k !== 'const')) no('a computed `var` path or default');
    return taskPath((path as { v: unknown }).v, fallback === undefined || (fallback as { v: unknown }).v === undefined ? null : (fallback as { v: unknown }).v);
  }
  const vals = raw.map(compile);
  switch (op) {
    case 'missing': return missing(vals);
    case 'in': return vals.length === 2 ? inOp(vals[0]!, vals[1]!) : no(`"in" with ${vals.length} arguments`);
    case '!': case '!!': {
      if (vals.length !== 1) no(`"${op}" with ${vals.length} arguments`);
      const t = truthy(vals[0]!);
      return { k: 'bool', s: op === '!' ? sql`(NOT ${t.s})` : t.s, throws: t.throws };
    }
    case 'and': case 'or': return logic(op, vals);
    case 'if': return ifOp(vals);
    case '+': case '-': case '*': case '/': return arith(op, vals);
    default: return compare(op, vals);
  }
}
function foreignOp(node: unknown): string | undefined {
  if (Array.isArray(node)) return node.map(foreignOp).find(Boolean);
  if (!isLogic(node)) return undefined;
  const op = Object.keys(node)[0]!;
  return SQL_OPERATIONS.has(op) ? argsOf(node).map(foreignOp).find(Boolean) : op;
}

/** The rule as a boolean SQL expression over `tasks`, or why it must run in Node. */
export function compileRule(rule: unknown, options: CompileOptions): CompiledRule {
  const [issue] = analyzeRule(rule).issues;
  if (issue) return { unsupported: `rule rejected: ${issue.message}` };
  const op = foreignOp(rule);
  if (op) return { unsupported: `operation "${op}" has no SQL form` };
  ctx = { data: { policy: options.policy, now: options.now.toISOString() }, nowMs: String(options.now.getTime()) };
  aliases = 0;
  try {
    const condition = truthy(compile(rule)).s;
    return aliases > MAX_SUBQUERIES ? { unsupported: 'the SQL would be too large' } : { sql: sql<boolean>`COALESCE(${condition}, false)` };
  } catch (error) {
    if (error instanceof Unsupported) return { unsupported: error.message };
    throw error;
  }
}
