// Compiles the JsonLogic subset the escalation time path needs into one parameterised boolean SQL
// expression over `tasks`: TRUE exactly when isTruthy(evaluateRule(rule, {task: ruleTask(row, now),
// policy, now})) is true (a rule that throws in Node counts as false, as the engine treats it).
// Whatever the compiler cannot prove identical is refused with { unsupported }; run those in Node.
// - Ops: var, ==, ===, !=, !==, <, <=, >, >=, and, or, !, !!, in, missing, +, -, *, /, if; any other op
//   anywhere refuses the rule. Subtrees that never read `task` (policy.*, now, literals) are evaluated
//   here by json-logic itself and sent as parameters.
// - Paths: task.status/type/title/priority → text columns; task.role/assignee → role_id/assignee_id;
//   task.id; task.age_hours/idle_hours/overdue_hours from the `now` parameter and the timestamps cut
//   to milliseconds (as the drivers give them to Node), with ruleTask's max(0, …) and 0 for no due_at;
//   task.fields.a.b… and task.labels… as jsonb, walked like the evaluator's own-property lookup
//   (arrays answer indexes and `length`). Other task paths (timestamps as strings, business hours,
//   keys ruleTask may gain), the whole task or data, and computed paths are refused.
// - A field has no static type, so comparisons with one branch on jsonb_typeof and do what JavaScript
//   does for each type: loose ==, <, >… convert strings to numbers with JS's grammar (JS whitespace,
//   Infinity, hex/octal/binary, overflow to ±Infinity), arrays through their join, and throw on the
//   evaluator's null-prototype objects. Refused statically: comparing two arrays/objects (identity),
//   ordering two non-constant strings, an array as a string, or against a constant with code units
//   ≥ U+D800 (JS orders UTF-16 units), == of a field and a text column, `in` on a string haystack
//   unless the needle is a constant or a text/boolean value.
// - Arithmetic only on static numbers (id, hours, constants, other arithmetic), and only when a range
//   check proves PostgreSQL cannot overflow, underflow or divide by zero (where JS gives Infinity/NaN).
// - JS throws become SQL NULL and propagate as the throw does, through the short-circuits of
//   and/or/if; the result is COALESCE(…, false). Assumes UTF-8 and jsonb numbers that are doubles.
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
  | { k: 'json'; s: S; types: T[]; throws: boolean; truthy?: Cond } // jsonb; SQL NULL only when thrown
  | { k: 'choice'; arms: [Cond, Val][]; otherwise: Val; truthy: Cond; throws: boolean } // and/or/if
  | { k: 'list'; items: Val[] }; // a literal array with task-dependent items
interface Alt { t: T; has?: boolean; c?: unknown; v?: S; when?: S } // one runtime type of a value

class Unsupported extends Error {}
const no = (why: string): never => { throw new Unsupported(why); };
const ALL: T[] = ['null', 'boolean', 'number', 'string', 'array', 'object'];
const [TRUE, FALSE, NULL] = [sql`true`, sql`false`, sql`NULL::boolean`];
const lit = (b: boolean) => (b ? TRUE : FALSE);
const JS: Record<Op, (a: any, b: any) => boolean> = { '==': (a, b) => a == b, '===': (a, b) => a === b, '<': (a, b) => a < b, '<=': (a, b) => a <= b, '>': (a, b) => a > b, '>=': (a, b) => a >= b };
const FLIP: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };
const JS_SPACE = '\t\n\u000b\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff';
const pow2 = (e: number) => (e >= 0 ? (2n ** BigInt(e)).toString() : `${(5n ** BigInt(-e)).toString().padStart(-e, '0').replace(/^/, '0.')}`);
const [MAX_ROUNDS_DOWN, MIN_ROUNDS_UP] = [(2n ** 1024n - 2n ** 970n).toString(), pow2(-1075)]; // rounding to ±Infinity / to 0
const PATH = { object: 'strict $.** ? (@.type() == "object")', pair: 'strict $.** ? (@.type() == "array" && @.size() > 1)', leaf: 'strict $.** ? (@.type() != "array")' };

