// Checks one card against the escalations that watch it, inside the caller's transaction: starts a
// cycle when `when` turns true, ends it on `stop_when` or when `when` turns false, fires each level
// whose time has come exactly once per cycle (a unique key), and says when to look again.
import type { Kysely, Transaction } from 'kysely';
import { addDuration } from '../duties/cadence.ts';
import type { UsersRepository } from '../auth/users.repository.ts';
import { CHANGEABLE_COLUMNS } from '../db/card-columns.ts';
import type { Database } from '../db/schema.ts';
import { recordEvent } from '../events/event-log.ts';
import { notifyWatchersOf } from '../tasks/watchers.ts';
import type { Logger } from '../logger.ts';
import type { Escalation } from '../org/format.schema.ts';
import type { OrgModel } from '../org/org-model.ts';
import type { TaskRepository, TaskRow } from '../tasks/task.repository.ts';
import { cardsIn } from '../tasks/task-writer.ts';
import { ruleTask } from '../workflow/rule-context.ts';
import { escalationEvent } from '../notifications/webhook-event.ts';
import { enqueueForEnabled } from '../notifications/webhook-outbox.ts';
import { applyActions } from './actions.ts';
import type { PluginActionRunner } from './plugin-actions.ts';
import { explainRule } from './explain.ts';
import { rulesWatching, statusApplies } from './applicable-rules.ts';
import type { EscalationRepository } from './escalation.repository.ts';
import { resolveLevelTarget } from './level-target.ts';
import { scannedInSql } from './state-change-scan.ts';

/** Rules reading the clock can turn true without a write; such cards are looked at this often. */
const CLOCK_RECHECK_MS = 15 * 60_000;
const CLOCK_PATHS = /"(task\.(age_hours|idle_hours|overdue_hours|business_age_hours|business_days_ended)|now)"/;

export interface EngineDeps {
  escalations: EscalationRepository;
  tasks: TaskRepository;
  users: Pick<UsersRepository, 'holderIds' | 'roleIdsOf'>;
  modelOf: (versionId: number, tx: Transaction<Database>) => Promise<OrgModel | undefined>;
  /** The card's address in the product, for links in outgoing messages. */
  cardUrl: (taskId: number) => string;
  log: Logger;
  /** Runs plugins' escalation actions after their firing is committed (the scheduler's tick asks). */
  actions?: PluginActionRunner;
}

