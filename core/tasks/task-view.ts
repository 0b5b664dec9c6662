// A card as the API shows it.
import type { Selectable } from 'kysely';
import type { z } from 'zod';
import {
  BOARD_VIEW_COLUMNS,
  CARD_COLUMNS,
  CARD_VIEW_COLUMNS,
  viewKey,
  type BoardViewColumn,
  type TasksTable,
} from '../db/card-columns.ts';
import type { boardCardSchema, taskViewSchema } from '../http/output.schemas.ts';

/** The card as the API shows it; the schema (core/http/output.schemas.ts) is the one definition. */
export type TaskView = z.infer<typeof taskViewSchema>;
export type BoardCard = z.infer<typeof boardCardSchema>;

/** Keys of a board card the database computes (core/board/board.repository.ts), not read from one column. */
export type ComputedCardKey = 'escalationLevel' | 'checklistDone' | 'checklistTotal';

/**
 * Where each key of a board card comes from: its column in core/db/card-columns.ts. A board's cards are
 * many, so the database builds their JSON from this (core/board/board.repository.ts); times in the form
 * toISOString gives.
 */
export const BOARD_CARD_SOURCE = Object.fromEntries(
  BOARD_VIEW_COLUMNS.map((column) => [
    viewKey(column),
    { column, ...(CARD_COLUMNS[column].sql === 'timestamptz' ? { time: true as const } : {}) },
  ]),
) as { readonly [Key in Exclude<keyof BoardCard, ComputedCardKey>]-?: { column: BoardViewColumn; time?: true } };

const SHOWN = CARD_VIEW_COLUMNS.map((column) => [column, viewKey(column)] as const);

/** Each column the API shows, under its camelCase name; times as ISO text. */
export function toTaskView(row: Selectable<TasksTable>): TaskView {
  const view: Record<string, unknown> = {};
  for (const [column, key] of SHOWN) {
    const value = row[column];
    view[key] = value instanceof Date ? value.toISOString() : value;
  }
  return view as TaskView;
}

/** An activity row as the API shows it: who changed what, old → new. */
export function activityView(row: {
  id: number;
  action: string;
  changes: Record<string, [unknown, unknown]>;
  note: string | null;
  actor_id: string | null;
  actor_name: string | null;
  created_at: Date;
}) {
  return {
    id: row.id,
    action: row.action,
    changes: row.changes,
    note: row.note,
    actorId: row.actor_id,
    actorName: row.actor_name,
    at: row.created_at.toISOString(),
  };
}

export function commentView(row: {
  id: number;
  body: string;
  author_id: string | null;
  author_name: string | null;
  created_at: Date;
}) {
  return {
    id: row.id,
    body: row.body,
    authorId: row.author_id,
    authorName: row.author_name,
    createdAt: row.created_at.toISOString(),
  };
}
