// What a roles change would do to work in progress: open cards whose role disappears, and open cards
// an added, removed or changed escalation watches (ROLES-FORMAT: cards that sit with the role).
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { OrgDiff } from './diff.ts';
import { dryRunRule } from '../escalation/dry-run.ts';
import type { Escalation, OrgDefinition } from './format.schema.ts';
import type { OrgModel } from './org-model.ts';

const SAMPLE = 50;

export interface TasksAffected {
  openCards: number;
  /** Up to 50 card ids, to show or link. */
  taskIds: number[];
}

export interface EscalationImpact extends TasksAffected {
  escalation: string;
  change: 'added' | 'removed' | 'changed';
  /** Open cards the added or changed rule would fire on right now (its first level is due). */
  wouldFireNow: number[];
}

function openCards(db: Kysely<Database>, filter: { role: string; types?: string[]; statuses?: string[] }) {
  let query = db
    .selectFrom('tasks')
    .select('id')
    .where('role_id', '=', filter.role)
    .where('category', '!=', 'done')
    .where('archived_at', 'is', null);
  if (filter.types) query = query.where('type', 'in', filter.types);
  if (filter.statuses) query = query.where('status', 'in', filter.statuses);
  return query.orderBy('id').execute();
}

const summary = (rows: { id: number }[]): TasksAffected => ({ openCards: rows.length, taskIds: rows.slice(0, SAMPLE).map((r) => r.id) });

function escalationOf(definition: OrgDefinition | null, key: string): Escalation | undefined {
  const [role, id] = key.split('/');
  return definition?.roles.find((r) => r.id === role)?.escalations.find((e) => e.id === id);
}

export async function rolesLosingCards(db: Kysely<Database>, diff: OrgDiff): Promise<({ role: string } & TasksAffected)[]> {
  const result = [];
  for (const role of diff.roles.removed) {
    const rows = await openCards(db, { role });
    if (rows.length) result.push({ role, ...summary(rows) });
  }
  return result;
}

export async function escalationImpact(db: Kysely<Database>, diff: OrgDiff, before: OrgDefinition | null, proposed: OrgModel, now = new Date()): Promise<EscalationImpact[]> {
  const after = proposed.definition;
  const result: EscalationImpact[] = [];
  const changes = [
    ...diff.escalations.added.map((key) => ({ key, change: 'added' as const, rule: escalationOf(after, key) })),
    ...diff.escalations.removed.map((key) => ({ key, change: 'removed' as const, rule: escalationOf(before, key) })),
    ...diff.escalations.changed.map((key) => ({ key, change: 'changed' as const, rule: escalationOf(after, key) })),
  ];
  for (const { key, change, rule } of changes) {
    const rows = await openCards(db, { role: key.split('/')[0]!, ...(rule?.applies_to?.task_types ? { types: rule.applies_to.task_types } : {}), ...(rule?.applies_to?.statuses ? { statuses: rule.applies_to.statuses } : {}) });
    if (!rows.length) continue;
    const wouldFireNow = change === 'removed' || !rule ? [] : (await dryRunRule(db, proposed, key, rule, now)).filter((r) => r.firesNow).map((r) => r.taskId);
    result.push({ escalation: key, change, ...summary(rows), wouldFireNow });
  }
  return result;
}
