// Why a rule gave its answer: for `and`, the parts that were false; for `or`, all of them (none was
// true); otherwise the rule itself. Shown in the run log and in dry runs.
import { evaluateRule, isTruthy } from '../rules/json-logic.ts';

export interface Explanation {
  value: boolean;
  /** The sub-conditions that decided a false answer (JSON, shortened). */
  falseParts: string[];
}

const show = (rule: unknown) => {
  const text = JSON.stringify(rule);
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
};

export function explainRule(rule: unknown, context: unknown): Explanation {
  const value = isTruthy(evaluateRule(rule, context));
  if (value) return { value, falseParts: [] };
  if (rule && typeof rule === 'object' && !Array.isArray(rule)) {
    const [operator, args] = Object.entries(rule)[0] ?? [];
    if ((operator === 'and' || operator === 'or') && Array.isArray(args)) {
      return { value, falseParts: args.filter((part) => !isTruthy(evaluateRule(part, context))).map(show) };
    }
  }
  return { value, falseParts: [show(rule)] };
}
