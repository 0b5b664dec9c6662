// `var` paths into the task: columns, derived hours and jsonb walks that follow the evaluator's lookup.
import { sql } from 'kysely';
import { ALL, bind, cheap, jsonParam, mark, no, state, text, type S, type Val } from './sql-parts.ts';
import { RULE_TASK_KEYS } from '../../workflow/rule-context.ts';

/** A per-row value: a column of the scan's inner select when compiling for one, else the expression itself. */
const input = (key: string, expr: () => S): S =>
  state.inputs ? mark(state.inputs.column(`${key}@${state.nowMs}`, expr)) : expr();

/** One step of the evaluator's own-property lookup in jsonb: object keys, array indexes and `length`. */
function step(j: S, seg: string, depth: number): S {
  const index = /^(0|[1-9][0-9]{0,8})$/.test(seg);
  // `->` with a key is NULL on anything but an object, as the lookup is on anything but an object or array.
  if (!index && seg !== 'length')
    return depth === 0 ? mark(input(`fields.${seg}`, () => sql`${j} -> ${text(seg)}`)) : sql`${j} -> ${text(seg)}`;
  return bind(
    [j],
    ([x]) => sql`CASE jsonb_typeof(${x}) WHEN 'object' THEN ${x} -> ${text(seg)}
    WHEN 'array' THEN ${index ? sql`${x} -> ${Number(seg)}::int` : sql`to_jsonb(jsonb_array_length(${x}))`} END`,
  );
}

/** Milliseconds since the epoch as the drivers give them to Node (cut, not rounded), as a float8. */
function epochMs(at: S): S {
  // Fast: date_part is the exact microseconds / 1e6 rounded once, so round(… * 1e6) gets them back while
  // |epoch| < 2^32 s (two roundings stay under half a microsecond). Elsewhere: exact numeric.
  return sql`CASE WHEN ${at} BETWEEN '1902-01-01Z' AND '2105-12-31Z' THEN floor(round(date_part('epoch', ${at}) * 1000000) / 1000)
    ELSE floor(extract(epoch FROM ${at}) * 1000)::float8 END`;
}
function hours(key: string, at: S, nullable = false): Val {
  // Both terms are integers below 2^53, so the difference is exact and the division rounds as JavaScript's.
  const h = () => sql`(GREATEST(0, ${state.nowMs}::float8 - ${epochMs(at)}) / 3600000)`;
  return {
    k: 'num',
    s: input(key, () => (nullable ? sql`CASE WHEN ${at} IS NULL THEN 0::float8 ELSE ${h()} END` : h())),
    b: { hi: 3e9, lo: 2.7e-7, zero: true },
    throws: false,
  };
}

export function taskPath(path: unknown, notFound: unknown): Val {
  if (path === null || path === undefined || path === '') no('a `var` of the whole data');
  const [head, col, ...rest] = String(path).split('.');
  if (head !== 'task') no('a computed `var` path');
  if (col === undefined) no('a `var` of the whole task');
  if (col === 'fields' || col === 'labels') {
    const s = rest.reduce(
      (j, seg, depth) => step(j, seg, depth),
      mark(col === 'fields' ? sql`tasks.fields` : sql`to_jsonb(tasks.labels)`),
    );
    const fallback = notFound === null ? sql`'null'::jsonb` : jsonParam(notFound);
    return rest.length
      ? {
          k: 'json',
          s: (cheap.has(s) ? mark : (x: S) => x)(sql`COALESCE(${s}, ${fallback})`),
          types: ALL,
          throws: false,
        }
      : { k: 'json', s, types: col === 'labels' ? ['array'] : ALL, throws: false, labels: col === 'labels' };
  }
  if (!(RULE_TASK_KEYS as readonly string[]).includes(col!)) no(`task.${col} is not a task value the compiler knows`);
  if (rest.length) return { k: 'const', v: notFound }; // the other task values are strings, numbers or null
  switch (col) {
    case 'status':
    case 'type':
    case 'title':
    case 'priority':
      return { k: 'str', s: mark(sql.raw(`tasks.${col}`)), nullable: false };
    case 'role':
      return { k: 'str', s: mark(sql`tasks.role_id`), nullable: true };
    case 'assignee':
      return { k: 'str', s: mark(sql`tasks.assignee_id::text`), nullable: true };
    case 'id':
      return { k: 'num', s: mark(sql`tasks.id::float8`), b: { hi: 1e19, lo: 1, zero: true }, throws: false };
    case 'age_hours':
      return hours(col, sql`tasks.created_at`);
    case 'idle_hours':
      return hours(col, sql`tasks.updated_at`);
    case 'overdue_hours':
      return hours(col, sql`tasks.due_at`, true);
    default:
      return no(`task.${col} has no SQL form here (timestamp strings and business hours stay in Node)`);
  }
}
