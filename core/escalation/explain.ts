// Why a rule gave its answer: for `and`, the parts that were false; for `or`, all of them (none was
// true); otherwise the rule itself. Shown in the run log and in dry runs.
import { evaluateRule, isTruthy } from '../rules/json-logic.ts';
import { RULE_BUDGET, WorkPool } from '../rules/rule-budget.ts';

export interface Explanation {
  value: boolean;
  /** The sub-conditions that decided a false answer (JSON, shortened). */
  falseParts: string[];
}

const show = (rule: unknown) => {
  const text = JSON.stringify(rule);
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
};

/** An explanation evaluates the rule and then its parts again: twice one evaluation's work at most. */
const explanationPool = () =>
  new WorkPool(
    { steps: 2 * RULE_BUDGET.steps, built: 2 * RULE_BUDGET.built },
    'one explanation (the rule and its parts)',
  );

export function explainRule(rule: unknown, context: unknown, pool: WorkPool = explanationPool()): Explanation {
  const value = isTruthy(evaluateRule(rule, context, pool));
  if (value) return { value, falseParts: [] };
  if (rule && typeof rule === 'object' && !Array.isArray(rule)) {
    const [operator, args] = Object.entries(rule)[0] ?? [];
    if ((operator === 'and' || operator === 'or') && Array.isArray(args)) {
      return { value, falseParts: args.filter((part) => !isTruthy(evaluateRule(part, context, pool))).map(show) };
    }
  }
  return { value, falseParts: [show(rule)] };
}
