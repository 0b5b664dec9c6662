// The cards plugin hooks read: one by id, or those of a type whose fields contain given values.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { TaskRow } from '../tasks/task.repository.ts';
import type { HookCard } from './contract.ts';

const MAX_FOUND = 100;

export function toHookCard(row: TaskRow): HookCard {
  return {
    id: row.id,
    type: row.type,
    title: row.title,
    status: row.status,
    category: row.category,
    fields: { ...row.fields },
    assigneeId: row.assignee_id,
    roleId: row.role_id,
    dueAt: row.due_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    archived: row.archived_at !== null,
  };
}

export function createHookCardsRepository(db: Kysely<Database>) {
  return {
    async get(id: number): Promise<HookCard | undefined> {
      const row = await db.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toHookCard(row);
    },
    async find(query: {
      type: string;
      statuses?: string[];
      fields?: Record<string, unknown>;
      limit?: number;
    }): Promise<HookCard[]> {
      let select = db.selectFrom('tasks').selectAll().where('type', '=', query.type).where('archived_at', 'is', null);
      if (query.statuses)
        select = query.statuses.length
          ? select.where('status', 'in', query.statuses)
          : select.where(sql<boolean>`false`);
      if (query.fields && Object.keys(query.fields).length)
        select = select.where(sql<boolean>`fields @> ${JSON.stringify(query.fields)}::jsonb`);
      const rows = await select
        .orderBy('id')
        .limit(Math.min(Math.max(1, query.limit ?? MAX_FOUND), MAX_FOUND))
        .execute();
      return rows.map(toHookCard);
    },
  };
}
