// Compiles the JsonLogic subset the escalation time path needs into one parameterised boolean SQL
// expression over `tasks`: TRUE exactly when isTruthy(evaluateRule(rule, {task: ruleTask(row, now),
// policy, now})) is true (a rule that throws in Node counts as false, as the engine treats it).
// Whatever the compiler cannot prove identical is refused with { unsupported }; run those in Node.
// - Ops: var, ==, ===, !=, !==, <, <=, >, >=, and, or, !, !!, in, missing, +, -, *, /, if; any other op
//   anywhere refuses the rule. Subtrees that never read `task` (policy.*, now, literals) are evaluated
//   here by json-logic itself and sent as parameters; no value is ever spliced into the SQL text.
// - Paths: task.status/type/title/priority → text columns; task.role/assignee → role_id/assignee_id;
//   task.id; task.age_hours/idle_hours/overdue_hours from the `now` parameter and the timestamps cut
//   to milliseconds (as the drivers give them to Node), in float8, with ruleTask's max(0, …) and 0 for no due_at;
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
// - A scan of many rules passes `inputs` (sql/row-inputs.ts): the hours and top-level fields every
//   rule reads are then computed once per row, by the inner select of `inputs.from(…)`.
// The pieces: sql/sql-parts.ts (value model), sql/task-paths.ts (var), sql/compare.ts,
// sql/operations.ts (in, missing, arithmetic, and/or/if), sql/values.ts, sql/js-to-number.ts.
import { sql, type RawBuilder } from 'kysely';
import { analyzeRule, evaluateRule } from './json-logic.ts';
import { compare } from './sql/compare.ts';
import { arith, ifOp, inOp, logic, missing } from './sql/operations.ts';
import type { RowInputs } from './sql/row-inputs.ts';
import { argsOf, isLogic, no, state, Unsupported, type Val } from './sql/sql-parts.ts';
import { taskPath } from './sql/task-paths.ts';
import { truthy } from './sql/values.ts';

export interface CompileOptions {
  now: Date;
  policy: Record<string, number | string | boolean>;
  /** Compile for a scan over `inputs.from(…)`: per-row values (hours, fields) become shared columns. */
  inputs?: RowInputs;
}
export type CompiledRule = { sql: RawBuilder<boolean> } | { unsupported: string };
export const SQL_OPERATIONS: ReadonlySet<string> = new Set([
  'var',
  '==',
  '===',
  '!=',
  '!==',
  '<',
  '<=',
  '>',
  '>=',
  'and',
  'or',
  '!',
  '!!',
  'in',
  'missing',
  '+',
  '-',
  '*',
  '/',
  'if',
]);
/** More subqueries than this and the statement gets too large to plan quickly. */
const MAX_SUBQUERIES = 400;

function dependsOnTask(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(dependsOnTask);
  if (!isLogic(node)) return false;
  const [op] = Object.keys(node);
  const args = argsOf(node);
  const paths = op === 'var' ? [args[0]] : op === 'missing' ? (Array.isArray(args[0]) ? args[0] : args) : [];
  return (
    paths.some(
      (p) => (typeof p !== 'string' && typeof p !== 'number') || p === '' || String(p).split('.')[0] === 'task',
    ) || args.some(dependsOnTask)
  );
}
/** One JsonLogic node as a value; parts that never read `task` are evaluated here and become parameters. */
export function compileNode(node: unknown): Val {
  if (!dependsOnTask(node)) {
    try {
      return { k: 'const', v: isLogic(node) || Array.isArray(node) ? evaluateRule(node, state.data) : node };
    } catch {
      return no('a part without task values throws when evaluated');
    }
  }
  if (Array.isArray(node)) return { k: 'list', items: node.map(compileNode) };
  const op = Object.keys(node as object)[0]!;
  const raw = argsOf(node as Record<string, unknown>);
  if (op === 'var') {
    const [path, fallback] = raw.map(compileNode);
    if (path?.k !== 'const' || (fallback && fallback.k !== 'const')) no('a computed `var` path or default');
    return taskPath(
      (path as { v: unknown }).v,
      fallback === undefined || (fallback as { v: unknown }).v === undefined ? null : (fallback as { v: unknown }).v,
    );
  }
  const vals = raw.map(compileNode);
  switch (op) {
    case 'missing':
      return missing(vals, (key) => compileNode({ var: key }));
    case 'in':
      return vals.length === 2 ? inOp(vals[0]!, vals[1]!) : no(`"in" with ${vals.length} arguments`);
    case '!':
    case '!!': {
      if (vals.length !== 1) no(`"${op}" with ${vals.length} arguments`);
      const t = truthy(vals[0]!);
      return { k: 'bool', s: op === '!' ? sql`(NOT ${t.s})` : t.s, throws: t.throws };
    }
    case 'and':
    case 'or':
      return logic(op, vals);
    case 'if':
      return ifOp(vals);
    case '+':
    case '-':
    case '*':
    case '/':
      return arith(op, vals);
    default:
      return compare(op, vals);
  }
}
function foreignOp(node: unknown): string | undefined {
  if (Array.isArray(node)) return node.map(foreignOp).find(Boolean);
  if (!isLogic(node)) return undefined;
  const op = Object.keys(node)[0]!;
  return SQL_OPERATIONS.has(op) ? argsOf(node).map(foreignOp).find(Boolean) : op;
}

/** The rule as a boolean SQL expression over `tasks` (or `inputs.from(…)`), or why it must run in Node. */
export function compileRule(rule: unknown, options: CompileOptions): CompiledRule {
  const [issue] = analyzeRule(rule).issues;
  if (issue) return { unsupported: `rule rejected: ${issue.message}` };
  const op = foreignOp(rule);
  if (op) return { unsupported: `operation "${op}" has no SQL form` };
  Object.assign(state, {
    data: { policy: options.policy, now: options.now.toISOString() },
    nowMs: String(options.now.getTime()),
    aliases: 0,
    inputs: options.inputs,
  });
  const rollback = options.inputs?.checkpoint();
  try {
    const condition = truthy(compileNode(rule)).s;
    if (state.aliases <= MAX_SUBQUERIES) return { sql: sql<boolean>`COALESCE(${condition}, false)` };
    rollback?.();
    return { unsupported: 'the SQL would be too large' };
  } catch (error) {
    rollback?.();
    if (error instanceof Unsupported) return { unsupported: error.message };
    throw error;
  } finally {
    state.inputs = undefined;
  }
}
