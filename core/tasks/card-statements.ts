// The cards table's write statements, private to the writer (core/tasks/task-writer.ts): what a change set
// may name and how its values are encoded both come from the one declaration of the columns
// (core/db/card-columns.ts). A change naming anything else is refused before anything is written.
import type { Kysely, Selectable, Transaction, Updateable } from 'kysely';
import {
  CHANGEABLE_COLUMNS,
  CREATABLE_COLUMNS,
  JSONB_COLUMNS,
  type ChangeableColumn,
  type CreateColumn,
  type EngineColumn,
  type TasksTable,
} from '../db/card-columns.ts';
import type { Database } from '../db/schema.ts';
import type { TaskRow } from './task.repository.ts';

type Executor = Kysely<Database> | Transaction<Database>;
type Row = Selectable<TasksTable>;

/** A command's change to a card: declared changeable columns, jsonb ones as values (the writer encodes them). */
export type CardChanges = { [K in ChangeableColumn]?: Row[K] };
/** A new card: what it is made with (its position at the end of its column is the writer's to find). */
export type NewCard = Pick<Row, 'type' | 'title' | 'status' | 'category'> & {
  [K in Exclude<ChangeableColumn | CreateColumn, 'type' | 'title' | 'status' | 'category' | 'position'>]?: Row[K];
};
/** What the escalation engine keeps on a card. */
export type EngineChanges = { [K in EngineColumn]: Row[K] };

/**
 * Throws, writing nothing, when a change names a column the declaration does not let it change, or gives
 * a jsonb column JSON text (it would be stored as a string: encoded twice).
 */
export function checkChanges(changes: object, allowed: ReadonlySet<string> = CHANGEABLE_COLUMNS): void {
  for (const [column, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    if (!allowed.has(column)) {
      throw new Error(
        `A card change names "${column}", which core/db/card-columns.ts does not declare as written by commands; nothing was written.`,
      );
    }
    if (JSONB_COLUMNS.has(column as ChangeableColumn) && typeof value === 'string') {
      throw new Error(
        `The card column "${column}" is jsonb: a change gives its value, not JSON text (the writer encodes it); nothing was written.`,
      );
    }
  }
}

/** The values as Kysely sends them: jsonb columns as JSON text, once. */
export function encoded(changes: object): Updateable<TasksTable> {
  const values: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(changes)) {
    if (value !== undefined)
      values[column] = JSONB_COLUMNS.has(column as ChangeableColumn) ? JSON.stringify(value) : value;
  }
  return values as Updateable<TasksTable>;
}

export function insertCard(executor: Executor, card: NewCard & { position: string }): Promise<TaskRow> {
  checkChanges(card, CREATABLE_COLUMNS);
  return executor
    .insertInto('tasks')
    .values(encoded(card) as never)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The versioned change; undefined when the card is no longer at `expectedVersion` (someone else wrote first). */
export function updateVersioned(
  executor: Executor,
  id: number,
  expectedVersion: number,
  changes: CardChanges,
): Promise<TaskRow | undefined> {
  checkChanges(changes);
  return executor
    .updateTable('tasks')
    .set((eb) => ({ ...encoded(changes), version: eb('version', '+', 1), updated_at: new Date() }))
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .returningAll()
    .executeTakeFirst();
}

/** The engine's bookkeeping: not a change anyone made, so no new version. */
export async function scheduleCheck(tx: Transaction<Database>, id: number, values: EngineChanges): Promise<void> {
  await tx.updateTable('tasks').set(values).where('id', '=', id).execute();
}

/** The card's watcher count, counted again in `tx` (after task_watchers changed). */
export async function recountWatchers(tx: Transaction<Database>, id: number): Promise<void> {
  await tx
    .updateTable('tasks')
    .set((eb) => ({
      watchers: eb
        .selectFrom('task_watchers')
        .select((w) => w.fn.countAll<number>().as('n'))
        .where('task_id', '=', id),
    }))
    .where('id', '=', id)
    .execute();
}
