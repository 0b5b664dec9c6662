// Every JsonLogic evaluation has a work budget: steps, and the size of the strings and lists it builds.
// Rules whose fixed work is over it are refused before they run; the rest stop with RuleBudgetError.
// The budgeted evaluator still gives json-logic-js's answers.
import fc from 'fast-check';
import jsonLogic, { type RulesLogic } from 'json-logic-js';
import { describe, expect, it } from 'vitest';
import { applyBudgeted, RuleEvaluationError } from './budgeted-apply.ts';
import { analyzeRule, evaluateRule, RuleRejectedError, STANDARD_OPERATIONS } from './json-logic.ts';
import { Meter, RULE_BUDGET, RuleBudgetError, WorkPool } from './rule-budget.ts';

/** The allowed operations that take any list of arguments; the rest get their own shapes in the generator below. */
const SHAPED = new Set(['var', 'missing', 'missing_some', 'map', 'filter', 'reduce', 'all', 'none', 'some']);
const PLAIN_OPERATIONS = STANDARD_OPERATIONS.filter((op) => !SHAPED.has(op));

const TEN = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

/** The reviewer's rule: seven nested filters over ten items, 92 nodes. */
function sevenNestedFilters(): unknown {
  let rule: unknown = { in: [{ var: '' }, [1, 2, 3, 4]] };
  for (let level = 0; level < 7; level++) rule = { filter: [TEN, rule] };
  return rule;
}

function nodeCount(node: unknown): number {
  if (Array.isArray(node)) return 1 + node.reduce((total: number, item) => total + nodeCount(item), 0);
  if (node === null || typeof node !== 'object') return 1;
  const [args] = Object.values(node);
  return 1 + (Array.isArray(args) ? args : [args]).reduce((total: number, item) => total + nodeCount(item), 0);
}

function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the evaluation to throw');
}

describe('rules whose fixed work is over the budget are refused before they run', () => {
  it('seven nested filters over ten items (92 nodes) are refused at the deepest filter already over the budget', () => {
    const rule = sevenNestedFilters();
    expect(nodeCount(rule)).toBe(92);
    const { issues } = analyzeRule(rule);
    expect(issues).toEqual([
      expect.objectContaining({ kind: 'too_costly', operation: 'filter', at: ['filter', 1, 'filter', 1, 'filter', 1] }),
    ]);
    expect(issues[0]!.message).toMatch(/about 93,382 evaluation steps.*at most 50,000/);
    expect(() => evaluateRule(rule, {})).toThrow(RuleRejectedError);
  });

  it('counts only the branch of an "if" that runs, and lists from data as empty', () => {
    const heavy = { map: [TEN, { map: [TEN, { map: [TEN, { map: [TEN, 1] }] }] }] }; // ~11,000 steps
    expect(analyzeRule({ if: [{ var: 'x' }, heavy, heavy, heavy, heavy] }).issues).toEqual([]);
    expect(analyzeRule({ and: [heavy, heavy, heavy, heavy, heavy] }).issues).toEqual([
      expect.objectContaining({ kind: 'too_costly', at: [] }),
    ]);
    expect(
      analyzeRule({ filter: [{ var: 'task.labels' }, { filter: [{ var: '' }, { some: [{ var: '' }, true] }] }] })
        .issues,
    ).toEqual([]);
  });

  it('follows list lengths through map, filter and merge', () => {
    const thirty = Array.from({ length: 30 }, (_, i) => i);
    const merged = { merge: [thirty, thirty, thirty] }; // 90 items
    const inner = { map: [{ filter: [thirty, true] }, { map: [thirty, 1] }] }; // ~1,000 steps
    expect(analyzeRule({ map: [merged, inner] }).issues).toEqual([
      expect.objectContaining({ kind: 'too_costly', operation: 'map', at: [] }),
    ]);
    expect(analyzeRule({ map: [{ merge: [thirty, { var: 'x' }] }, inner] }).issues).toEqual([]);
  });
});

