// The JsonLogic → SQL compiler without a database: the SQL it writes for the common rules, values only
// ever as parameters, and every construct it refuses (the database suite checks the answers).
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import { describe, expect, it } from 'vitest';
import { RULE_TASK_KEYS, ruleTask } from '../workflow/rule-context.ts';
import { compileRule, type CompiledRule } from './json-logic-sql.ts';
import { JS_WHITESPACE } from './sql/js-to-number.ts';
import { RowInputs } from './sql/row-inputs.ts';

const db = new Kysely<unknown>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});
const NOW = new Date('2026-03-01T08:00:00.000Z');
const POLICY = { max_hours: 24, vip: 'vip', strict: true };
const compile = (rule: unknown) => compileRule(rule, { now: NOW, policy: POLICY });
function compiled(rule: unknown) {
  const result: CompiledRule = compile(rule);
  if ('unsupported' in result) throw new Error(`expected SQL, got: ${result.unsupported}`);
  return result.sql.compile(db);
}
const refusal = (rule: unknown) => {
  const result = compile(rule);
  return 'unsupported' in result ? result.unsupported : `compiled: ${result.sql.compile(db).sql}`;
};

describe('compiled shapes', () => {
  it('compares a text column with a parameter, in plain SQL the planner can use', () => {
    expect(compiled({ '==': [{ var: 'task.status' }, 'open'] })).toMatchObject({
      sql: 'COALESCE((tasks.status = $1::text), false)',
      parameters: ['open'],
    });
    expect(compiled({ '!==': [{ var: 'task.priority' }, 'low'] }).sql).toBe(
      'COALESCE((NOT (tasks.priority = $1::text)), false)',
    );
    // Orderings byte-wise (code points), whatever the database's collation; JS compares code units.
    expect(compiled({ '<': [{ var: 'task.title' }, 'm'] }).sql).toBe(
      'COALESCE((tasks.title COLLATE "C" < $1::text), false)',
    );
  });

  it('computes the hours from the `now` parameter and millisecond timestamps, as ruleTask does', () => {
    const { sql, parameters } = compiled({ '>': [{ var: 'task.age_hours' }, { var: 'policy.max_hours' }] });
    // In float8 (numeric is several times slower), exact numeric only for timestamps outside 1902–2105.
    expect(sql).toBe(
      "COALESCE(((GREATEST(0, $1::float8 - CASE WHEN tasks.created_at BETWEEN '1902-01-01Z' AND '2105-12-31Z' THEN floor(round(date_part('epoch', tasks.created_at) * 1000000) / 1000)\n" +
        '    ELSE floor(extract(epoch FROM tasks.created_at) * 1000)::float8 END) / 3600000) > $2::float8), false)',
    );
    expect(parameters).toEqual([String(NOW.getTime()), '24']);
    expect(compiled({ '>': [{ var: 'task.overdue_hours' }, 0] }).sql).toContain(
      'CASE WHEN tasks.due_at IS NULL THEN 0::float8 ELSE',
    );
    expect(compiled({ '<': [{ var: 'task.idle_hours' }, 1] }).sql).toContain('tasks.updated_at');
  });

  it('joins conditions that cannot throw with plain AND / OR', () => {
    const { sql } = compiled({
      and: [
        { '==': [{ var: 'task.status' }, 'open'] },
        { or: [{ '!': { var: 'task.assignee' } }, { '>=': [{ var: 'task.id' }, 10] }] },
      ],
    });
    expect(sql).toBe(
      "COALESCE(((tasks.status = $1::text) AND ((NOT COALESCE(tasks.assignee_id::text <> '', false)) OR (tasks.id::float8 >= $2::float8))), false)",
    );
  });

  it('sends every value from the rule, the policy and the clock as a parameter, never as SQL text', () => {
    const hostile = "x'); DROP TABLE tasks; --";
    const { sql, parameters } = compiled({
      or: [
        { '==': [{ var: 'task.fields.note' }, hostile] },
        { in: [hostile, { var: 'task.labels' }] },
        { '<': [{ var: 'task.title' }, hostile] },
      ],
    });
    expect(sql).not.toContain('DROP');
    expect(parameters.filter((p) => p === hostile).length).toBeGreaterThanOrEqual(3);
  });

  it('evaluates parts without task values here, with json-logic itself', () => {
    expect(compiled({ '==': [{ var: 'policy.vip' }, 'vip'] }).sql).toBe('COALESCE(true, false)');
    expect(
      compiled({ if: [{ var: 'policy.strict' }, { '>': [{ var: 'task.age_hours' }, { '*': [2, 12] }] }, false] })
        .parameters,
    ).toContain('24');
    expect(compiled({ '<': [{ var: 'now' }, '2026'] }).sql).toBe('COALESCE(false, false)');
  });

  it('branches on the jsonb type of a field and follows JavaScript for each', () => {
    const { sql } = compiled({ '>': [{ var: 'task.fields.amount' }, 500] });
    // A missing key is null; numbers, the usual case, compare as doubles straight away.
    expect(sql).toMatch(
      /^COALESCE\(CASE jsonb_typeof\(COALESCE\(tasks.fields -> \$1::text, 'null'::jsonb\)\) WHEN 'number' THEN \(\(COALESCE\(tasks.fields -> \$2::text, 'null'::jsonb\)\)::float8 > \$3::float8\) WHEN 'string' THEN/,
    );
    for (const type of ['null', 'boolean', 'number', 'string', 'array', 'object'])
      expect(sql).toContain(`WHEN '${type}' THEN`);
    expect(sql).toContain("'NaN'::float8"); // strings that are not numbers
    expect(sql).toContain('THEN NULL::boolean'); // objects: ToPrimitive throws
    // Strict equality with a string, boolean or null needs no conversion: it is jsonb equality.
    expect(compiled({ '===': [{ var: 'task.fields.severity' }, 'high'] })).toMatchObject({
      sql: "COALESCE((COALESCE(tasks.fields -> $1::text, 'null'::jsonb) = $2::jsonb), false)",
      parameters: ['severity', '"high"'],
    });
    expect(compiled({ '!==': [true, { var: 'task.fields.done' }] }).sql).toBe(
      "COALESCE((NOT (COALESCE(tasks.fields -> $1::text, 'null'::jsonb) = $2::jsonb)), false)",
    );
  });

  it('walks field paths like the own-property lookup: object keys, array indexes and length', () => {
    const { sql, parameters } = compiled({ '!!': { var: 'task.fields.items.0.sku' } });
    expect(sql).toMatch(/WHEN 'array' THEN .* -> \$\d+::int/);
    expect(parameters).toEqual(expect.arrayContaining(['items', 0, 'sku']));
    expect(compiled({ '>': [{ var: 'task.fields.items.length' }, 2] }).sql).toContain('to_jsonb(jsonb_array_length(');
  });

  it('uses the labels array directly for `in`', () => {
    expect(compiled({ in: ['vip', { var: 'task.labels' }] }).sql).toBe(
      'COALESCE(COALESCE($1::text = ANY(tasks.labels), false), false)',
    );
    expect(compiled({ in: [null, { var: 'task.labels' }] }).sql).toContain('array_position(tasks.labels, NULL)');
  });

  it('lists missing keys with the evaluator’s rule (null or empty string)', () => {
    const { sql } = compiled({ missing: ['task.fields.customer', 'task.role', 'policy.vip'] });
    expect(sql).toContain("IN ('null'::jsonb, '\"\"'::jsonb)");
    expect(sql).toContain("(tasks.role_id IS NULL OR tasks.role_id = '')");
  });
});

describe('compiled for a scan', () => {
  it('reads the hours and top-level fields of all its rules from one inner select, computed once per row', () => {
    const inputs = new RowInputs();
    const scan = (rule: unknown) => {
      const result = compileRule(rule, { now: NOW, policy: POLICY, inputs });
      if ('unsupported' in result) throw new Error(result.unsupported);
      return result.sql.compile(db).sql;
    };
    expect(scan({ '>': [{ var: 'task.age_hours' }, 1] })).toBe('COALESCE((tasks._in0 > $1::float8), false)');
    expect(
      scan({ and: [{ '<': [{ var: 'task.age_hours' }, 9] }, { '===': [{ var: 'task.fields.kind' }, 'x'] }] }),
    ).toContain('tasks._in0 < $1::float8');
    const from = inputs.from().compile(db).sql;
    expect(from).toMatch(
      /^\(SELECT tasks\.\*, \(GREATEST.*tasks\.created_at.* AS _in0, tasks\.fields -> \$\d+::text AS _in1 FROM tasks WHERE true OFFSET 0\) AS tasks$/s,
    );
  });

  it('adds no inputs for a rule it refuses', () => {
    const inputs = new RowInputs();
    expect(
      compileRule(
        { and: [{ '>': [{ var: 'task.idle_hours' }, 1] }, { cat: ['a', { var: 'task.title' }] }] },
        { now: NOW, policy: POLICY, inputs },
      ),
    ).toHaveProperty('unsupported');
    expect(
      compileRule(
        { and: [{ '>': [{ var: 'task.idle_hours' }, 1] }, { '>': [{ var: 'task.business_age_hours' }, 1] }] },
        { now: NOW, policy: POLICY, inputs },
      ),
    ).toHaveProperty('unsupported');
    expect(inputs.from().compile(db).sql).toBe('(SELECT tasks.* FROM tasks WHERE true OFFSET 0) AS tasks');
  });
});

describe('refused with a reason, so the rule runs in Node', () => {
  it.each([
    [{ cat: ['a', { var: 'task.title' }] }, 'operation "cat" has no SQL form'],
    [{ '==': [{ max: [1, 2] }, 2] }, 'operation "max" has no SQL form'],
    [{ some: [{ var: 'task.labels' }, { '==': [{ var: '' }, 'vip'] }] }, 'operation "some" has no SQL form'],
    [{ '?:': [{ var: 'task.role' }, 1, 2] }, 'operation "?:" has no SQL form'],
    [{ substr: [{ var: 'task.title' }, 1] }, 'operation "substr" has no SQL form'],
  ])('operations outside the subset: %j', (rule, reason) => {
    expect(refusal(rule)).toBe(reason);
  });

  it('rules the evaluator itself rejects', () => {
    expect(refusal({ log: { var: 'task.title' } })).toMatch(/^rule rejected: operation "log" is disabled/);
    expect(refusal({ var: 'task.__proto__' })).toMatch(
      /^rule rejected: path "task.__proto__" uses a forbidden segment/,
    );
  });

  it.each([
    [{ '<': [{ var: 'task.created_at' }, { var: 'now' }] }, /task.created_at has no SQL form/],
    [{ '!!': { var: 'task.due_at' } }, /task.due_at has no SQL form/],
    [{ '>': [{ var: 'task.business_age_hours' }, 8] }, /task.business_age_hours has no SQL form/],
    [{ '==': [{ var: 'task.escalation_level' }, 1] }, /task.escalation_level is not a task value/],
    [{ '!!': { var: '' } }, /whole data/],
    [{ '!!': { var: 'task' } }, /whole task/],
    [{ '!!': { var: [{ if: [{ var: 'task.role' }, 'task.role', 'task.type'] }] } }, /computed `var` path/],
    [{ '==': [{ var: ['task.fields.a', { var: 'task.status' }] }, 1] }, /computed `var` path or default/],
    [{ missing: [{ var: 'task.status' }] }, /computed `missing` keys/],
  ])('paths: %j', (rule, reason) => {
    expect(refusal(rule)).toMatch(reason);
  });

  it.each([
    [{ '===': [{ var: 'task.fields.a' }, { var: 'task.fields.b' }] }, /two arrays or objects \(by identity\)/],
    [{ '<': [{ var: 'task.title' }, { var: 'task.status' }] }, /ordering of strings/],
    [{ '<': [{ var: 'task.fields.code' }, 'm'] }, /ordering of strings/], // the field may be an array, ordered by its join
    [{ '<': [{ var: 'task.title' }, '\uffff'] }, /ordering of strings/], // JS orders UTF-16 code units
    [{ '==': [{ var: 'task.fields.tags' }, 'a,b'] }, /array and a string/],
    [{ '==': [{ var: 'task.fields.tags' }, { var: 'task.title' }] }, /array and a string/],
    [{ in: [{ var: 'task.fields.code' }, 'A1,B2'] }, /`in` of a number or field within a string/],
    [{ in: [{ var: 'task.id' }, { var: 'task.title' }] }, /`in` of a number or field within a string/],
  ])('comparisons JavaScript answers in ways SQL cannot prove: %j', (rule, reason) => {
    expect(refusal(rule)).toMatch(reason);
  });

  it.each([
    [{ '>': [{ '+': [{ var: 'task.fields.amount' }, 1] }, 2] }, /not statically a number/],
    [{ '>': [{ '/': [100, { var: 'task.age_hours' }] }, 2] }, /division by a value that may be zero/],
    [{ '>': [{ '*': [{ var: 'task.id' }, 1e290] }, 2] }, /could overflow or underflow/],
    [{ '>': [{ '*': [{ var: 'task.age_hours' }, 1e-299] }, 0] }, /could overflow or underflow/],
    [
      { '>': [{ '-': [{ var: 'task.age_hours' }, 1, { '==': [{ var: 'task.fields.o' }, 1] }] }, 0] },
      /ignored argument that may throw/,
    ],
  ])('arithmetic PostgreSQL would not do like JavaScript: %j', (rule, reason) => {
    expect(refusal(rule)).toMatch(reason);
  });

  it('compiles the arithmetic that is safe, including json-logic’s odd arities', () => {
    expect(
      compiled({ '>': [{ '-': [{ var: 'task.age_hours' }, { var: 'task.idle_hours' }, 'ignored'] }, 1] }).sql,
    ).toContain(' - ');
    expect(compiled({ '>': [{ '/': [{ var: 'task.id' }] }, 1] }).sql).toBe('COALESCE(false, false)'); // x / undefined is NaN
    expect(compiled({ '==': [{ '*': [{ var: 'task.title' }] }, 'x'] }).sql).toContain('tasks.title'); // a lone factor is returned as is
  });
});

describe('assumptions the compiler rests on', () => {
  it('knows every key ruleTask gives a rule (a new key must be taught or refused)', () => {
    // Only the columns ruleTask reads, so new table columns do not break this test.
    const row = {
      id: 1,
      type: 't',
      title: 't',
      status: 'open',
      priority: 'normal',
      fields: {},
      labels: [],
      assignee_id: null,
      role_id: null,
      due_at: null,
      created_at: NOW,
      updated_at: NOW,
    };
    expect(Object.keys(ruleTask(row as unknown as Parameters<typeof ruleTask>[0], NOW)).sort()).toEqual(
      [...RULE_TASK_KEYS].sort(),
    );
  });

  it('trims exactly the whitespace JavaScript’s Number() trims', () => {
    const trimmed = new RegExp(`^[${JS_WHITESPACE}]$`, 'u');
    const differences: string[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp += 1) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const ch = String.fromCodePoint(cp);
      if ((Number(`${ch}1${ch}`) === 1) !== trimmed.test(ch)) differences.push(cp.toString(16));
    }
    expect(differences).toEqual([]);
  });
});
