// A JsonLogic evaluator with the semantics of json-logic-js 2.0.5 that meters its work (rule-budget.ts)
// and cannot reach prototypes: operations live in a Map, `var` reads own properties only, and no value
// is ever called. Work is charged before it is done, so a string or list is refused before it is built.
import { Meter } from './rule-budget.ts';

export type Operation = (this: unknown, ...args: unknown[]) => unknown;

const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);

export class RuleEvaluationError extends Error {
  override readonly name = 'RuleEvaluationError';
}

export function truthy(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : Boolean(value);
}

function isLogic(node: unknown): node is Record<string, unknown> {
  return typeof node === 'object' && node !== null && !Array.isArray(node) && Object.keys(node).length === 1;
}

const sizeOf = (value: unknown) => (typeof value === 'string' || Array.isArray(value) ? value.length : 0);

/** Own-property lookup of a dotted path; prototype segments and inherited properties are not found. */
export function lookup(data: unknown, path: unknown, notFound: unknown): unknown {
  if (path === undefined || path === null || path === '') return data;
  let current = data;
  for (const segment of String(path).split('.')) {
    if (FORBIDDEN_SEGMENTS.has(segment) || current === null || typeof current !== 'object') return notFound;
    if (!Object.hasOwn(current, segment)) return notFound;
    current = (current as Record<string, unknown>)[segment];
    if (current === undefined) return notFound;
  }
  return current;
}

function missing(data: unknown, keys: unknown[]): unknown[] {
  return keys.filter((key) => {
    const value = lookup(data, key, null);
    return value === null || value === '';
  });
}

/** The standard operations evaluated after their arguments (json-logic-js's table, less `log` and `method`). */
function standardOperations(meter: () => Meter): Map<string, Operation> {
  const text = (value: unknown) => (value === null || value === undefined ? '' : String(value));
  return new Map<string, Operation>([
    // biome-ignore lint/suspicious/noDoubleEquals: JsonLogic's == is JavaScript's loose equality (json-logic-js semantics)
    ['==', (a, b) => a == b],
    ['===', (a, b) => a === b],
    // biome-ignore lint/suspicious/noDoubleEquals: JsonLogic's != is JavaScript's loose inequality (json-logic-js semantics)
    ['!=', (a, b) => a != b],
    ['!==', (a, b) => a !== b],
    ['>', (a, b) => (a as number) > (b as number)],
    ['>=', (a, b) => (a as number) >= (b as number)],
    [
      '<',
      (a, b, c) =>
        c === undefined
          ? (a as number) < (b as number)
          : (a as number) < (b as number) && (b as number) < (c as number),
    ],
    [
      '<=',
      (a, b, c) =>
        c === undefined
          ? (a as number) <= (b as number)
          : (a as number) <= (b as number) && (b as number) <= (c as number),
    ],
    ['!!', (a) => truthy(a)],
    ['!', (a) => !truthy(a)],
    ['%', (a, b) => (a as number) % (b as number)],
    // json-logic-js: an empty string contains nothing; data has no methods, so only strings and lists search.
    ['in', (a, b) => (b && (typeof b === 'string' || Array.isArray(b)) ? (b as unknown[]).indexOf(a) !== -1 : false)],
    [
      'cat',
      (...parts) => {
        const strings = parts.map(text);
        meter().buildText(strings.reduce((total, s) => total + s.length, 0));
        return strings.join('');
      },
    ],
    [
      'substr',
      (source, start, end) => {
        let result: string;
        if ((end as number) < 0) {
          // A negative end counts back from the end of the string (PHP's behaviour, kept by json-logic-js).
          const rest = String(source).substr(start as number);
          result = rest.substr(0, rest.length + (end as number));
        } else result = String(source).substr(start as number, end as number);
        meter().buildText(result.length);
        return result;
      },
    ],
    [
      '+',
      (...values) => values.reduce<number>((sum, value) => parseFloat(sum as never) + parseFloat(value as never), 0),
    ],
    [
      '*',
      (...values) => {
        if (values.length === 0) throw new RuleEvaluationError('"*" needs at least one value');
        return values.reduce((product, value) => parseFloat(product as never) * parseFloat(value as never));
      },
    ],
    ['-', (a, b) => (b === undefined ? -(a as number) : (a as number) - (b as number))],
    ['/', (a, b) => (a as number) / (b as number)],
    ['min', (...values) => Math.min(...(values as number[]))],
    ['max', (...values) => Math.max(...(values as number[]))],
    [
      'merge',
      (...values) => {
        meter().buildList(
          values.reduce<number>((total, value) => total + (Array.isArray(value) ? value.length : 1), 0),
        );
        return ([] as unknown[]).concat(...values);
      },
    ],
    [
      'var',
      function (this: unknown, path, notFound) {
        return lookup(this, path, notFound === undefined ? null : notFound);
      },
    ],
    [
      'missing',
      function (this: unknown, ...keys) {
        const list = Array.isArray(keys[0]) ? (keys[0] as unknown[]) : keys;
        meter().step(list.length);
        return missing(this, list);
      },
    ],
    [
      'missing_some',
      function (this: unknown, needed, options) {
        const list = Array.isArray(options) ? options : [options];
        meter().step(list.length);
        const absent = missing(this, list);
        // json-logic-js compares with `options.length`: a list's, or a lone string's characters.
        const given = typeof options === 'string' || Array.isArray(options) ? options.length : NaN;
        return given - absent.length >= (needed as number) ? [] : absent;
      },
    ],
  ]);
}

