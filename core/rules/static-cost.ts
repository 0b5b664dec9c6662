// The work a rule would do, worked out without running it where the rule itself says how much: the
// lengths of literal lists (and of lists made from them) multiply the work of what iterates over
// them. Lists that come from data count as empty here; the evaluation's own budget covers those.
import { RULE_BUDGET } from './rule-budget.ts';

interface Cost {
  /** Evaluation steps, counted as the evaluator counts them. */
  steps: number;
  /** The length of the list the node yields, when the rule fixes it. */
  length?: number;
}

export interface CostIssue {
  /** The deepest node whose own work is already over the budget. */
  at: (string | number)[];
  operation: string;
  steps: number;
}

const ITERATING = new Set(['map', 'filter', 'all', 'none', 'some', 'reduce']);

function isOperation(node: unknown): node is Record<string, unknown> {
  return typeof node === 'object' && node !== null && !Array.isArray(node) && Object.keys(node).length === 1;
}

/** The first over-budget node found, deepest first; undefined when the rule's fixed work fits. */
export function overBudget(rule: unknown, limit = RULE_BUDGET.steps): CostIssue | undefined {
  let found: CostIssue | undefined;

  const cost = (node: unknown, at: (string | number)[]): Cost => {
    if (Array.isArray(node)) {
      const items = node.map((item, i) => cost(item, [...at, i]));
      return { steps: 1 + node.length / 1024 + sum(items), length: node.length };
    }
    if (!isOperation(node)) return { steps: 1 };
    const [operation] = Object.keys(node) as [string];
    const raw = node[operation];
    const args = Array.isArray(raw) ? raw : [raw];
    const where = (i: number) => (Array.isArray(raw) ? [...at, operation, i] : [...at, operation]);
    const parts = args.map((arg, i) => cost(arg, where(i)));
    let result: Cost;
    if (ITERATING.has(operation)) {
      const [items, body, initial] = parts;
      const times = items?.length ?? 0;
      const steps = 1 + (items?.steps ?? 0) + times * (body?.steps ?? 0) + (initial?.steps ?? 0);
      result = { steps, ...(operation === 'map' || operation === 'filter' ? { length: times } : {}) };
    } else if (operation === 'if' || operation === '?:') {
      // Every condition may run, but only one branch.
      const conditions = parts.filter((_, i) => i % 2 === 0 && i < parts.length - 1);
      const branches = parts.filter((_, i) => i % 2 === 1 || i === parts.length - 1);
      result = { steps: 1 + sum(conditions) + Math.max(0, ...branches.map((part) => part.steps)) };
    } else if (operation === 'merge' && parts.every((part, i) => part.length !== undefined || !isComputed(args[i]))) {
      result = { steps: 1 + sum(parts), length: parts.reduce((total, part) => total + (part.length ?? 1), 0) };
    } else {
      result = { steps: 1 + sum(parts) };
    }
    if (!found && result.steps > limit) found = { at, operation, steps: result.steps };
    return result;
  };

  cost(rule, []);
  return found;
}

function sum(costs: Cost[]): number {
  return costs.reduce((total, part) => total + part.steps, 0);
}

/** A value worked out at evaluation (an operation), as opposed to a literal. */
function isComputed(node: unknown): boolean {
  return isOperation(node);
}
