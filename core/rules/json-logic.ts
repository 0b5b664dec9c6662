// The one place JsonLogic is evaluated. Rules come from team leads' YAML and are untrusted: only
// allowed operations, own-property lookups, no prototype segments, bounded size and work,
// null-prototype data.
import { addOperation, applyBudgeted, truthy } from './budgeted-apply.ts';
import { Meter, RULE_BUDGET, type WorkPool } from './rule-budget.ts';
import { overBudget } from './static-cost.ts';

/** The standard JsonLogic operations we allow (`log` and `method` are left out on purpose). */
export const STANDARD_OPERATIONS = [
  '==',
  '===',
  '!=',
  '!==',
  '>',
  '>=',
  '<',
  '<=',
  '!',
  '!!',
  'and',
  'or',
  'if',
  '?:',
  'var',
  'missing',
  'missing_some',
  'in',
  'cat',
  'substr',
  '+',
  '-',
  '*',
  '/',
  '%',
  'min',
  'max',
  'merge',
  'map',
  'filter',
  'reduce',
  'all',
  'none',
  'some',
] as const;

/** Operations whose second argument runs with each array element as data (its `var`s are not context paths; reduce's initial value is). */
const ITERATING = new Set(['map', 'filter', 'reduce', 'all', 'none', 'some']);
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);
/** Standard JsonLogic operations left out on purpose. */
export const DISABLED_OPERATIONS: ReadonlySet<string> = new Set(['log', 'method']);

export const RULE_LIMITS = { maxDepth: 24, maxNodes: 400 };

const allowed = new Set<string>(STANDARD_OPERATIONS);
let registrationOpen = true;

/**
 * Adds an operation a plugin provides, as `<namespace>.<name>`. Only during start-up: the evaluator
 * keeps one table for the process, so registering per request would leak between rules.
 */
export function registerOperation(namespace: string, name: string, fn: (...args: unknown[]) => unknown): void {
  if (!registrationOpen) throw new Error('JsonLogic operations can only be registered at start-up');
  if (!/^[a-z][a-z0-9-]*$/.test(namespace) || !/^[a-z][a-z0-9_]*$/.test(name)) {
    throw new Error(`Invalid operation name ${namespace}.${name}`);
  }
  const id = `${namespace}.${name}`;
  addOperation(id, fn);
  allowed.add(id);
}

/** Ends start-up registration; later calls to registerOperation throw. */
export function closeOperationRegistry(): void {
  registrationOpen = false;
}

export function allowedOperations(): ReadonlySet<string> {
  return allowed;
}

export type RuleIssueKind =
  | 'unknown_operation'
  | 'forbidden_path'
  | 'too_deep'
  | 'too_large'
  | 'too_costly'
  | 'invalid_rule';

export interface RuleIssue {
  kind: RuleIssueKind;
  message: string;
  /** Where in the rule, as JSON path segments from the rule's root. */
  at: (string | number)[];
  operation?: string;
}

export interface RuleAnalysis {
  issues: RuleIssue[];
  /** `var` paths read from the evaluation context (static strings only). */
  varPaths: { path: string; at: (string | number)[] }[];
}

function isOperationNode(node: unknown): node is Record<string, unknown> {
  return typeof node === 'object' && node !== null && !Array.isArray(node) && Object.keys(node).length === 1;
}

/** Checks a rule without running it: operations, path segments, depth and size. */
export function analyzeRule(rule: unknown): RuleAnalysis {
  const issues: RuleIssue[] = [];
  const varPaths: RuleAnalysis['varPaths'] = [];
  let nodes = 0;

  const visit = (node: unknown, at: (string | number)[], depth: number, inItemScope: boolean): void => {
    nodes += 1;
    if (nodes === RULE_LIMITS.maxNodes + 1) {
      issues.push({ kind: 'too_large', message: `rule has more than ${RULE_LIMITS.maxNodes} nodes`, at: [] });
    }
    if (depth > RULE_LIMITS.maxDepth) {
      issues.push({ kind: 'too_deep', message: `rule is nested deeper than ${RULE_LIMITS.maxDepth} levels`, at });
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((item, index) => {
        visit(item, [...at, index], depth + 1, inItemScope);
      });
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    if (!isOperationNode(node)) {
      issues.push({
        kind: 'invalid_rule',
        message: 'an object in a rule must have exactly one key, the operation',
        at,
      });
      return;
    }
    const [operation] = Object.keys(node) as [string];
    const args = node[operation];
    if (!allowed.has(operation)) {
      const message = DISABLED_OPERATIONS.has(operation)
        ? `operation "${operation}" is disabled: rules cannot ${operation === 'log' ? 'write to the server log' : 'call methods'}`
        : `operation "${operation}" is not allowed`;
      issues.push({ kind: 'unknown_operation', message, at, operation });
      return;
    }
    const argList = Array.isArray(args) ? args : [args];
    if (operation === 'var' || operation === 'missing' || operation === 'missing_some') {
      const paths =
        operation === 'var' ? [argList[0]] : operation === 'missing_some' ? toArray(argList[1]) : flattenArgs(argList);
      for (const path of paths) {
        if (typeof path === 'string' || typeof path === 'number') {
          const text = String(path);
          if (text.split('.').some((segment) => FORBIDDEN_SEGMENTS.has(segment))) {
            issues.push({
              kind: 'forbidden_path',
              message: `path "${text}" uses a forbidden segment`,
              at: [...at, operation],
            });
          } else if (!inItemScope && text !== '') {
            varPaths.push({ path: text, at: [...at, operation] });
          }
        }
      }
    }
    argList.forEach((arg, index) => {
      visit(
        arg,
        Array.isArray(args) ? [...at, operation, index] : [...at, operation],
        depth + 1,
        inItemScope || (ITERATING.has(operation) && index === 1),
      );
    });
  };

  visit(rule, [], 0, false);
  const costly = issues.length ? undefined : overBudget(rule);
  if (costly) {
    issues.push({
      kind: 'too_costly',
      message: `"${costly.operation}" would take about ${Math.round(costly.steps).toLocaleString('en')} evaluation steps (iterating over lists written in the rule multiplies its work); a rule may take at most ${RULE_BUDGET.steps.toLocaleString('en')}`,
      at: costly.at,
      operation: costly.operation,
    });
  }
  return { issues, varPaths };
}

function toArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

function flattenArgs(args: unknown[]): unknown[] {
  return args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
}

/** A deep copy made of null-prototype objects and plain arrays, with dates as ISO strings. */
export function toRuleData(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toRuleData);
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = Object.create(null);
  for (const [key, item] of Object.entries(value)) {
    if (!FORBIDDEN_SEGMENTS.has(key)) copy[key] = toRuleData(item);
  }
  return copy;
}

export class RuleRejectedError extends Error {
  override readonly name = 'RuleRejectedError';
  constructor(readonly issues: RuleIssue[]) {
    super(`rule rejected: ${issues.map((issue) => issue.message).join('; ')}`);
  }
}

/**
 * Evaluates a rule against data. Rules are checked first; a rule with issues is never run. The
 * evaluation has a work budget (RULE_BUDGET), and takes its work from `pool` too when one is given;
 * running out throws RuleBudgetError.
 */
export function evaluateRule(rule: unknown, data: unknown, pool?: WorkPool): unknown {
  const { issues } = analyzeRule(rule);
  if (issues.length) throw new RuleRejectedError(issues);
  return applyBudgeted(rule, toRuleData(data), new Meter(pool));
}

export function isTruthy(value: unknown): boolean {
  return truthy(value);
}
