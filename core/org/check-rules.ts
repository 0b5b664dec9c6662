// Rule checks: JsonLogic in escalations and guards uses allowed operations and known paths, stays
// within size and work caps, and every `tests:` fixture (of escalations and guards) gives the expected answer.
import { allowedOperations, analyzeRule, DISABLED_OPERATIONS, evaluateRule, isTruthy } from '../rules/json-logic.ts';
import { RULE_BUDGET, WorkPool } from '../rules/rule-budget.ts';
import type { OrgCatalogue } from './catalogue.ts';
import { allTaskTypes } from './check-refs.ts';
import { overridden } from './escalation-rules.ts';
import { errorAt, type Located } from './located.ts';
import type { MergedOrg } from './merge-files.ts';
import type { OrgError, PathSegment } from './org-error.ts';
import { suggest } from './suggest.ts';
import { RULE_TASK_KEYS } from '../workflow/rule-context.ts';

/** What `task.<name>` offers in a rule context (ROLES-FORMAT "Escalations"). */
export const TASK_CONTEXT_KEYS: readonly string[] = [...RULE_TASK_KEYS, 'escalation_level'];
export const ACTOR_CONTEXT_KEYS = ['id', 'roles', 'permissions'];

interface PathScope {
  /** Undefined when a task type in scope could not be read or does not exist: fields are then not checked. */
  fields: Set<string> | undefined;
  policies: Set<string>;
  /** A policy that may be defined in a part that could not be read. */
  unreadablePolicy: (key: string) => boolean;
  /** Guards see the person asking for the move; escalations do not. */
  actor: boolean;
}

function checkPath(path: string, scope: PathScope): { message: string; suggestion?: string } | undefined {
  const [root, key, sub] = path.split('.');
  const unknown = (what: string, name: string | undefined, known: Iterable<string>) => {
    const suggestion = name === undefined ? undefined : suggest(name, known);
    return { message: `unknown ${what} "${name ?? ''}" in {"var": "${path}"}`, ...(suggestion ? { suggestion } : {}) };
  };
  switch (root) {
    case 'now':
      return key === undefined ? undefined : unknown('path', path, ['now']);
    case 'policy':
      return key !== undefined && (scope.policies.has(key) || scope.unreadablePolicy(key))
        ? undefined
        : unknown('policy', key, scope.policies);
    case 'task':
      if (key === undefined) return undefined;
      if (!TASK_CONTEXT_KEYS.includes(key)) return unknown('task property', key, TASK_CONTEXT_KEYS);
      if (key === 'fields' && sub !== undefined && scope.fields && !scope.fields.has(sub))
        return unknown('field', sub, scope.fields);
      return undefined;
    case 'actor':
      if (!scope.actor) return { message: `"actor" is only available in transition guards, not in {"var": "${path}"}` };
      return key === undefined || ACTOR_CONTEXT_KEYS.includes(key)
        ? undefined
        : unknown('actor property', key, ACTOR_CONTEXT_KEYS);
    default:
      return unknown(
        'context root',
        root,
        scope.actor ? ['task', 'actor', 'policy', 'now'] : ['task', 'policy', 'now'],
      );
  }
}

function checkRule(at: Located<unknown>, sub: PathSegment[], rule: unknown, scope: PathScope): OrgError[] {
  const analysis = analyzeRule(rule);
  const errors = analysis.issues.map((issue) =>
    errorAt(
      at,
      [...sub, ...issue.at],
      'rule',
      issue.message,
      issue.kind === 'unknown_operation' && issue.operation && !DISABLED_OPERATIONS.has(issue.operation)
        ? suggest(issue.operation, allowedOperations())
        : undefined,
    ),
  );
  for (const { path, at: where } of analysis.varPaths) {
    const problem = checkPath(path, scope);
    if (problem) errors.push(errorAt(at, [...sub, ...where], 'rule', problem.message, problem.suggestion));
  }
  return errors;
}

/** All fixtures of one validation share this much work, so many of them cannot add up to a long stall. */
export const FIXTURE_POOL = { steps: 2 * RULE_BUDGET.steps, built: 2 * RULE_BUDGET.built };

interface Fixture {
  given: Record<string, unknown>;
  expect: boolean;
  name?: string | undefined;
}

