// What a roles change would do to work in progress: open cards whose role disappears, and open cards
// an added, removed or changed escalation watches (ROLES-FORMAT: cards that sit with the role).
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { OrgDiff } from './diff.ts';
import { dryRunRule } from '../escalation/dry-run.ts';
import type { EscalationRule } from './escalation-rules.ts';
import type { EscalationEntry, OrgDefinition } from './format.schema.ts';
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

function openCards(db: Kysely<Database>, filter: { role: string | null; types?: string[]; statuses?: string[] }) {
  let query = db
    .selectFrom('tasks')
    .select('id')
    .$if(filter.role !== null, (q) => q.where('role_id', '=', filter.role))
    .where('category', '!=', 'done')
    .where('archived_at', 'is', null);
  if (filter.types) query = query.where('type', 'in', filter.types);
  if (filter.statuses) query = query.where('status', 'in', filter.statuses);
  return query.orderBy('id').execute();
}

const summary = (rows: { id: number }[]): TasksAffected => ({
  openCards: rows.length,
  taskIds: rows.slice(0, SAMPLE).map((r) => r.id),
});

function entryOf(definition: OrgDefinition | null, key: string): EscalationEntry | undefined {
  const [role, id] = key.split('/');
  return definition?.roles.find((r) => r.id === role)?.escalations.find((e) => e.id === id);
}

/** The rule in force that a listed entry `<role>/<id>` stands for: the role's own, or the plugin default it overrides. */
function inForce(model: OrgModel, key: string): EscalationRule | undefined {
  const id = key.split('/')[1];
  return model.escalation(key) ?? model.escalations.find((rule) => rule.role === null && rule.rule.id === id);
}

export async function rolesLosingCards(
  db: Kysely<Database>,
  diff: OrgDiff,
): Promise<({ role: string } & TasksAffected)[]> {
  const result = [];
  for (const role of diff.roles.removed) {
    const rows = await openCards(db, { role });
    if (rows.length) result.push({ role, ...summary(rows) });
  }
  return result;
}

export async function escalationImpact(
  db: Kysely<Database>,
  diff: OrgDiff,
  before: OrgDefinition | null,
  proposed: OrgModel,
  now = new Date(),
): Promise<EscalationImpact[]> {
  const after = proposed.definition;
  const result: EscalationImpact[] = [];
  const listed = (definition: OrgDefinition | null, key: string) => ({
    role: key.split('/')[0]!,
    rule: entryOf(definition, key),
  });
  const changes = [
    ...diff.escalations.added.map((key) => ({
      ...(inForce(proposed, key) ?? listed(after, key)),
      key,
      change: 'added' as const,
    })),
    ...diff.escalations.removed.map((key) => ({ ...listed(before, key), key, change: 'removed' as const })),
    ...diff.escalations.changed.map((key) => ({
      ...(inForce(proposed, key) ?? listed(after, key)),
      key,
      change: 'changed' as const,
    })),
  ];
  for (const { key, change, role, rule } of changes) {
    const rows = await openCards(db, {
      role,
      ...(rule?.applies_to?.task_types ? { types: rule.applies_to.task_types } : {}),
      ...(rule?.applies_to?.statuses ? { statuses: rule.applies_to.statuses } : {}),
    });
    if (!rows.length) continue;
    const inForceNow = change === 'removed' ? undefined : inForce(proposed, key);
    const wouldFireNow = inForceNow
      ? (await dryRunRule(db, proposed, inForceNow, now)).filter((r) => r.firesNow).map((r) => r.taskId)
      : [];
    result.push({ escalation: key, change, ...summary(rows), wouldFireNow });
  }
  return result;
}