let aliases = 0;
/** Evaluates each expression once: (SELECT body FROM (SELECT e0 AS v0, …) AS qN). */
function bind(exprs: S[], body: (refs: S[]) => S): S {
  const q = `q${++aliases}`;
  const refs = exprs.map((_, i) => sql.raw(`${q}.v${i}`));
  return sql`(SELECT ${body(refs)} FROM (SELECT ${sql.join(exprs.map((e, i) => sql`${e} AS ${sql.raw(`v${i}`)}`))}) AS ${sql.raw(q)})`;
}
function text(v: unknown): S {
  if (typeof v !== 'string' || /[\uD800-\uDFFF\0]/u.test(v)) no('a string PostgreSQL cannot hold (NUL or a lone surrogate)');
  return sql`${v}::text`;
}
const num = (n: number) => sql`${String(n)}::float8`;
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
  return bind([sql`regexp_replace(${s}, ${`^[${JS_SPACE}]+|[${JS_SPACE}]+$`}, '', 'g')`], ([t]) => sql`CASE WHEN ${t} = '' THEN 0::float8
    WHEN ${t} ~ '^[+-]?Infinity$' THEN ${t}::float8
    WHEN ${t} ~ '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$' THEN ${decimal(t)}
    WHEN ${t} ~ '^0([xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)$' THEN ${nonDecimal(t)} ELSE 'NaN'::float8 END`);
}
/** Decimal literal → the nearest double: exact numeric from 800 significant digits plus a sticky digit. */
function decimal(t: S): S {
  return bind([sql`regexp_match(${t}, '^([+-]?)([0-9]*)[.]?([0-9]*)(?:[eE]([+-]?)([0-9]+))?$')`], ([m]) =>
    bind([sql`${m}[1]`, sql`ltrim(${m}[2] || ${m}[3], '0')`, sql`length(${m}[2] || ${m}[3]) - length(${m}[2])`, sql`coalesce(${m}[4], '')`, sql`ltrim(coalesce(${m}[5], ''), '0')`], ([sign, digits, fraction, esign, exp]) =>
      sql`CASE WHEN ${digits} = '' THEN 0::float8 WHEN length(${exp}) > 9 THEN CASE WHEN ${esign} = '-' THEN 0::float8 ELSE ${inf(sign)} END
        ELSE ${bind([sql`length(${digits}) - ${fraction} + CASE WHEN ${esign} = '-' THEN -1 ELSE 1 END * ('0' || ${exp})::int`], ([k]) =>
          sql`CASE WHEN ${k} > 400 THEN ${inf(sign)} WHEN ${k} < -400 THEN 0::float8 ELSE ${bind(
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
/** and/or/if results and literal lists as one SQL value: num, str or bool when all branches agree, else jsonb. */
function dyn(v: Val): Exclude<Val, { k: 'choice' | 'list' }> {
  if (v.k === 'list') return { k: 'json', s: sql`jsonb_build_array(${sql.join(v.items.map(toJson))})`, types: ['array'], throws: v.items.some(throwsOf) };
  if (v.k !== 'choice') return v;
  const parts = [...v.arms.map(([, x]) => dyn(x)), dyn(v.otherwise)];
  const kinds = new Set(parts.map((p) => (p.k !== 'const' ? p.k : typeof p.v === 'number' && Number.isFinite(p.v) ? 'num' : typeof p.v === 'boolean' ? 'bool' : typeof p.v === 'string' || p.v === null ? 'str' : 'json')));
  const [kind] = kinds.size === 1 && !(kinds.has('str') && v.throws) ? [...kinds] : ['json'];
  const as = (p: Val): S => (kind === 'json' ? toJson(p) : p.k !== 'const' ? (p as { s: S }).s : kind === 'num' ? num(p.v as number) : kind === 'bool' ? lit(p.v as boolean) : p.v === null ? sql`NULL::text` : text(p.v));
  const s = v.arms.reduceRight((acc, [c, x]) => branch(c, as(dyn(x)), acc), as(parts.at(-1)!));
  if (kind === 'num') {
    const bs = parts.map((p) => (p.k === 'num' ? p.b : { hi: Math.abs(p.v as number), lo: p.v === 0 ? Infinity : Math.abs(p.v as number), zero: p.v === 0 }));
    return { k: 'num', s, throws: v.throws, b: { hi: Math.max(...bs.map((b) => b.hi)), lo: Math.min(...bs.map((b) => b.lo)), zero: bs.some((b) => b.zero) } };
  }
  if (kind === 'str') return { k: 'str', s, nullable: parts.some((p) => typesOf(p).includes('null')) };
  return kind === 'bool' ? { k: 'bool', s, throws: v.throws } : { k: 'json', s, throws: v.throws, types: [...new Set(parts.flatMap(typesOf))] };
}
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
