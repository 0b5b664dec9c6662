// Boards and the cards a board shows.
import { sql, type Kysely, type RawBuilder, type Selectable } from 'kysely';
import type { BoardsTable, Database } from '../db/schema.ts';
import { BOARD_CARD_SOURCE, type ComputedCardKey } from '../tasks/task-view.ts';
import { createTtlCache } from '../ttl-cache.ts';
import type { BoardDefinition, CardFilters } from './board.schema.ts';
import { holdPersonCap } from '../tasks/person-caps.ts';

export type BoardRow = Selectable<BoardsTable>;

/**
 * What a card face shows beyond its columns. Both cost nothing for the usual card: open_escalations is
 * 0 without an open cycle, and an empty checklist has no elements to count.
 */
const COMPUTED_CARD_KEYS: Record<ComputedCardKey, RawBuilder<number>> = {
  escalationLevel: sql<number>`CASE WHEN open_escalations = 0 THEN 0 ELSE (
    SELECT coalesce(max(f.level) + 1, 0) FROM escalation_firings f
    JOIN escalation_cycles c ON c.task_id = f.task_id AND c.rule = f.rule AND c.cycle = f.cycle AND c.ended_at IS NULL
    WHERE f.task_id = tasks.id) END`,
  checklistDone: sql<number>`(SELECT count(*) FROM jsonb_array_elements(checklist) item WHERE (item->>'done')::boolean)::int`,
  checklistTotal: sql<number>`jsonb_array_length(checklist)`,
};

/** A board card's keys, each from its column (times formatted as toISOString does). */
const boardCardColumns = [
  ...Object.entries(BOARD_CARD_SOURCE).map(([key, { column, time }]) =>
    (time
      ? sql`to_char(${sql.ref(column)} AT TIME ZONE 'UTC', ${sql.lit('YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')})`
      : sql.ref(column)
    ).as(key),
  ),
  ...Object.entries(COMPUTED_CARD_KEYS).map(([key, expression]) => expression.as(key)),
];

/** Which boards show a type is asked on every move; boards made through another process show within this. */
const SHOWING_CACHE_MS = 1_000;

export function createBoardRepository(db: Kysely<Database>) {
  /** The cards a board shows, after its filters. */
  const shown = (board: BoardRow, filters: CardFilters, now: Date) => {
    let query = db
      .selectFrom('tasks')
      .where('type', 'in', filters.type ? [filters.type] : board.task_types)
      .where('archived_at', 'is', null);
    if (filters.q)
      query = query.where((eb) =>
        eb.or([
          eb('title', 'ilike', `%${escapeLike(filters.q!)}%`),
          eb('description', 'ilike', `%${escapeLike(filters.q!)}%`),
        ]),
      );
    if (filters.role) query = query.where('role_id', '=', filters.role);
    if (filters.assignee) query = query.where('assignee_id', '=', filters.assignee);
    if (filters.label) query = query.where(sql<boolean>`${filters.label} = ANY(labels)`);
    if (filters.dueBefore) query = query.where('due_at', '<', new Date(filters.dueBefore));
    if (filters.overdue === 'true') query = query.where('due_at', '<', now).where('category', '!=', 'done');
    return query;
  };

  const showing = createTtlCache<string, BoardRow[]>({ ttlMs: SHOWING_CACHE_MS, maxEntries: 1_000 });
  return {
    list: () => db.selectFrom('boards').selectAll().orderBy('created_at').orderBy('id').execute(),
    get: (id: string) => db.selectFrom('boards').selectAll().where('id', '=', id).executeTakeFirst(),
    /** Boards that show a task type (for WIP limits of a move and of an assignment). */
    /** Forgets which boards show which type (an activation may have added boards elsewhere). */
    forget: () => showing.clear(),
    showing: (type: string) =>
      showing.get(type, () =>
        db.selectFrom('boards').selectAll().where(sql<boolean>`${type} = ANY(task_types)`).execute(),
      ),
    async insert(definition: BoardDefinition, createdBy: string | null): Promise<boolean> {
      const inserted = await db
        .insertInto('boards')
        .values({
          id: definition.id,
          name: JSON.stringify(definition.name),
          task_types: definition.taskTypes,
          columns: JSON.stringify(
            definition.columns.map((c) => ({
              id: c.id,
              name: c.name,
              states: c.states,
              ...(c.wipLimit ? { wip_limit: c.wipLimit, wip_mode: c.wipMode } : {}),
            })),
          ),
          swimlanes: definition.swimlanes,
          personal_wip: definition.personalWip ?? null,
          created_by: createdBy,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .returning('id')
        .executeTakeFirst();
      showing.clear();
      return inserted !== undefined;
    },
    views: (boardId: string, userId: string) =>
      db
        .selectFrom('saved_views')
        .selectAll()
        .where('board_id', '=', boardId)
        .where((eb) => eb.or([eb('owner_id', '=', userId), eb('shared', '=', true)]))
        .orderBy('name')
        .execute(),
    /** Refused (429) when the owner already keeps `cap` views. */
    addView: (
      view: { board_id: string; owner_id: string; name: string; filters: CardFilters; shared: boolean },
      cap: number,
    ) =>
      db.transaction().execute(async (tx) => {
        await holdPersonCap(tx, { kind: 'saved_views', userId: view.owner_id, limit: cap, now: new Date() });
        return tx
          .insertInto('saved_views')
          .values({ ...view, filters: JSON.stringify(view.filters) })
          .returningAll()
          .executeTakeFirstOrThrow();
      }),
    /** Only the owner removes a view; false when there is no such view of theirs. */
    async removeView(boardId: string, id: number, ownerId: string): Promise<boolean> {
      const result = await db
        .deleteFrom('saved_views')
        .where('id', '=', id)
        .where('board_id', '=', boardId)
        .where('owner_id', '=', ownerId)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
    /**
     * The board's cards (after `filters`) in board order, as the JSON text of an array of board cards:
     * the database builds it, so thousands of cards cost no row parsing, mapping or serialising here.
     */
    async cardsJson(board: BoardRow, filters: CardFilters, now: Date): Promise<string> {
      const built = await db
        .selectFrom(shown(board, filters, now).select(boardCardColumns).as('card'))
        .select(sql<string>`coalesce(json_agg(card ORDER BY card.position, card.id), '[]')::text`.as('cards'))
        .executeTakeFirstOrThrow();
      return built.cards;
    },
    /** The distinct lane keys of the cards the board shows (after `filters`). */
    async laneKeys(
      board: BoardRow,
      filters: CardFilters,
      now: Date,
      key: RawBuilder<string | null>,
    ): Promise<(string | null)[]> {
      const rows = await shown(board, filters, now).select(key.as('lane')).distinct().execute();
      return rows.map((row) => row.lane);
    },
  };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export type BoardRepository = ReturnType<typeof createBoardRepository>;