let current: Meter | undefined;
const meterNow = () => current!;
const operations = standardOperations(meterNow);

/** Adds an operation (a plugin's, already namespaced and vetted by the caller). */
export function addOperation(name: string, fn: Operation): void {
  operations.set(name, fn);
}

function run(logic: unknown, data: unknown, meter: Meter): unknown {
  meter.step();
  if (Array.isArray(logic)) {
    meter.buildList(logic.length);
    return logic.map((item) => run(item, data, meter));
  }
  if (!isLogic(logic)) return logic;
  const [op] = Object.keys(logic) as [string];
  const raw = logic[op];
  const values: unknown[] = Array.isArray(raw) ? raw : [raw];
  switch (op) {
    case 'if':
    case '?:': {
      let i = 0;
      for (; i < values.length - 1; i += 2) {
        if (truthy(run(values[i], data, meter))) return run(values[i + 1], data, meter);
      }
      return values.length === i + 1 ? run(values[i], data, meter) : null;
    }
    case 'and':
    case 'or': {
      let last: unknown;
      for (const value of values) {
        last = run(value, data, meter);
        if (truthy(last) === (op === 'or')) return last;
      }
      return last;
    }
    case 'map':
    case 'filter':
    case 'all':
    case 'none':
    case 'some':
      return iterate(op, values, data, meter);
    case 'reduce': {
      const items = run(values[0], data, meter);
      const initial = values[2] === undefined ? null : run(values[2], data, meter);
      if (!Array.isArray(items)) return initial;
      return items.reduce((accumulator: unknown, item: unknown) => {
        const scope: Record<string, unknown> = Object.create(null);
        scope.current = item;
        scope.accumulator = accumulator;
        return run(values[1], scope, meter);
      }, initial);
    }
  }
  const fn = operations.get(op);
  if (!fn) throw new RuleEvaluationError(`Unrecognized operation ${op}`);
  const args = values.map((value) => run(value, data, meter));
  for (const arg of args) meter.scan(sizeOf(arg));
  try {
    return fn.apply(data, args);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    // e.g. comparing a map of fields with a number: rule data has no prototype to turn it into one
    throw new RuleEvaluationError(`operation "${op}" could not use its values (${error.message})`);
  }
}

function iterate(
  op: 'map' | 'filter' | 'all' | 'none' | 'some',
  values: unknown[],
  data: unknown,
  meter: Meter,
): unknown {
  const items = run(values[0], data, meter);
  const body = values[1];
  if (!Array.isArray(items)) return op === 'none' ? true : op === 'map' || op === 'filter' ? [] : false;
  switch (op) {
    case 'map':
      meter.buildList(items.length);
      return items.map((item) => run(body, item, meter));
    case 'filter': {
      meter.buildList(items.length);
      return items.filter((item) => truthy(run(body, item, meter)));
    }
    case 'all':
      return items.length > 0 && items.every((item) => truthy(run(body, item, meter)));
    case 'none':
      return !items.some((item) => truthy(run(body, item, meter)));
    case 'some':
      return items.some((item) => truthy(run(body, item, meter)));
  }
}

/**
 * Evaluates without the static checks (json-logic.ts's evaluateRule runs those first). Synchronous, so
 * one meter at a time; a plugin operation cannot start a nested evaluation of its own.
 */
export function applyBudgeted(rule: unknown, data: unknown, meter = new Meter()): unknown {
  if (current) throw new Error('a JsonLogic evaluation is already running');
  current = meter;
  try {
    return run(rule, data, meter);
  } finally {
    current = undefined;
    meter.settle();
  }
}
