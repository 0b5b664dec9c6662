// Decides whether a card may move from its status to another, and if not, exactly which rule refused:
// no such transition, a permission, the guard (with its own message, or the rule's error when it
// cannot be evaluated), missing fields, or a WIP limit.
import type { Actor } from '../auth/actor.ts';
import type { StateCategory } from '../db/schema.ts';
import type { ApprovalRule, TaskTypeDefinition } from '../org/format.schema.ts';
import { evaluateRule, isTruthy } from '../rules/json-logic.ts';
import type { RuleTask } from './rule-context.ts';

export type RefusalReason = 'no_transition' | 'permission' | 'guard' | 'guard_failed' | 'missing_fields' | 'wip_limit';

export interface Refusal {
  reason: RefusalReason;
  message: string;
  details?: Record<string, unknown>;
}

export type TransitionCheck =
  | {
      ok: true;
      category: StateCategory;
      warnings: string[] /** Set when the move must be requested and approved first. */;
      approval?: ApprovalRule;
    }
  | ({ ok: false } & Refusal);

export interface WipCheck {
  column: string;
  limit: number;
  /** Cards already in the column (not counting the one moving). */
  count: number;
  mode: 'block' | 'warn';
}

export interface TransitionInput {
  type: TaskTypeDefinition;
  task: RuleTask;
  to: string;
  actor: Actor;
  policy: Readonly<Record<string, unknown>>;
  now: Date;
  wip: WipCheck[];
  /** The move carries out an approved request: neither permission nor approval is asked again. */
  approved?: boolean;
  /** Whether the actor holds a permission on this card, scope included (default: held anywhere). */
  may?: (permission: string) => boolean;
}

/** A column at its limit: the refusal when the limit blocks, the warning's text when it warns. */
export function wipRefusal(limit: WipCheck): Refusal {
  return {
    reason: 'wip_limit',
    message: `Column "${limit.column}" already holds ${limit.count} of at most ${limit.limit} cards.`,
    details: { ...limit },
  };
}

export function categoryOf(type: TaskTypeDefinition, status: string): StateCategory | undefined {
  return type.workflow.states.find((state) => state.id === status)?.category;
}

export function checkTransition({
  type,
  task,
  to,
  actor,
  policy,
  now,
  wip,
  approved = false,
  may = (p) => actor.permissions.has(p),
}: TransitionInput): TransitionCheck {
  const category = categoryOf(type, to);
  const transition = type.workflow.transitions.find((t) => t.from === task.status && t.to === to);
  if (!transition || !category) {
    const allowed = type.workflow.transitions.filter((t) => t.from === task.status).map((t) => t.to);
    return {
      ok: false,
      reason: 'no_transition',
      message: `A ${type.id} card cannot move from "${task.status}" to "${to}"${allowed.length ? `; from "${task.status}" it can go to: ${allowed.join(', ')}` : ''}.`,
      details: { from: task.status, to, allowed },
    };
  }
  const approval = approved ? undefined : transition.approval;
  // With an approval rule, lacking the permission means asking for approval, not being refused.
  if (!approved && !approval && transition.requires && !may(transition.requires)) {
    return {
      ok: false,
      reason: 'permission',
      message: `Moving from "${task.status}" to "${to}" needs the "${transition.requires}" permission.`,
      details: { permission: transition.requires },
    };
  }
  if (transition.guard !== undefined) {
    const context = {
      task,
      actor: { id: actor.id, roles: actor.roles, permissions: [...actor.permissions] },
      policy,
      now: now.toISOString(),
    };
    let allowed: boolean;
    try {
      allowed = isTruthy(evaluateRule(transition.guard, context));
    } catch (error) {
      // A broken rule (it throws, or runs out of its work budget) refuses the move; it is the roles
      // file's fault, not the card's, so the refusal names the rule and what went wrong.
      const rule = `${type.id} "${task.status}" → "${to}" guard`;
      const problem = (error as Error).message;
      return {
        ok: false,
        reason: 'guard_failed',
        message: `The rule for moving from "${task.status}" to "${to}" could not be evaluated (${rule}: ${problem}); the move is refused until the roles file fixes it.`,
        details: { rule, ruleError: problem },
      };
    }
    if (!allowed) {
      return {
        ok: false,
        reason: 'guard',
        message: transition.guard_message ?? `The rule for moving from "${task.status}" to "${to}" does not allow it.`,
        details: { guard: transition.guard },
      };
    }
  }
  const missing = (transition.required_fields ?? []).filter((field) => {
    const value = task.fields[field];
    return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
  });
  if (missing.length) {
    const names = missing.map((id) => type.fields.find((f) => f.id === id)?.name ?? id);
    return {
      ok: false,
      reason: 'missing_fields',
      message: `Fill in ${missing.map((id) => `"${id}"`).join(', ')} before moving to "${to}".`,
      details: { fields: missing, names },
    };
  }
  const warnings: string[] = [];
  for (const limit of wip) {
    if (limit.count < limit.limit) continue;
    const refused = wipRefusal(limit);
    if (limit.mode === 'block') return { ok: false, ...refused };
    warnings.push(refused.message);
  }
  // An approver's own move is a request too: the record of who approved is the point of the rule.
  return { ok: true, category, warnings, ...(approval ? { approval } : {}) };
}
