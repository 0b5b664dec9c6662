// A card as the API shows it.
import type { Selectable } from 'kysely';
import type { z } from 'zod';
import type { TasksTable } from '../db/schema.ts';
import type { boardCardSchema, taskViewSchema } from '../http/output.schemas.ts';

/** The card as the API shows it; the schema (core/http/output.schemas.ts) is the one definition. */
export type TaskView = z.infer<typeof taskViewSchema>;
export type BoardCard = z.infer<typeof boardCardSchema>;

/**
 * Where each key of a board card comes from. A board's cards are many, so the database builds their
 * JSON from this (core/board/board.repository.ts); times in the form toISOString gives.
 */
/** Keys of a board card the database computes (core/board/board.repository.ts), not read from one column. */
export type ComputedCardKey = 'escalationLevel' | 'checklistDone' | 'checklistTotal';
export const BOARD_CARD_SOURCE: { readonly [Key in Exclude<keyof BoardCard, ComputedCardKey>]-?: { column: keyof TasksTable; time?: true } } = {
  id: { column: 'id' },
  type: { column: 'type' },
  title: { column: 'title' },
  status: { column: 'status' },
  category: { column: 'category' },
  priority: { column: 'priority' },
  fields: { column: 'fields' },
  labels: { column: 'labels' },
  assigneeId: { column: 'assignee_id' },
  roleId: { column: 'role_id' },
  dueAt: { column: 'due_at', time: true },
  position: { column: 'position' },
  version: { column: 'version' },
  doneAt: { column: 'done_at', time: true },
};
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
    checklist: row.checklist,
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

/** An activity row as the API shows it: who changed what, old → new. */
export function activityView(row: { id: number; action: string; changes: Record<string, [unknown, unknown]>; note: string | null; actor_id: string | null; actor_name: string | null; created_at: Date }) {
  return { id: row.id, action: row.action, changes: row.changes, note: row.note, actorId: row.actor_id, actorName: row.actor_name, at: row.created_at.toISOString() };
}

export function commentView(row: { id: number; body: string; author_id: string | null; author_name: string | null; created_at: Date }) {
  return { id: row.id, body: row.body, authorId: row.author_id, authorName: row.author_name, createdAt: row.created_at.toISOString() };
}
