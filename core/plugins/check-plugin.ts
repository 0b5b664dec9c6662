// Load-time checks a schema cannot make: workflows that name only their own states and fields, guards
// that compile, permissions that exist, and whether this core is in the plugin's range.
import { dueFieldProblem } from '../org/check-refs.ts';
import { analyzeRule } from '../rules/json-logic.ts';
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
  const fixed = operator === '^' ? Math.max(1, wanted.findIndex((part) => part !== 0) + 1 || wanted.length) : operator === '~' ? Math.min(2, wanted.length) : wanted.length;
  return wanted.slice(0, fixed).every((part, i) => have[i] === part);
}

/** The first problem of a plugin's task types and routes, as "field: message", or undefined. */
export function checkPlugin(plugin: ParsedPlugin, permissions: ReadonlySet<string>): string | undefined {
  return checkTaskTypes(plugin, permissions) ?? checkRoutes(plugin.routes ?? [], permissions);
}

function checkTaskTypes(plugin: ParsedPlugin, permissions: ReadonlySet<string>): string | undefined {
  for (const [t, type] of plugin.taskTypes.entries()) {
    const at = `taskTypes.${t}`;
    const states = type.workflow.states.map((state) => state.id);
    const fields = type.fields.map((field) => field.id);
    const dup = states.find((id, i) => states.indexOf(id) !== i);
    if (dup) return `${at}.workflow.states: state "${dup}" is defined twice`;
    if (!states.includes(type.workflow.initial)) return `${at}.workflow.initial: unknown state "${type.workflow.initial}"`;
    const dueProblem = dueFieldProblem(type);
    if (dueProblem) return `${at}.due_from.field: ${dueProblem}`;
    for (const [i, transition] of type.workflow.transitions.entries()) {
      const where = `${at}.workflow.transitions.${i}`;
      for (const end of ['from', 'to'] as const) if (!states.includes(transition[end])) return `${where}.${end}: unknown state "${transition[end]}"`;
      if (transition.requires && !permissions.has(transition.requires)) return `${where}.requires: unknown permission "${transition.requires}"`;
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