describe('an evaluation that runs out of budget stops with a clear error', () => {
  it('stops nested iteration over lists from data after the step budget, having done no more than that', () => {
    let rule: unknown = { some: [{ var: '' }, { '==': [{ var: '' }, -1] }] };
    for (let level = 0; level < 5; level++) rule = { some: [{ var: '' }, rule] };
    rule = { some: [{ var: 'task.fields.grid' }, rule] };
    let grid: unknown = TEN;
    for (let level = 0; level < 6; level++) grid = Array.from({ length: 10 }, () => grid);
    expect(analyzeRule(rule).issues).toEqual([]);
    const meter = new Meter();
    const error = thrown(() => applyBudgeted(rule, { task: { fields: { grid } } }, meter));
    expect(error).toBeInstanceOf(RuleBudgetError);
    expect(error.message).toBe('the rule ran out of its work budget: one evaluation allows 50,000 evaluation steps');
    expect(meter.used.steps).toBe(RULE_BUDGET.steps);
  });

  it('refuses a string before building it: reduce with cat doubling stops near a million characters, not at 2^30', () => {
    const rule = {
      reduce: [Array.from({ length: 30 }, (_, i) => i), { cat: [{ var: 'accumulator' }, { var: 'accumulator' }] }, 'x'],
    };
    expect(analyzeRule(rule).issues).toEqual([]);
    const meter = new Meter();
    const error = thrown(() => applyBudgeted(rule, {}, meter));
    expect(error).toBeInstanceOf(RuleBudgetError);
    expect((error as RuleBudgetError).kind).toBe('built');
    expect(meter.used.built).toBeLessThanOrEqual(RULE_BUDGET.built);
  });

  it('refuses lists built by merge and map past the size budget, a list item counting as 8 characters', () => {
    const big = Array.from({ length: 50_000 }, (_, i) => i);
    expect(
      thrown(() => evaluateRule({ merge: [{ var: 'big' }, { var: 'big' }, { var: 'big' }] }, { big })),
    ).toBeInstanceOf(RuleBudgetError);
    expect(evaluateRule({ merge: [{ var: 'big' }, { var: 'big' }] }, { big })).toHaveLength(100_000);
    expect(thrown(() => evaluateRule({ map: [{ var: 'big' }, { map: [[1, 2], 1] }] }, { big }))).toBeInstanceOf(
      RuleBudgetError,
    );
    expect(evaluateRule({ cat: [{ var: 'text' }, { var: 'text' }] }, { text: 'x'.repeat(500_000) })).toHaveLength(
      1_000_000,
    );
  });

  it('charges for scanning large values, so comparing long strings many times runs out too', () => {
    const long = 'x'.repeat(100_000);
    const hundred = Array.from({ length: 100 }, (_, i) => i);
    const rule = { map: [hundred, { map: [{ var: '' }, 1] }] }; // cheap in steps
    expect(evaluateRule(rule, {})).toHaveLength(100);
    const scanning = { filter: [hundred, { in: ['y', { var: '' }] }] };
    expect(evaluateRule(scanning, {})).toEqual([]);
    const meter = new Meter();
    thrown(() =>
      applyBudgeted(
        { filter: [{ var: 'many' }, { in: ['y', { var: '' }] }] },
        { many: Array.from({ length: 600 }, () => long) },
        meter,
      ),
    );
    expect(meter.used.steps).toBe(RULE_BUDGET.steps);
  });

  it('within the budget a rule runs to the end: just under 50,000 steps passes, just over fails', () => {
    // {map: [{var: items}, 1]}: the map, its var and the var's path are 3 steps, each item 1, and
    // building the result costs 1 step per 1024 items.
    const run = (items: number) => () =>
      evaluateRule({ map: [{ var: 'items' }, 1] }, { items: new Array(items).fill(0) });
    const fits = RULE_BUDGET.steps - 3 - Math.floor(49_950 / 1024) - 2;
    expect(run(fits)()).toHaveLength(fits);
    expect(thrown(run(fits + 100))).toBeInstanceOf(RuleBudgetError);
  });

  it('a pool bounds several evaluations together and is named when it is what ran out', () => {
    const pool = new WorkPool({ steps: 60_000, built: 10_000_000 }, 'these fixtures together');
    const rule = { map: [{ var: 'items' }, 1] };
    const items = new Array(35_000).fill(0);
    expect(evaluateRule(rule, { items }, pool)).toHaveLength(35_000);
    const error = thrown(() => evaluateRule(rule, { items }, pool));
    expect(error.message).toBe(
      'the rule ran out of its work budget: these fixtures together allows 60,000 evaluation steps',
    );
    expect(pool.exhausted).toBe(true);
  });

  it('an operation that cannot use its values says which operation', () => {
    const error = thrown(() => evaluateRule({ '<': [{ var: 'task.fields' }, 3] }, { task: { fields: { a: 1 } } }));
    expect(error).toBeInstanceOf(RuleEvaluationError);
    expect(error.message).toMatch(/^operation "<" could not use its values/);
  });
});

describe('the budgeted evaluator cannot reach prototypes', () => {
  it.each(['constructor', 'hasOwnProperty', 'toString', '__proto__', 'valueOf'])(
    '%j is not an operation even when run unchecked',
    (name) => {
      expect(() => applyBudgeted(JSON.parse(`{"${name}": [1]}`), {})).toThrow(/Unrecognized operation/);
    },
  );

  it('reads own properties only, on ordinary objects too', () => {
    for (const path of [
      'constructor',
      'a.constructor.prototype',
      'a.__proto__',
      'list.map',
      'a.toString',
      'text.length',
    ]) {
      expect(applyBudgeted({ var: path }, { a: {}, list: [1], text: 'abc' })).toBeNull();
    }
    expect(applyBudgeted({ in: ['x', { var: 'a' }] }, { a: { indexOf: 1 } })).toBe(false);
  });
});