export function createEscalationEngine(deps: EngineDeps) {
  /** A rule that throws counts as false, and the failure goes to the run log. */
  const holds = async (
    tx: Transaction<Database>,
    at: { card: TaskRow; key: string; now: Date; inputs: Record<string, unknown> },
    expression: unknown,
    context: unknown,
  ) => {
    try {
      return explainRule(expression, context);
    } catch (error) {
      deps.log.warn({ err: error, rule: at.key }, 'escalation rule failed to evaluate; treated as false');
      await deps.escalations.log(tx, {
        task_id: at.card.id,
        rule: at.key,
        outcome: 'failed',
        inputs: at.inputs,
        reason: (error as Error).message,
        at: at.now,
      });
      return { value: false, falseParts: [] };
    }
  };

  /** Runs the card's escalations; returns the card as it is afterwards. */
  async function check(tx: Transaction<Database>, card: TaskRow, model: OrgModel, now: Date): Promise<TaskRow> {
    // open_escalations counts the open cycles (kept below), so a card with none needs no query for them.
    const cycles = card.open_escalations === 0 ? [] : await deps.escalations.openCycles(tx, card.id);
    const open = new Map(cycles.map((cycle) => [cycle.rule, cycle]));
    // A person's card without a role is watched by the rules of that person's roles.
    const assigneeRoles =
      card.role_id === null && card.assignee_id !== null ? await deps.users.roleIdsOf(card.assignee_id, tx) : [];
    const watching = rulesWatching(model, card, assigneeRoles);
    const keys = new Set([...watching.map((w) => w.key), ...open.keys()]);
    let current = card;
    let openCount = open.size;
    let nextCheck: Date | null = null;
    const later = (at: Date) => (nextCheck = nextCheck === null || at < nextCheck ? at : nextCheck);

    for (const key of keys) {
      const cycle = open.get(key);
      const cycleModel = cycle ? await deps.modelOf(cycle.org_version_id, tx) : model;
      const inForce = cycleModel?.escalation(key) ?? model.escalation(key);
      if (!inForce) continue;
      const { rule } = inForce;
      // Up the reporting line from the role it is listed under; a plugin's default, from the card's role.
      const cardRole = inForce.role ?? current.role_id ?? assigneeRoles[0] ?? null;
      const fired = cycle ? await deps.escalations.firedLevels(tx, card.id, key, cycle.cycle) : [];
      const task = { ...ruleTask(current, now, model.calendar), escalation_level: fired.length };
      const context = { task, policy: model.policies, now: now.toISOString() };
      const at = { card: current, key, now, inputs: inputsOf(task) };
      const applies = statusApplies(rule, current.status);
      const whenResult = applies
        ? await holds(tx, at, rule.when, context)
        : { value: false, falseParts: [`status "${current.status}" is outside applies_to.statuses`] };
      const when = whenResult.value;
      const stop =
        rule.stop_when === undefined
          ? current.category === 'done'
          : (await holds(tx, at, rule.stop_when, context)).value;
      if (cycle && (stop || !when)) {
        await deps.escalations.endCycle(tx, cycle.id, now);
        openCount -= 1;
        const reason = stop
          ? rule.stop_when === undefined
            ? 'the card is done'
            : 'stop_when is true'
          : `when turned false: ${whenResult.falseParts.join('; ')}`;
        await deps.escalations.log(tx, {
          task_id: card.id,
          rule: key,
          outcome: 'ended',
          inputs: at.inputs,
          reason,
          at: now,
        });
        continue;
      }
      if (!when || stop) {
        // Rules the tick's SQL pass evaluates need no timer (state-change-scan.ts).
        if (CLOCK_PATHS.test(JSON.stringify(rule.when)) && !scannedInSql(rule, model))
          later(new Date(now.getTime() + CLOCK_RECHECK_MS));
        continue;
      }
      const active =
        cycle ??
        (await deps.escalations.startCycle(tx, {
          task_id: card.id,
          rule: key,
          cycle: (await deps.escalations.lastCycle(tx, card.id, key)) + 1,
          org_version_id: model.versionId,
          started_at: now,
        }));
      if (!active) continue;
      if (!cycle) openCount += 1;
      if (!cycle)
        await deps.escalations.log(tx, {
          task_id: card.id,
          rule: key,
          outcome: 'started',
          inputs: at.inputs,
          reason: `when is true (cycle ${active.cycle})`,
          at: now,
        });
      current = await fireDueLevels(tx, current, {
        key,
        rule,
        cardRole,
        cycle: active,
        model: cycleModel ?? model,
        fired,
        now,
        later,
      });
    }
    // Assigned inside `later`, which the compiler's flow analysis does not follow.
    const next = nextCheck as Date | null;
    if (next?.getTime() !== current.next_check_at?.getTime() || openCount !== current.open_escalations) {
      await cardsIn(tx).schedule(card.id, { next_check_at: nextCheck, open_escalations: openCount });
    }
    return { ...current, next_check_at: nextCheck, open_escalations: openCount };
  }

  async function fireDueLevels(
    tx: Transaction<Database>,
    card: TaskRow,
    input: {
      key: string;
      rule: Escalation;
      cardRole: string | null;
      cycle: { cycle: number; started_at: Date };
      model: OrgModel;
      fired: { level: number; target_role: string | null }[];
      now: Date;
      later: (at: Date) => void;
    },
  ): Promise<TaskRow> {
    const timeZone = input.model.definition.organization.timezone;
    let previousRole = input.fired.at(-1)?.target_role ?? null;
    let current = card;
    for (const [level, definition] of input.rule.levels.entries()) {
      if (input.fired.some((f) => f.level === level)) continue;
      // With business_hours, `after` counts only open hours (a day of `after` is 24 of them).
      const due = input.rule.business_hours
        ? input.model.calendar.addBusinessTime(
            input.cycle.started_at,
            addDuration(new Date(0), definition.after, 'UTC').getTime(),
          )
        : addDuration(input.cycle.started_at, definition.after, timeZone);
      if (due > input.now) {
        input.later(due);
        break;
      }
      const target = await resolveLevelTarget(
        input.model,
        { to: definition.to, cardRole: input.cardRole, previousRole },
        async (role) => (await deps.users.holderIds(role, tx)).length > 0,
      );
      const inserted = await deps.escalations.fire(tx, {
        task_id: card.id,
        rule: input.key,
        cycle: input.cycle.cycle,
        level,
        target_role: target.role,
        skipped_roles: target.skipped,
        actions: definition.then,
        fired_at: input.now,
      });
      previousRole = target.role ?? previousRole;
      if (!inserted) continue;
      const holders = target.role ? await deps.users.holderIds(target.role, tx) : [];
      const { changes, notify } = applyActions(definition.then, {
        card: current,
        type: input.model.taskType(current.type),
        targetRole: target.role,
        holders,
      });
      const title = `${input.rule.title ?? input.rule.id}: ${current.title}`;
      await deps.escalations.notify(
        tx,
        notify.map((user_id) => ({ user_id, task_id: card.id, kind: 'escalation', title })),
      );
      for (const recipientId of notify)
        await recordEvent(tx, {
          type: 'notification.created',
          taskId: card.id,
          taskType: card.type,
          actorId: null,
          recipientId,
        });
      if (definition.then.includes('notify')) {
        await enqueueForEnabled(
          tx,
          escalationEvent({
            task: current,
            rule: input.key,
            ruleTitle: input.rule.title ?? input.rule.id,
            cycle: input.cycle.cycle,
            ledgerLevel: level,
            targetRole: target.role,
            cardUrl: deps.cardUrl(card.id),
            firedAt: input.now,
            timeZone,
          }),
        );
      }
      const note = `${input.key} level ${level + 1} → ${target.role ?? 'nobody'}${target.skipped.length ? ` (vacant, skipped: ${target.skipped.join(', ')})` : ''}`;
      const before = current;
      if (Object.keys(changes).length) {
        const updated = await cardsIn(tx).update(current.id, current.version, changes);
        if (updated) current = updated;
      }
      await deps.tasks.addActivity(tx, {
        taskId: card.id,
        actorId: null,
        action: 'escalated',
        changes: diffOf(before, current),
        note,
      });
      await deps.escalations.log(tx, {
        task_id: card.id,
        rule: input.key,
        outcome: 'fired',
        level,
        inputs: { actions: definition.then, target: target.role, skipped: target.skipped },
        reason: note,
        at: input.now,
      });
      await recordEvent(tx, { type: 'task.updated', taskId: card.id, taskType: card.type, actorId: null });
      await notifyWatchersOf(tx, { task: current, actorId: null, action: 'escalated' });
    }
    return current;
  }

  /** Plugins' actions of committed firings that have not run yet (outside any transaction). */
  const runPluginActions = (db: Kysely<Database>, now: Date) => deps.actions?.runPending(db, now) ?? Promise.resolve(0);

  return { check, runPluginActions };
}

function inputsOf(task: ReturnType<typeof ruleTask> & { escalation_level: number }): Record<string, unknown> {
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    taskId: task.id,
    status: task.status,
    priority: task.priority,
    role: task.role,
    assignee: task.assignee,
    age_hours: round(task.age_hours),
    idle_hours: round(task.idle_hours),
    overdue_hours: round(task.overdue_hours),
    escalation_level: task.escalation_level,
  };
}

/** What a fired level changed, column by column (every column a change may set: core/db/card-columns.ts). */
function diffOf(before: TaskRow, after: TaskRow): Record<string, [unknown, unknown]> {
  const changes: Record<string, [unknown, unknown]> = {};
  for (const key of CHANGEABLE_COLUMNS) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changes[key] = [before[key], after[key]];
  }
  return changes;
}

export type EscalationEngine = ReturnType<typeof createEscalationEngine>;
