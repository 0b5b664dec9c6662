// The compiler's building blocks: the value model (what SQL a JsonLogic value became and what it may
// be at run time), refusals, bound parameters, and sharing a costly sub-expression within a row.
import { sql, type RawBuilder } from 'kysely';
import type { RowInputs } from './row-inputs.ts';

export type S = RawBuilder<unknown>;
export type T = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';
export type Op = '==' | '===' | '<' | '<=' | '>' | '>=';
export interface Bounds {
  hi: number;
  lo: number;
  zero: boolean;
} // |x| ≤ hi; x = 0 or |x| ≥ lo
export interface Cond {
  s: S;
  throws: boolean;
}
export type Val =
  | { k: 'const'; v: unknown }
  | { k: 'num'; s: S; b: Bounds; throws: boolean } // float8, finite
  | { k: 'str'; s: S; nullable: boolean } // text; NULL is JS null
  | { k: 'bool'; s: S; throws: boolean }
  | { k: 'json'; s: S; types: T[]; throws: boolean; truthy?: Cond; labels?: boolean } // jsonb; SQL NULL only when thrown
  | {
      k: 'choice';
      parts: Val[];
      build: (part: (i: number) => S, kind: Kind) => S;
      truthy: Cond;
      throws: boolean;
      cache?: Dyn;
    } // and/or/if
  | { k: 'list'; items: Val[] }; // a literal array with task-dependent items
export type Dyn = Exclude<Val, { k: 'choice' | 'list' }>;
export type Kind = 'num' | 'str' | 'bool' | 'json';
export interface Alt {
  t: T;
  has?: boolean;
  c?: unknown;
  v?: S;
  when?: S;
} // one runtime type of a value

export class Unsupported extends Error {}
export const no = (why: string): never => {
  throw new Unsupported(why);
};
export const ALL: T[] = ['number', 'string', 'boolean', 'null', 'array', 'object']; // the common types first: CASE tries them in order
export const [TRUE, FALSE, NULL] = [sql`true`, sql`false`, sql`NULL::boolean`];
export const lit = (b: boolean) => (b ? TRUE : FALSE);
// biome-ignore lint/suspicious/noExplicitAny: JsonLogic compares any two JSON values with JavaScript's operators
export const JS: Record<Op, (a: any, b: any) => boolean> = {
  // biome-ignore lint/suspicious/noDoubleEquals: JsonLogic's == is JavaScript's loose equality (json-logic-js semantics)
  '==': (a, b) => a == b,
  '===': (a, b) => a === b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};
export const FLIP: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/** The rule being compiled: its data without the task, the clock, and where per-row inputs go. */
export const state: { data: unknown; nowMs: string; aliases: number; inputs?: RowInputs } = {
  data: null,
  nowMs: '0',
  aliases: 0,
};
export const nextAlias = (prefix: string) => `${prefix}${++state.aliases}`;
/** Expressions cheap enough to repeat (columns, bound values, a field of the fields column). */
export const cheap = new WeakSet<S>();
export const mark = (s: S): S => {
  cheap.add(s);
  return s;
};
/** Evaluates each expression once: (SELECT body FROM (SELECT e0 AS v0, … OFFSET 0) AS qN), unless all are cheap. */
export function bind(exprs: S[], body: (refs: [S, S, S, S, S]) => S): S {
  if (exprs.every((e) => cheap.has(e))) return body(exprs as [S, S, S, S, S]);
  const q = nextAlias('q');
  const refs = exprs.map((_, i) => mark(sql.raw(`${q}.v${i}`))) as [S, S, S, S, S];
  // OFFSET 0 keeps PostgreSQL from inlining the expressions into every reference (it would copy them).
  return sql`(SELECT ${body(refs)} FROM (SELECT ${sql.join(exprs.map((e, i) => sql`${e} AS ${sql.raw(`v${i}`)}`))} OFFSET 0) AS ${sql.raw(q)})`;
}
export function text(v: unknown): S {
  if (typeof v !== 'string' || /[\uD800-\uDFFF\0]/u.test(v))
    no('a string PostgreSQL cannot hold (NUL or a lone surrogate)');
  return sql`${v}::text`;
}
export const num = (n: number) => sql`${String(n)}::float8`;
export const constBounds = (n: number): Bounds => ({
  hi: Math.abs(n),
  lo: n === 0 ? Infinity : Math.abs(n),
  zero: n === 0,
});
export function jsonParam(v: unknown): S {
  const body = JSON.stringify(v, (_key, x) => {
    if (typeof x === 'number' && !Number.isFinite(x)) return no('a non-finite number as JSON');
    if (typeof x === 'string') text(x);
    return x;
  });
  return body === undefined ? no('an undefined value') : sql`${body}::jsonb`;
}
export function jsType(v: unknown): T {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  const t = typeof v;
  return t === 'number' || t === 'string' || t === 'boolean' || t === 'object' ? t : no(`a ${t} value`);
}
export const isLogic = (n: unknown): n is Record<string, unknown> =>
  typeof n === 'object' && n !== null && !Array.isArray(n) && Object.keys(n).length === 1;
export const argsOf = (n: Record<string, unknown>): unknown[] => {
  const raw = Object.values(n)[0];
  return Array.isArray(raw) ? raw : [raw];
};
