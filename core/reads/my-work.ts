// A person's work in one read (/me): their open cards by due date, the duty cards due this week
// (in the organisation's time zone) for them or their roles, and what escalated to their roles.
import type { Kysely } from 'kysely';
import type { Actor } from '../auth/actor.ts';
import type { Database } from '../db/schema.ts';
import type { OrgService } from '../org/org.service.ts';
import { toTaskView } from '../tasks/task-view.ts';
import { periodBounds } from '../time/zoned.ts';

const LIMIT = 200;

export async function myWork(deps: { db: Kysely<Database>; org: OrgService; now: () => Date }, actor: Actor) {
  const model = await deps.org.active();
  const week = periodBounds('week', deps.now(), model.definition.organization.timezone);
  const roles = actor.roles.length ? actor.roles : [''];
  const open = deps.db.selectFrom('tasks').selectAll().where('archived_at', 'is', null).where('category', '!=', 'done');
  const [cards, duties, escalated] = await Promise.all([
    open
      .where('assignee_id', '=', actor.id)
      .orderBy('due_at', (o) => o.asc().nullsLast())
      .orderBy('id')
      .limit(LIMIT)
      .execute(),
    open
      .where('duty_key', 'is not', null)
      .where('due_at', '<', week.end)
      .where((eb) =>
        eb.or([eb('assignee_id', '=', actor.id), eb.and([eb('assignee_id', 'is', null), eb('role_id', 'in', roles)])]),
      )
      .orderBy('due_at')
      .limit(LIMIT)
      .execute(),
    deps.db
      .selectFrom('escalation_firings as f')
      .innerJoin('escalation_cycles as c', (join) =>
        join.onRef('c.task_id', '=', 'f.task_id').onRef('c.rule', '=', 'f.rule').onRef('c.cycle', '=', 'f.cycle'),
      )
      .innerJoin('tasks', 'tasks.id', 'f.task_id')
      .select([
        'f.id',
        'f.task_id',
        'tasks.title',
        'tasks.type',
        'tasks.status',
        'f.rule',
        'f.level',
        'f.target_role',
        'f.fired_at',
      ])
      .where('c.ended_at', 'is', null)
      .where('f.target_role', 'in', roles)
      .orderBy('f.fired_at', 'desc')
      .limit(LIMIT)
      .execute(),
  ]);
  return {
    week: { start: week.start.toISOString(), end: week.end.toISOString() },
    cards: cards.map(toTaskView),
    duties: duties.map(toTaskView),
    escalated: escalated.map((e) => ({
      id: e.id,
      taskId: e.task_id,
      title: e.title,
      taskType: e.type,
      status: e.status,
      rule: e.rule,
      level: e.level,
      targetRole: e.target_role,
      firedAt: e.fired_at.toISOString(),
    })),
  };
}
