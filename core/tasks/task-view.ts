// A card as the API shows it.
import type { Selectable } from 'kysely';
import type { z } from 'zod';
import type { TasksTable } from '../db/schema.ts';
import type { taskViewSchema } from '../http/output.schemas.ts';

/** The card as the API shows it; the schema (core/http/output.schemas.ts) is the one definition. */
export type TaskView = z.infer<typeof taskViewSchema>;

export function toTaskView(row: Selectable<TasksTable>): TaskView {
  return {
    id: row.id,
    type: row.type,
    title: row.title,
    description: row.description,
    status: row.status,
    category: row.category,
    priority: row.priority,
    fields: row.fields,
    labels: row.labels,
    assigneeId: row.assignee_id,
    roleId: row.role_id,
    dueAt: row.due_at?.toISOString() ?? null,
    position: row.position,
    version: row.version,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    doneAt: row.done_at?.toISOString() ?? null,
    archivedAt: row.archived_at?.toISOString() ?? null,
  };
}
