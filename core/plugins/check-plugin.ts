// Load-time checks a schema cannot make: workflows that name only their own states and fields, guards
// and escalation conditions that compile, permissions that exist, and whether this core is in the plugin's range.
import { dueFieldProblem } from '../org/check-refs.ts';
import { analyzeRule, evaluateRule, isTruthy } from '../rules/json-logic.ts';
import { RULE_BUDGET, WorkPool } from '../rules/rule-budget.ts';
import type { ParsedPlugin } from './contract.ts';
import { checkRoutes } from './plugin-routes.ts';

/** `^0.1`, `~0.1.2`, `>=0.1.0`, `0.1.0` or `*` against a version like 0.1.0 (pre-releases aside). */
export function inRange(version: string, range: string): boolean {
  if (range === '*') return true;
  const operator = /^(\^|~|>=)?/.exec(range)![0];
  const wanted = range.slice(operator.length).split('.').map(Number);
  const have = version.split('-')[0]!.split('.').map(Number);
  const compare = (a: number[], b: number[]) => {
    for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
    return 0;
  };
  if (compare(have, wanted) < 0) return false;
  if (operator === '>=') return true;
  // Caret: the first non-zero part given stays; tilde: major and minor stay; bare: exact as far as given.
  const fixed =
    operator === '^'
      ? Math.max(1, wanted.findIndex((part) => part !== 0) + 1 || wanted.length)
      : operator === '~'
        ? Math.min(2, wanted.length)
        : wanted.length;
  return wanted.slice(0, fixed).every((part, i) => have[i] === part);
}

/**
 * The first problem of a plugin's task types, default escalations and routes, as "field: message", or
 * undefined. `permissions` and `fieldTypes`: what it may name (core's, its own and those of plugins loaded before it).
 */
export function checkPlugin(
  plugin: ParsedPlugin,
  permissions: ReadonlySet<string>,
  fieldTypes: ReadonlySet<string> = new Set(),
): string | undefined {
  return (
    checkTaskTypes(plugin, permissions, fieldTypes) ??
    checkEscalations(plugin) ??
    checkRoutes(plugin.routes ?? [], permissions)
  );
}

function checkTaskTypes(
  plugin: ParsedPlugin,
  permissions: ReadonlySet<string>,
  fieldTypes: ReadonlySet<string>,
): string | undefined {
  for (const [t, type] of plugin.taskTypes.entries()) {
    const at = `taskTypes.${t}`;
    const unknownType = type.fields.findIndex((field) => field.type.includes('.') && !fieldTypes.has(field.type));
    if (unknownType >= 0)
      return `${at}.fields.${unknownType}.type: unknown field type "${type.fields[unknownType]!.type}"`;
    const states = type.workflow.states.map((state) => state.id);
    const fields = type.fields.map((field) => field.id);
    const dup = states.find((id, i) => states.indexOf(id) !== i);
    if (dup) return `${at}.workflow.states: state "${dup}" is defined twice`;
    if (!states.includes(type.workflow.initial))
      return `${at}.workflow.initial: unknown state "${type.workflow.initial}"`;
    const dueProblem = dueFieldProblem(type);
    if (dueProblem) return `${at}.due_from.field: ${dueProblem}`;
    for (const [i, transition] of type.workflow.transitions.entries()) {
      const where = `${at}.workflow.transitions.${i}`;
      for (const end of ['from', 'to'] as const)
        if (!states.includes(transition[end])) return `${where}.${end}: unknown state "${transition[end]}"`;
      if (transition.requires && !permissions.has(transition.requires))
        return `${where}.requires: unknown permission "${transition.requires}"`;
      const missing = transition.required_fields?.find((field) => !fields.includes(field));
      if (missing) return `${where}.required_fields: unknown field "${missing}"`;
      if (transition.guard !== undefined) {
        const issue = analyzeRule(transition.guard).issues[0];
        if (issue) return `${where}.guard: ${issue.message}`;
      }
    }
  }
  return undefined;
}

/** A rule's first problem: an operation that is not allowed or a field its task types lack. */
function ruleProblem(rule: unknown, fields: ReadonlySet<string>): string | undefined {
  const analysis = analyzeRule(rule);
  if (analysis.issues[0]) return analysis.issues[0].message;
  const unknownField = analysis.varPaths
    .map(({ path }) => path.split('.'))
    .find(([root, key, field]) => root === 'task' && key === 'fields' && field !== undefined && !fields.has(field));
  return unknownField ? `unknown field "${unknownField[2]}" in {"var": "${unknownField.join('.')}"}` : undefined;
}

/** Default escalations: their task types, statuses and `move:` states are the plugin's own, and their rules compile and pass their tests. */
function checkEscalations(plugin: ParsedPlugin): string | undefined {
  const pool = new WorkPool(
    { steps: 2 * RULE_BUDGET.steps, built: 2 * RULE_BUDGET.built },
    `plugin "${plugin.id}"'s escalation tests`,
  );
  for (const [e, escalation] of plugin.escalations.entries()) {
    const at = `escalations.${e}`;
    const types = (escalation.applies_to?.task_types ?? []).map((id) => ({
      id,
      type: plugin.taskTypes.find((type) => type.id === id),
    }));
    const missing = types.findIndex(({ type }) => !type);
    if (missing >= 0)
      return `${at}.applies_to.task_types.${missing}: unknown task type "${types[missing]!.id}" (not one of this plugin's)`;
    const states = new Set(types.flatMap(({ type }) => type!.workflow.states.map((state) => state.id)));
    const fields = new Set(types.flatMap(({ type }) => type!.fields.map((field) => field.id)));
    const status = escalation.applies_to?.statuses?.findIndex((id) => !states.has(id)) ?? -1;
    if (status >= 0)
      return `${at}.applies_to.statuses.${status}: unknown state "${escalation.applies_to!.statuses![status]}"`;
    for (const [l, level] of escalation.levels.entries()) {
      const move = level.then.findIndex((action) => action.startsWith('move:') && !states.has(action.slice(5)));
      if (move >= 0) return `${at}.levels.${l}.then.${move}: unknown state "${level.then[move]!.slice(5)}"`;
    }
    for (const key of ['when', 'stop_when'] as const) {
      const problem = escalation[key] === undefined ? undefined : ruleProblem(escalation[key], fields);
      if (problem) return `${at}.${key}: ${problem}`;
    }
    for (const [i, fixture] of (escalation.tests ?? []).entries()) {
      let answer: boolean;
      try {
        answer = isTruthy(evaluateRule(escalation.when, { now: new Date().toISOString(), ...fixture.given }, pool));
      } catch (error) {
        return `${at}.tests.${i}: "when" failed on this fixture: ${(error as Error).message}`;
      }
      if (answer !== fixture.expect)
        return `${at}.tests.${i}: "when" gave ${answer} for this fixture, the test expects ${fixture.expect}`;
    }
  }
  return undefined;
}