// The same answers as json-logic-js (the reference implementation) on generated rules and data.
describe('JsonLogic semantics are kept', () => {
  const names = ['a', 'b', 'n', 'items', 'words'];
  const leaf = fc.oneof(
    fc.integer({ min: -5, max: 20 }),
    fc.constantFrom('', 'a', 'b', '0', '1', 'abc', 'A'),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom(...names, 'a.x', 'items.1', '').map((path) => ({ var: path })),
    fc
      .tuple(fc.constantFrom(...names), fc.integer({ min: 0, max: 3 }))
      .map(([path, fallback]) => ({ var: [path, fallback] })),
  );
  const { rule } = fc.letrec<{ rule: unknown }>((tie) => ({
    rule: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc
        .tuple(fc.constantFrom(...PLAIN_OPERATIONS), fc.array(tie('rule'), { maxLength: 4 }))
        .map(([op, args]) => ({ [op]: args })),
      fc
        .tuple(fc.constantFrom('map', 'filter', 'all', 'none', 'some'), tie('rule'), tie('rule'))
        .map(([op, list, body]) => ({ [op]: [list, body] })),
      fc
        .tuple(tie('rule'), tie('rule'), tie('rule'))
        .map(([list, body, initial]) => ({ reduce: [list, body, initial] })),
      fc.array(tie('rule'), { maxLength: 3 }),
      fc.array(fc.constantFrom(...names, 'a.x', 'zz'), { maxLength: 3 }).map((keys) => ({ missing: keys })),
      fc
        .tuple(fc.integer({ min: 0, max: 3 }), fc.array(fc.constantFrom(...names, 'zz'), { maxLength: 3 }))
        .map(([need, keys]) => ({ missing_some: [need, keys] })),
    ),
  }));
  const data = fc.record({
    a: fc.oneof(fc.integer({ min: -3, max: 9 }), fc.string({ maxLength: 3 }), fc.record({ x: fc.integer() })),
    b: fc.oneof(fc.boolean(), fc.constant(null), fc.constant('')),
    n: fc.integer({ min: 0, max: 5 }),
    items: fc.array(fc.integer({ min: -2, max: 6 }), { maxLength: 5 }),
    words: fc.array(fc.constantFrom('a', 'b', 'abc', ''), { maxLength: 4 }),
  });

  const outcome = (run: () => unknown) => {
    try {
      return { value: run() };
    } catch {
      return { threw: true };
    }
  };

  it('gives what json-logic-js gives (or throws where it throws) on generated rules and data', () => {
    fc.assert(
      fc.property(rule, data, (generated, given) => {
        const reference = outcome(() => jsonLogic.apply(generated as RulesLogic, structuredClone(given)));
        const ours = outcome(() => applyBudgeted(generated, structuredClone(given)));
        expect(ours).toEqual(reference);
      }),
      { numRuns: 3000, seed: 12 },
    );
  });

  it.each<[string, unknown, unknown, unknown]>([
    ['between, exclusive', { '<': [1, { var: 'n' }, 3] }, { n: 2 }, true],
    ['between, inclusive', { '<=': [1, 1, 3] }, {}, true],
    ['== coerces', { '==': [1, '1'] }, {}, true],
    ['=== does not', { '===': [1, '1'] }, {}, false],
    ['truthiness of an empty list', { '!!': [[]] }, {}, false],
    ['truthiness of "0"', { '!!': ['0'] }, {}, true],
    ['and returns the first falsy value', { and: [1, '', 2] }, {}, ''],
    ['or returns the first truthy value', { or: [0, 'a', 2] }, {}, 'a'],
    ['if without else', { if: [false, 1] }, {}, null],
    ['var on a whole list', { var: 1 }, ['apple', 'banana'], 'banana'],
    ['var with a default', { var: ['x.y', 'none'] }, { x: {} }, 'none'],
    ['var of an empty path is the data', { var: '' }, 5, 5],
    ['missing with a list from merge', { missing: { merge: ['a', ['b']] } }, { a: 1 }, ['b']],
    ['missing_some satisfied', { missing_some: [1, ['a', 'b']] }, { b: 0 }, []],
    ['substr with a negative end', { substr: ['jsonlogic', 1, -3] }, {}, 'sonlo'],
    ['substr with a negative start', { substr: ['jsonlogic', -5] }, {}, 'logic'],
    ['+ parses numbers', { '+': ['3', 1] }, {}, 4],
    ['* of one value is the value', { '*': ['2'] }, {}, '2'],
    ['- of one value negates', { '-': [2] }, {}, -2],
    ['min of nothing', { min: [] }, {}, Infinity],
    ['merge flattens one level', { merge: [[1, [2]], 3] }, {}, [1, [2], 3]],
    ['all of an empty list is false', { all: [[], true] }, {}, false],
    ['none of a non-list is true', { none: [5, true] }, {}, true],
    ['reduce of a non-list is the initial value', { reduce: [5, 1, 7] }, {}, 7],
    ['in on a string', { in: ['Spring', 'Springfield'] }, {}, true],
    ['cat of null and lists', { cat: [null, 'a', [1, 2]] }, {}, 'a1,2'],
  ])('%s', (_name, rule, given, expected) => {
    expect(applyBudgeted(rule, given)).toEqual(expected);
    expect(jsonLogic.apply(rule as RulesLogic, given)).toEqual(expected);
  });
});
