// The cards table, declared once: each column's SQL type, who writes it, whether the escalation event
// path looks at it, and whether the API shows it. The Kysely type (TasksTable), the writer's change sets
// and jsonb encoding, the board's select list and the API's card view are all derived from this list
// (tests/card-columns.test.ts checks it against the migrated table). A new column: a line here, a migration.
import type { ColumnType, Generated } from 'kysely';

/**
 * What the cards' jsonb columns hold whose shape a domain module defines; the module adds it here
 * (`declare module '../db/card-columns.ts' { interface CardJsonShapes { … } }`), so this layer imports none.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging from each domain module (a type alias cannot be merged)
export interface CardJsonShapes {}

export type Priority = 'low' | 'normal' | 'high' | 'urgent';
export type StateCategory = 'todo' | 'active' | 'blocked' | 'done';

/** The column's type as PostgreSQL names it (information_schema `udt_name`). */
export type CardSqlType = 'int8' | 'int4' | 'int2' | 'text' | '_text' | 'uuid' | 'jsonb' | 'timestamptz';

/**
 * Who writes the column:
 * - `database`: no change set names it (the id, the version and `updated_at` the writer bumps, `created_at`);
 * - `create`: set when the card is made, never changed;
 * - `edit`: a person edits it directly (PATCH /api/tasks/:id), and commands may change it;
 * - `command`: changed by commands (a move, an assignment, archiving, an escalation action, an approval);
 * - `engine`: kept by the escalation engine;
 * - `watchers`: counted again from task_watchers when someone starts or stops watching.
 */
export type CardWrittenBy = 'database' | 'create' | 'edit' | 'command' | 'engine' | 'watchers';

export interface CardColumnSpec {
  sql: CardSqlType;
  nullable?: true;
  written: CardWrittenBy;
  /** The escalation event path reads it to decide whether any rule can see the card (core/tasks/task-writer.ts). */
  watched?: true;
  /** Shown by the API under its camelCase name: on the whole card, or on board card faces too. */
  view?: 'card' | 'board';
}

/** Names a column's Kysely type (select, insert, update) for TasksTable; nothing at run time. */
const kysely = <T>() => undefined as unknown as [T];
/** A jsonb column: JSON text on the way in (pg would send a JS array as a PostgreSQL array), a value on the way out. */
type Json<T> = ColumnType<T, string | undefined, string>;

export const CARD_COLUMNS = {
  id: { sql: 'int8', written: 'database', view: 'board', kysely: kysely<ColumnType<number, never, never>>() },
  type: { sql: 'text', written: 'create', watched: true, view: 'board', kysely: kysely<string>() },
  title: { sql: 'text', written: 'edit', view: 'board', kysely: kysely<string>() },
  description: { sql: 'text', written: 'edit', view: 'card', kysely: kysely<Generated<string>>() },
  status: { sql: 'text', written: 'command', watched: true, view: 'board', kysely: kysely<string>() },
  category: { sql: 'text', written: 'command', view: 'board', kysely: kysely<StateCategory>() },
  priority: { sql: 'text', written: 'edit', view: 'board', kysely: kysely<Generated<Priority>>() },
  fields: { sql: 'jsonb', written: 'edit', view: 'board', kysely: kysely<Json<Record<string, unknown>>>() },
  labels: {
    sql: '_text',
    written: 'edit',
    view: 'board',
    kysely: kysely<ColumnType<string[], string[] | undefined, string[]>>(),
  },
  /** The card's own checklist (a new card's is empty). */
  checklist: { sql: 'jsonb', written: 'edit', view: 'card', kysely: kysely<Json<CardJsonShapes['checklist']>>() },
  assignee_id: {
    sql: 'uuid',
    nullable: true,
    written: 'command',
    watched: true,
    view: 'board',
    kysely: kysely<string | null>(),
  },
  role_id: {
    sql: 'text',
    nullable: true,
    written: 'command',
    watched: true,
    view: 'board',
    kysely: kysely<string | null>(),
  },
  due_at: { sql: 'timestamptz', nullable: true, written: 'edit', view: 'board', kysely: kysely<Date | null>() },
  position: { sql: 'text', written: 'command', view: 'board', kysely: kysely<string>() },
  version: { sql: 'int4', written: 'database', view: 'board', kysely: kysely<Generated<number>>() },
  created_by: { sql: 'uuid', nullable: true, written: 'create', view: 'card', kysely: kysely<string | null>() },
  created_at: { sql: 'timestamptz', written: 'database', view: 'card', kysely: kysely<Generated<Date>>() },
  updated_at: { sql: 'timestamptz', written: 'database', view: 'card', kysely: kysely<Generated<Date>>() },
  started_at: { sql: 'timestamptz', nullable: true, written: 'command', kysely: kysely<Date | null>() },
  done_at: { sql: 'timestamptz', nullable: true, written: 'command', view: 'board', kysely: kysely<Date | null>() },
  archived_at: {
    sql: 'timestamptz',
    nullable: true,
    written: 'command',
    watched: true,
    view: 'card',
    kysely: kysely<Date | null>(),
  },
  duty_key: { sql: 'text', nullable: true, written: 'create', kysely: kysely<string | null>() },
  /** When the escalation engine should look at the card again (null: only when it changes). */
  next_check_at: {
    sql: 'timestamptz',
    nullable: true,
    written: 'engine',
    kysely: kysely<ColumnType<Date | null, Date | null | undefined, Date | null>>(),
  },
  /** Escalation cycles open on the card (0 and no rule watching: writes skip the event path). */
  open_escalations: {
    sql: 'int2',
    written: 'engine',
    watched: true,
    kysely: kysely<ColumnType<number, never, number>>(),
  },
  /** How many people watch the card (0: writes skip telling anyone). */
  watchers: { sql: 'int4', written: 'watchers', kysely: kysely<ColumnType<number, never, number>>() },
} as const satisfies Record<string, CardColumnSpec & { kysely: unknown }>;

