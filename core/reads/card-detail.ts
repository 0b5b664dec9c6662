// A card's whole detail in one read, for the card panel: the card, the latest comments and activity
// (with cursors to older ones), approval requests with their decisions, escalation history, watchers,
// links, and every transition from its status with whether this person can take it now, and why not.
import type { Kysely } from 'kysely';
import type { Actor } from '../auth/actor.ts';
import type { Database } from '../db/schema.ts';
import { olderCursor } from '../http/page.ts';
import type { OrgService } from '../org/org.service.ts';
import type { TaskService } from '../tasks/task.service.ts';
import { linkView } from '../tasks/links.repository.ts';
import { activityView, commentView, toTaskView } from '../tasks/task-view.ts';
import { notFound } from '../tasks/task-errors.ts';
import { approvalView } from '../workflow/approval.service.ts';
import { ruleTask } from '../workflow/rule-context.ts';
import { checkTransition } from '../workflow/state-machine.ts';

export const DETAIL_PAGE = 50;

export interface CardDetailDeps {
  db: Kysely<Database>;
  tasks: TaskService;
  org: OrgService;
  now: () => Date;
}

export async function cardDetail(deps: CardDetailDeps, actor: Actor, id: number) {
  const row = await deps.tasks.repo.find(id);
  if (!row) throw notFound(id);
  const page = { limit: DETAIL_PAGE };
  const [comments, activity, approvals, firings, watchers, links, model] = await Promise.all([
    deps.tasks.repo.comments(id, page),
    deps.tasks.repo.activity(id, page),
    approvalsOf(deps.db, id),
    deps.db.selectFrom('escalation_firings').selectAll().where('task_id', '=', id).orderBy('id').execute(),
    deps.db
      .selectFrom('task_watchers')
      .innerJoin('users', 'users.id', 'task_watchers.user_id')
      .select(['users.id', 'users.display_name'])
      .where('task_id', '=', id)
      .orderBy('users.display_name')
      .execute(),
    deps.tasks.links(id),
    deps.org.active(),
  ]);
  const type = model.taskType(row.type);
  const now = deps.now();
  const task = ruleTask(row, now, model.calendar);
  const stateName = (state: string) => type?.workflow.states.find((s) => s.id === state)?.name ?? state;
  const transitions = (type?.workflow.transitions ?? [])
    .filter((transition) => transition.from === row.status)
    .map((transition) => {
      // WIP limits are counted when the move is made; here the rules that depend on the card and the person.
      const check = checkTransition({
        type: type!,
        task,
        to: transition.to,
        actor,
        policy: model.policies,
        now,
        wip: [],
      });
      return {
        to: transition.to,
        name: stateName(transition.to),
        label: transition.label ?? null,
        available: check.ok,
        needsApproval: check.ok ? Boolean(check.approval) : Boolean(transition.approval),
        ...(check.ok ? {} : { reason: check.reason, message: check.message, details: check.details ?? {} }),
      };
    });
  return {
    task: toTaskView(row),
    comments: { items: comments.map(commentView), olderCursor: olderCursor(comments, DETAIL_PAGE) },
    activity: { items: activity.map(activityView), olderCursor: olderCursor(activity, DETAIL_PAGE) },
    approvals,
    escalations: firings.map((f) => ({
      id: f.id,
      rule: f.rule,
      cycle: f.cycle,
      level: f.level,
      targetRole: f.target_role,
      skippedRoles: f.skipped_roles,
      actions: f.actions,
      firedAt: f.fired_at.toISOString(),
    })),
    watchers: watchers.map((w) => ({ id: w.id, displayName: w.display_name })),
    watching: watchers.some((w) => w.id === actor.id),
    links: links.map((link) => linkView(link, id)),
    transitions,
  };
}

async function approvalsOf(db: Kysely<Database>, taskId: number) {
  const rows = await db.selectFrom('approvals').selectAll().where('task_id', '=', taskId).orderBy('id').execute();
  if (rows.length === 0) return [];
  const decisions = await db
    .selectFrom('approval_decisions')
    .leftJoin('users', 'users.id', 'approval_decisions.user_id')
    .select(['approval_id', 'user_id', 'approve', 'comment', 'decided_at', 'users.display_name'])
    .where(
      'approval_id',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('decided_at')
    .execute();
  return rows.map((row) => ({
    ...approvalView(row),
    decisions: decisions
      .filter((d) => d.approval_id === row.id)
      .map((d) => ({
        personId: d.user_id,
        name: d.display_name,
        approve: d.approve,
        comment: d.comment,
        at: d.decided_at.toISOString(),
      })),
  }));
}
