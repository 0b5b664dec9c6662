// Safe JsonLogic: untrusted rules cannot reach prototypes or functions, unknown operations never run,
// size and depth are capped, and the standard operations still behave as JsonLogic says.
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  allowedOperations,
  analyzeRule,
  closeOperationRegistry,
  evaluateRule,
  isTruthy,
  registerOperation,
  RULE_LIMITS,
  RuleRejectedError,
  toRuleData,
} from './json-logic.ts';
import { applyBudgeted } from './budgeted-apply.ts';

const context = () => ({
  task: { id: 't1', status: 'open', title: 'Refund', labels: ['vip', 'late'], fields: { amount: 250, note: 'hi' } },
  policy: { max_refund: 200 },
  now: '2026-01-01T00:00:00.000Z',
});

/** Runs a rule through the evaluator but without the static check, on ordinary (prototype-bearing) data. */
const runUnchecked = (rule: unknown, data: unknown = context()) => applyBudgeted(rule, data);

function expectHarmless(value: unknown) {
  expect(typeof value).not.toBe('function');
  expect(value).not.toBe(Object.prototype);
  expect(value).not.toBe(Array.prototype);
  expect(value).not.toBe(Function.prototype);
}

function rejection(rule: unknown): RuleRejectedError {
  try {
    evaluateRule(rule, context());
  } catch (error) {
    if (error instanceof RuleRejectedError) return error;
    throw error;
  }
  throw new Error('expected the rule to be rejected');
}