type Columns = typeof CARD_COLUMNS;
export type CardColumn = keyof Columns;

/** The Kysely type of the cards table. */
export type TasksTable = { -readonly [K in CardColumn]: Columns[K]['kysely'][0] };

type WrittenBy<W extends CardWrittenBy> = {
  [K in CardColumn]: Columns[K]['written'] extends W ? K : never;
}[CardColumn];
/** Columns a person edits directly. */
export type EditableColumn = WrittenBy<'edit'>;
/** Columns a command's change set may name. */
export type ChangeableColumn = WrittenBy<'edit' | 'command'>;
/** Columns set only when a card is made. */
export type CreateColumn = WrittenBy<'create'>;
/** Columns the escalation engine keeps. */
export type EngineColumn = WrittenBy<'engine'>;
/** Columns the escalation event path decides by. */
export type WatchedColumn = { [K in CardColumn]: Columns[K] extends { watched: true } ? K : never }[CardColumn];
type Shown<V extends 'card' | 'board'> = { [K in CardColumn]: Columns[K] extends { view: V } ? K : never }[CardColumn];
/** Columns the API shows on the whole card, and on board card faces. */
export type CardViewColumn = Shown<'card' | 'board'>;
export type BoardViewColumn = Shown<'board'>;

/** assignee_id → assigneeId: the name the API shows a column under. */
export type ViewKey<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<ViewKey<Tail>>}`
  : S;
export const viewKey = <S extends string>(name: S) =>
  name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase()) as ViewKey<S>;

const names = Object.keys(CARD_COLUMNS) as CardColumn[];
const where = (test: (spec: CardColumnSpec) => boolean) => names.filter((name) => test(CARD_COLUMNS[name]));

/** Columns whose values are JSON documents: the writer encodes them, once. */
export const JSONB_COLUMNS: ReadonlySet<CardColumn> = new Set(where((spec) => spec.sql === 'jsonb'));
/** Columns a person's edit may change. */
export const EDITABLE_COLUMNS = where((spec) => spec.written === 'edit') as EditableColumn[];
/** Columns a command's change set may name (an edit's, a move's, an assignment's…). */
export const CHANGEABLE_COLUMNS: ReadonlySet<CardColumn> = new Set(
  where((spec) => spec.written === 'edit' || spec.written === 'command'),
);
/** Columns a new card may be made with. */
export const CREATABLE_COLUMNS: ReadonlySet<CardColumn> = new Set(
  where((spec) => ['create', 'edit', 'command'].includes(spec.written)),
);
/** Columns the escalation event path decides by. */
export const WATCHED_COLUMNS = where((spec) => spec.watched === true) as WatchedColumn[];
/** Columns the API shows on the whole card, and on board card faces, in declaration order. */
export const CARD_VIEW_COLUMNS = where((spec) => spec.view !== undefined) as CardViewColumn[];
export const BOARD_VIEW_COLUMNS = where((spec) => spec.view === 'board') as BoardViewColumn[];
