// A card as the API shows it.
import type { Selectable } from 'kysely';
import type { Priority, StateCategory, TasksTable } from '../db/schema.ts';

export interface TaskView {
  id: number;
  type: string;
  title: string;
  description: string;
  status: string;
  category: StateCategory;
  priority: Priority;
  fields: Record<string, unknown>;
  labels: string[];
  assigneeId: string | null;
  roleId: string | null;
  dueAt: string | null;
  position: string;
  version: number;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  doneAt: string | null;
  archivedAt: string | null;
}

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