describe('variable lookups are own-property only and never reach prototypes', () => {
  it.each([
    [{ var: 'task.__proto__' }],
    [{ var: 'constructor' }],
    [{ var: 'task.labels.constructor' }],
    [{ var: 'task.fields.constructor.prototype' }],
  ])('%j is refused statically and resolves to null when run', (rule) => {
    expect(analyzeRule(rule).issues).toEqual([expect.objectContaining({ kind: 'forbidden_path' })]);
    expect(() => evaluateRule(rule, context())).toThrow(RuleRejectedError);
    const value = runUnchecked(rule);
    expectHarmless(value);
    expect(value).toBeNull();
    expect(runUnchecked(rule, toRuleData(context()))).toBeNull();
  });

  it('a forbidden path falls back to the given default, not to the prototype', () => {
    expect(runUnchecked({ var: ['task.__proto__', 'fallback'] })).toBe('fallback');
  });

  it('inherited methods are not found: {"var": "task.fields.toString"}', () => {
    expect(analyzeRule({ var: 'task.fields.toString' }).issues).toEqual([]);
    expect(evaluateRule({ var: 'task.fields.toString' }, context())).toBeNull();
    const onPlainData = runUnchecked({ var: 'task.fields.toString' });
    expectHarmless(onPlainData);
    expect(onPlainData).toBeNull();
    expect(runUnchecked({ var: 'task.labels.map' })).toBeNull();
    expect(runUnchecked({ var: 'task.title.length' })).toBeNull();
  });

  it('{"missing": ["__proto__"]} is refused statically and reports the key missing when run', () => {
    expect(analyzeRule({ missing: ['__proto__'] }).issues).toEqual([
      expect.objectContaining({ kind: 'forbidden_path' }),
    ]);
    expect(runUnchecked({ missing: ['__proto__'] })).toEqual(['__proto__']);
    expect(runUnchecked({ missing: ['constructor', 'task.id'] })).toEqual(['constructor']);
  });

  it('a path built at run time cannot reach prototypes either', () => {
    for (const rule of [
      { var: { cat: ['__pro', 'to__'] } },
      { var: { cat: ['task.', '__proto__'] } },
      { var: { cat: ['task.labels.', 'constructor'] } },
      { var: { cat: ['con', 'structor'] } },
    ]) {
      expect(analyzeRule(rule).issues).toEqual([]);
      const value = evaluateRule(rule, context());
      expectHarmless(value);
      expect(value).toBeNull();
    }
  });

  it('own data is still found, including array items and values that are falsy', () => {
    expect(evaluateRule({ var: 'task.fields.amount' }, context())).toBe(250);
    expect(evaluateRule({ var: 'task.labels.1' }, context())).toBe('late');
    expect(evaluateRule({ var: 'zero' }, { zero: 0 })).toBe(0);
    expect(evaluateRule({ var: ['task.fields.missing', 7] }, context())).toBe(7);
  });

  it('toRuleData copies into null-prototype objects, drops prototype keys and turns dates into ISO strings', () => {
    const hostile = JSON.parse('{"a": {"__proto__": {"polluted": true}, "constructor": 1, "ok": 2}}');
    const copy = toRuleData({ ...hostile, when: new Date('2026-01-02T03:04:05.000Z') }) as Record<
      string,
      Record<string, unknown>
    >;
    expect(Object.getPrototypeOf(copy)).toBeNull();
    expect(Object.getPrototypeOf(copy.a)).toBeNull();
    expect(Object.keys(copy.a!)).toEqual(['ok']);
    expect(copy.when).toBe('2026-01-02T03:04:05.000Z');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('operations outside the allowed set are rejected and never run', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('method: the method is never called', () => {
    const called = vi.fn(() => 'ran');
    const rule = { method: [{ var: 'target' }, 'hit'] };
    expect(() => evaluateRule(rule, { target: { hit: called } })).toThrow(RuleRejectedError);
    expect(called).not.toHaveBeenCalled();
    const error = rejection(rule);
    expect(error.issues).toEqual([expect.objectContaining({ kind: 'unknown_operation', operation: 'method', at: [] })]);
  });

  it('log: nothing is logged', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const rule = { and: [true, { log: { var: 'task.id' } }] };
    expect(() => evaluateRule(rule, context())).toThrow(RuleRejectedError);
    expect(log).not.toHaveBeenCalled();
    expect(rejection(rule).issues).toEqual([
      expect.objectContaining({ kind: 'unknown_operation', operation: 'log', at: ['and', 1] }),
    ]);
  });

  it.each(['var.constructor', 'var.constructor.constructor', 'missing.call', '__proto__', 'toString'])(
    'the name %j is not an operation',
    (operation) => {
      const rule = { [operation]: ['return 1'] };
      expect(analyzeRule(rule).issues).toEqual([expect.objectContaining({ kind: 'unknown_operation', operation })]);
      expect(() => evaluateRule(rule, context())).toThrow(RuleRejectedError);
    },
  );

  it('rejects an object with more than one key as an operation', () => {
    expect(analyzeRule({ '==': [1, 1], '!=': [1, 2] }).issues).toEqual([
      expect.objectContaining({ kind: 'invalid_rule' }),
    ]);
  });
});

describe('size and depth caps', () => {
  const nested = (levels: number) => {
    let rule: unknown = true;
    for (let i = 0; i < levels; i++) rule = { '!': rule };
    return rule;
  };

  it(`allows ${RULE_LIMITS.maxDepth} levels of nesting and refuses one more`, () => {
    expect(analyzeRule(nested(RULE_LIMITS.maxDepth)).issues).toEqual([]);
    expect(evaluateRule(nested(RULE_LIMITS.maxDepth), {})).toBe(true);
    const issues = analyzeRule(nested(RULE_LIMITS.maxDepth + 1)).issues;
    expect(issues).toEqual([expect.objectContaining({ kind: 'too_deep' })]);
    expect(issues[0]!.at).toHaveLength(RULE_LIMITS.maxDepth + 1);
    expect(() => evaluateRule(nested(200), {})).toThrow(RuleRejectedError);
  });

  it('caps nesting of plain arrays too', () => {
    let rule: unknown = 1;
    for (let i = 0; i < RULE_LIMITS.maxDepth + 5; i++) rule = [rule];
    expect(analyzeRule({ in: [1, rule] }).issues).toEqual([expect.objectContaining({ kind: 'too_deep' })]);
  });

  it(`allows ${RULE_LIMITS.maxNodes} nodes and refuses one more, reporting it once at the rule's root`, () => {
    const sum = (terms: number) => ({ '+': Array.from({ length: terms }, () => 1) });
    expect(analyzeRule(sum(RULE_LIMITS.maxNodes - 1)).issues).toEqual([]);
    expect(evaluateRule(sum(RULE_LIMITS.maxNodes - 1), {})).toBe(RULE_LIMITS.maxNodes - 1);
    expect(analyzeRule(sum(RULE_LIMITS.maxNodes)).issues).toEqual([
      { kind: 'too_large', message: expect.any(String), at: [] },
    ]);
    expect(analyzeRule(sum(5 * RULE_LIMITS.maxNodes)).issues).toHaveLength(1);
    expect(() => evaluateRule(sum(RULE_LIMITS.maxNodes), {})).toThrow(RuleRejectedError);
  });
});

describe('standard operations still work', () => {
  const data = () => ({
    task: { status: 'in_progress', priority: 2, labels: ['vip', 'late', 'fragile'], fields: { amount: 250 } },
    policy: { max_refund: 200 },
    items: [1, 2, 3, 4],
  });

  it.each<[string, unknown, unknown]>([
    ['comparison', { '>': [{ var: 'task.fields.amount' }, { var: 'policy.max_refund' }] }, true],
    ['between', { '<=': [1, { var: 'task.priority' }, 3] }, true],
    [
      'and/or/!',
      { or: [{ '!': { var: 'task.fields.amount' } }, { and: [true, { '==': [{ var: 'task.priority' }, 2] }] }] },
      true,
    ],
    [
      'if',
      { if: [{ '<': [{ var: 'task.priority' }, 1] }, 'low', { '<': [{ var: 'task.priority' }, 3] }, 'mid', 'high'] },
      'mid',
    ],
    ['in (array)', { in: [{ var: 'task.status' }, ['in_progress', 'blocked']] }, true],
    ['in (string)', { in: ['prog', { var: 'task.status' }] }, true],
    ['missing', { missing: ['task.status', 'task.fields.reason', 'task.fields.amount'] }, ['task.fields.reason']],
    ['missing_some', { missing_some: [1, ['task.fields.reason', 'task.fields.amount']] }, []],
    ['cat/substr', { substr: [{ cat: ['re', 'fund'] }, 0, 3] }, 'ref'],
    ['arithmetic', { '+': [{ '*': [2, 3] }, { '%': [7, 4] }, { '/': [1, 2] }] }, 9.5],
    ['min/max', { max: [{ min: [3, 1] }, 2] }, 2],
    ['merge', { merge: [[1], [2, 3]] }, [1, 2, 3]],
    ['map (item scope)', { map: [{ var: 'items' }, { '*': [{ var: '' }, 10] }] }, [10, 20, 30, 40]],
    ['filter (item scope)', { filter: [{ var: 'items' }, { '>': [{ var: '' }, 2] }] }, [3, 4]],
    [
      'reduce (current/accumulator)',
      { reduce: [{ var: 'items' }, { '+': [{ var: 'current' }, { var: 'accumulator' }] }, 0] },
      10,
    ],
    [
      'reduce (initial from context)',
      {
        reduce: [{ var: 'items' }, { '+': [{ var: 'current' }, { var: 'accumulator' }] }, { var: 'policy.max_refund' }],
      },
      210,
    ],
    ['some', { some: [{ var: 'task.labels' }, { '==': [{ var: '' }, 'vip'] }] }, true],
    ['all', { all: [{ var: 'items' }, { '>': [{ var: '' }, 0] }] }, true],
    ['none', { none: [{ var: 'task.labels' }, { '==': [{ var: '' }, 'lost'] }] }, true],
  ])('%s', (_name, rule, expected) => {
    expect(analyzeRule(rule).issues).toEqual([]);
    expect(evaluateRule(rule, data())).toEqual(expected);
  });

  it('isTruthy follows JsonLogic truthiness', () => {
    expect([isTruthy([]), isTruthy(0), isTruthy(''), isTruthy('0'), isTruthy([0])]).toEqual([
      false,
      false,
      false,
      true,
      true,
    ]);
  });

  it("reports context paths but not item-scope paths; reduce's initial value is context", () => {
    const { varPaths, issues } = analyzeRule({
      and: [
        { map: [{ var: 'task.labels' }, { var: 'name' }] },
        { reduce: [{ var: 'task.labels' }, { '+': [{ var: 'accumulator' }, 1] }, { var: 'policy.base' }] },
        { missing: ['task.fields.a', 'task.fields.b'] },
      ],
    });
    expect(issues).toEqual([]);
    expect(varPaths.map((entry) => entry.path)).toEqual([
      'task.labels',
      'task.labels',
      'policy.base',
      'task.fields.a',
      'task.fields.b',
    ]);
    expect(varPaths[2]!.at).toEqual(['and', 1, 'reduce', 2, 'var']);
  });
});

describe('plugin operations', () => {
  it('registers namespaced operations that rules may then use', () => {
    expect(analyzeRule({ 'acme.double': [2] }).issues).toEqual([
      expect.objectContaining({ kind: 'unknown_operation' }),
    ]);
    registerOperation('acme', 'double', (value) => Number(value) * 2);
    expect(allowedOperations().has('acme.double')).toBe(true);
    expect(analyzeRule({ 'acme.double': [{ var: 'n' }] }).issues).toEqual([]);
    expect(evaluateRule({ 'acme.double': [{ var: 'n' }] }, { n: 21 })).toBe(42);
    // only the namespaced name is added
    expect(allowedOperations().has('double')).toBe(false);
    expect(analyzeRule({ double: [2] }).issues).toEqual([expect.objectContaining({ kind: 'unknown_operation' })]);
  });

  it.each([
    ['Acme', 'double'],
    ['acme', 'Double'],
    ['acme.x', 'double'],
    ['acme', 'dou.ble'],
    ['', 'double'],
    ['acme', ''],
  ])('refuses the name %j.%j', (namespace, name) => {
    expect(() => registerOperation(namespace, name, () => 1)).toThrow(/Invalid operation name/);
    expect(allowedOperations().has(`${namespace}.${name}`)).toBe(false);
  });
});

// Last in the file: the operation registry is module-global, and closing it cannot be undone.
describe('closing the operation registry', () => {
  it('refuses registrations after closeOperationRegistry(), keeping the ones made before', () => {
    registerOperation('acme', 'triple', (value) => Number(value) * 3);
    closeOperationRegistry();
    expect(() => registerOperation('acme', 'quadruple', (value) => Number(value) * 4)).toThrow(/start-up/);
    expect(allowedOperations().has('acme.quadruple')).toBe(false);
    expect(() => evaluateRule({ 'acme.quadruple': [1] }, {})).toThrow(RuleRejectedError);
    expect(evaluateRule({ 'acme.triple': [2] }, {})).toBe(6);
    expect(evaluateRule({ 'acme.double': [2] }, {})).toBe(4);
  });
});
