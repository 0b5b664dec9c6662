// Checks one card against the escalations that watch it, inside the caller's transaction: starts a
// cycle when `when` turns true, ends it on `stop_when` or when `when` turns false, fires each level
// whose time has come exactly once per cycle (a unique key), and says when to look again.
import type { Transaction } from 'kysely';
import { addDuration } from '../duties/cadence.ts';
import type { Database } from '../db/schema.ts';
import { recordEvent } from '../events/event-log.ts';
import type { Logger } from '../logger.ts';
import type { Escalation } from '../org/format.schema.ts';
import type { OrgModel } from '../org/org-model.ts';
import { evaluateRule, isTruthy } from '../rules/json-logic.ts';
import type { TaskRepository, TaskRow } from '../tasks/task.repository.ts';
import { ruleTask } from '../workflow/rule-context.ts';
import { applyActions } from './actions.ts';
import { rulesWatching, statusApplies } from './applicable-rules.ts';
import type { EscalationRepository } from './escalation.repository.ts';
import { resolveLevelTarget } from './level-target.ts';

/** Rules reading the clock can turn true without a write; such cards are looked at this often. */
const CLOCK_RECHECK_MS = 15 * 60_000;
const CLOCK_PATHS = /"(task\.(age_hours|idle_hours|overdue_hours|business_age_hours)|now)"/;

export interface EngineDeps {
  escalations: EscalationRepository;
  tasks: TaskRepository;
  modelOf: (versionId: number, tx: Transaction<Database>) => Promise<OrgModel | undefined>;
  log: Logger;
}

function ruleOf(model: OrgModel | undefined, key: string): Escalation | undefined {
  const [role, id] = key.split('/');
  return model?.role(role!)?.escalations.find((rule) => rule.id === id);
}

export function createEscalationEngine(deps: EngineDeps) {
  const holds = (rule: Escalation, expression: unknown, context: unknown) => {
    try {
      return isTruthy(evaluateRule(expression, context));
    } catch (error) {
      deps.log.warn({ err: error, rule: rule.id }, 'escalation rule failed to evaluate; treated as false');
      return false;
    }
  };

  /** Runs the card's escalations; returns the card as it is afterwards. */
  async function check(tx: Transaction<Database>, card: TaskRow, model: OrgModel, now: Date): Promise<TaskRow> {
    const open = new Map((await deps.escalations.openCycles(tx, card.id)).map((cycle) => [cycle.rule, cycle]));
    const watching = rulesWatching(model, card);
    const keys = new Set([...watching.map((w) => w.key), ...open.keys()]);
    let current = card;
    let nextCheck: Date | null = null;
    const later = (at: Date) => (nextCheck = nextCheck === null || at < nextCheck ? at : nextCheck);

    for (const key of keys) {
      const cycle = open.get(key);
      const cycleModel = cycle ? await deps.modelOf(cycle.org_version_id, tx) : model;
      const rule = ruleOf(cycleModel, key) ?? ruleOf(model, key);
      if (!rule) continue;
      const fired = cycle ? await deps.escalations.firedLevels(tx, card.id, key, cycle.cycle) : [];
      const context = { task: { ...ruleTask(current, now), escalation_level: fired.length }, policy: model.policies, now: now.toISOString() };
      const when = statusApplies(rule, current.status) && holds(rule, rule.when, context);
      const stop = rule.stop_when === undefined ? current.category === 'done' : holds(rule, rule.stop_when, context);
      if (cycle && (stop || !when)) {
        await deps.escalations.endCycle(tx, cycle.id, now);
        continue;
      }
      if (!when || stop) {
        if (CLOCK_PATHS.test(JSON.stringify(rule.when))) later(new Date(now.getTime() + CLOCK_RECHECK_MS));
        continue;
      }
      const active = cycle ?? (await deps.escalations.startCycle(tx, {
        task_id: card.id, rule: key, cycle: (await deps.escalations.lastCycle(tx, card.id, key)) + 1, org_version_id: model.versionId, started_at: now,
      }));
      if (!active) continue;
      current = await fireDueLevels(tx, current, { key, rule, cycle: active, model: cycleModel ?? model, fired, now, later });
    }
    await tx.updateTable('tasks').set({ next_check_at: nextCheck }).where('id', '=', card.id).execute();
    return { ...current, next_check_at: nextCheck };
  }

  async function fireDueLevels(
    tx: Transaction<Database>,
    card: TaskRow,
    input: { key: string; rule: Escalation; cycle: { cycle: number; started_at: Date }; model: OrgModel; fired: { level: number; target_role: string | null }[]; now: Date; later: (at: Date) => void },
  ): Promise<TaskRow> {
    const timeZone = input.model.definition.organization.timezone;
    let previousRole = input.fired.at(-1)?.target_role ?? null;
    let current = card;
    for (const [level, definition] of input.rule.levels.entries()) {
      if (input.fired.some((f) => f.level === level)) continue;
      const due = addDuration(input.cycle.started_at, definition.after, timeZone);
      if (due > input.now) {
        input.later(due);
        break;
      }
      const target = await resolveLevelTarget(input.model, { to: definition.to, cardRole: input.key.split('/')[0]!, previousRole }, (role) => deps.escalations.isHeld(tx, role));
      const inserted = await deps.escalations.fire(tx, {
        task_id: card.id, rule: input.key, cycle: input.cycle.cycle, level, target_role: target.role, skipped_roles: target.skipped, actions: definition.then, fired_at: input.now,
      });
      previousRole = target.role ?? previousRole;
      if (!inserted) continue;
      const holders = target.role ? await deps.escalations.holders(tx, target.role) : [];
      const { changes, notify } = applyActions(definition.then, { card: current, type: input.model.taskType(current.type), targetRole: target.role, holders });
      const title = `${input.rule.title ?? input.rule.id}: ${current.title}`;
      await deps.escalations.notify(tx, notify.map((user_id) => ({ user_id, task_id: card.id, kind: 'escalation', title })));
      const note = `${input.key} level ${level + 1} → ${target.role ?? 'nobody'}${target.skipped.length ? ` (vacant, skipped: ${target.skipped.join(', ')})` : ''}`;
      const before = current;
      if (Object.keys(changes).length) {
        const updated = await deps.tasks.updateVersioned(tx, current.id, current.version, changes);
        if (updated) current = updated;
      }
      await deps.tasks.addActivity(tx, { taskId: card.id, actorId: null, action: 'escalated', changes: diffOf(before, current), note });
      await recordEvent(tx, { type: 'task.updated', taskId: card.id, taskType: card.type, actorId: null });
    }
    return current;
  }

  return { check };
}

function diffOf(before: TaskRow, after: TaskRow): Record<string, [unknown, unknown]> {
  const changes: Record<string, [unknown, unknown]> = {};
  for (const key of ['status', 'priority', 'labels', 'assignee_id', 'role_id'] as const) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changes[key] = [before[key], after[key]];
  }
  return changes;
}

export type EscalationEngine = ReturnType<typeof createEscalationEngine>;