export function checkRules(merged: MergedOrg, catalogue: OrgCatalogue): OrgError[] {
  const errors: OrgError[] = [];
  const taskTypes = allTaskTypes(merged, catalogue);
  const policies = new Set(merged.policies.keys());
  const policyValues = Object.fromEntries([...merged.policies].map(([key, at]) => [key, at.value]));
  const { unreadable } = merged;
  const unreadablePolicy = (key: string) => unreadable.has('policies', key);
  const fieldsOf = (types: string[]) =>
    types.every((id) => taskTypes.has(id) && !unreadable.has('task_types', id))
      ? new Set(types.flatMap((id) => taskTypes.get(id)!.fields.map((field) => field.id)))
      : undefined;
  const pool = new WorkPool(FIXTURE_POOL, "this validation's fixtures together");

  /** Runs a rule's fixtures; `what` names the rule in messages ("when", "guard"). */
  const runFixtures = (
    at: Located<unknown>,
    sub: PathSegment[],
    what: string,
    rule: unknown,
    fixtures: Fixture[] | undefined,
  ) => {
    // Fixtures read the organisation's policies; with some of them unread, their answers would mislead.
    if (unreadable.has('policies')) return;
    fixtures?.forEach((fixture, j) => {
      const where = [...sub, 'tests', j];
      const named = fixture.name ? ` (${fixture.name})` : '';
      // A fixture's policy values override single policies; the rest keep the organisation's.
      const given = fixture.given as { policy?: Record<string, unknown> };
      const context = { now: new Date().toISOString(), ...fixture.given, policy: { ...policyValues, ...given.policy } };
      let result: boolean;
      try {
        result = isTruthy(evaluateRule(rule, context, pool));
      } catch (error) {
        // e.g. {"==": [{"var": "task"}, "x"]}: rule data has no prototype, so it cannot be compared as a string
        errors.push(
          errorAt(
            at,
            where,
            'rule_test_failed',
            `"${what}" failed on this fixture: ${(error as Error).message}${named}`,
          ),
        );
        return;
      }
      if (result !== fixture.expect) {
        errors.push(
          errorAt(
            at,
            where,
            'rule_test_failed',
            `"${what}" gave ${result} for this fixture, the test expects ${fixture.expect}${named}`,
          ),
        );
      }
    });
  };

  for (const at of merged.taskTypes) {
    const fields = fieldsOf([at.value.id]);
    at.value.workflow.transitions.forEach((transition, i) => {
      const sub = ['workflow', 'transitions', i];
      if (transition.guard === undefined) {
        if (transition.tests?.length)
          errors.push(
            errorAt(at, [...sub, 'tests'], 'schema', 'a transition without a "guard" has nothing for its tests to run'),
          );
        return;
      }
      const ruleErrors = checkRule(at, [...sub, 'guard'], transition.guard, {
        fields,
        policies,
        unreadablePolicy,
        actor: true,
      });
      errors.push(...ruleErrors);
      // fixtures of a rule that would not run prove nothing
      if (!ruleErrors.length) runFixtures(at, sub, 'guard', transition.guard, transition.tests);
    });
  }

  for (const at of merged.roles) {
    at.value.escalations.forEach((entry, i) => {
      // An override is checked as it will run (the plugin's default with the entry's keys in place), its
      // fixtures only when it gives its own: the plugin's are checked when it loads.
      const pluginDefault = catalogue.escalations.get(entry.id);
      const escalation = pluginDefault ? { ...overridden(pluginDefault.rule, entry), tests: entry.tests } : entry;
      if (escalation.when === undefined) return; // an override of no loaded plugin's default: check-plugin-escalations.ts
      if (pluginDefault && escalation.enabled === false) return; // a switched-off default reads nothing of this organisation's
      const types = escalation.applies_to?.task_types;
      // Without applies_to an escalation may watch any type, including ones that could not be read.
      const fields = types
        ? fieldsOf(types)
        : unreadable.has('task_types')
          ? undefined
          : fieldsOf([...taskTypes.keys()]);
      const scope = { fields, policies, unreadablePolicy, actor: false };
      const ruleErrors = [
        ...checkRule(at, ['escalations', i, 'when'], escalation.when, scope),
        ...(escalation.stop_when === undefined
          ? []
          : checkRule(at, ['escalations', i, 'stop_when'], escalation.stop_when, scope)),
      ];
      errors.push(...ruleErrors);
      if (!ruleErrors.length) runFixtures(at, ['escalations', i], 'when', escalation.when, escalation.tests);
    });
  }
  return errors;
}
