// The `task` a rule sees (ROLES-FORMAT "Escalations"): the card's own values plus numbers derived
// from the clock, so rules never read the clock themselves.
import type { TasksTable } from '../db/schema.ts';
import type { Selectable } from 'kysely';
import { businessCalendar, type BusinessCalendar } from '../time/business-hours.ts';

export interface RuleTask {
  id: number;
  type: string;
  status: string;
  priority: string;
  title: string;
  fields: Record<string, unknown>;
  assignee: string | null;
  role: string | null;
  labels: string[];
  created_at: string;
  due_at: string | null;
  age_hours: number;
  idle_hours: number;
  overdue_hours: number;
  /** Age counted in the organisation's business hours only. */
  business_age_hours: number;
  /** Business days that ended since creation: 0 until the close of the day it came in (or of the next business day, when it came in outside hours). */
  business_days_ended: number;
}

/** The keys of RuleTask, for the rule checks and the SQL compiler (core/rules/json-logic-sql.test.ts checks them against ruleTask). */
export const RULE_TASK_KEYS: readonly (keyof RuleTask)[] = [
  'id',
  'type',
  'status',
  'priority',
  'title',
  'fields',
  'assignee',
  'role',
  'labels',
  'created_at',
  'due_at',
  'age_hours',
  'idle_hours',
  'overdue_hours',
  'business_age_hours',
  'business_days_ended',
];

const hoursBetween = (from: Date, to: Date) => Math.max(0, (to.getTime() - from.getTime()) / 3_600_000);

/** Without an organisation's calendar, business time is wall time in UTC. */
const WALL_CLOCK = businessCalendar(undefined, 'UTC');

export function ruleTask(task: Selectable<TasksTable>, now: Date, calendar: BusinessCalendar = WALL_CLOCK): RuleTask {
  return {
    id: task.id,
    type: task.type,
    status: task.status,
    priority: task.priority,
    title: task.title,
    fields: task.fields,
    assignee: task.assignee_id,
    role: task.role_id,
    labels: task.labels,
    created_at: task.created_at.toISOString(),
    due_at: task.due_at?.toISOString() ?? null,
    age_hours: hoursBetween(task.created_at, now),
    idle_hours: hoursBetween(task.updated_at, now),
    overdue_hours: task.due_at ? hoursBetween(task.due_at, now) : 0,
    business_age_hours: calendar.businessMsBetween(task.created_at, now) / 3_600_000,
    business_days_ended: calendar.businessDaysEndedBetween(task.created_at, now),
  };
}
