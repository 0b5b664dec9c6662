// New cards nobody has to be chosen for and no escalation can see, made together: while one batch is out,
// the creates that arrive wait and leave in the next (see core/db/batcher.ts). A batch is two statements
// whatever its size — the last position of each column the cards go to, then one statement that inserts
// the cards with their activity rows, their events and the notices of the people they were given to.
// Private to the writer (core/tasks/task-writer.ts), which makes every other new card in a transaction.
import { sql, type Kysely } from 'kysely';
import { positionBetween } from '../board/positions.ts';
import { createBatcher } from '../db/batcher.ts';
import { compiledOnce } from '../db/compiled-once.ts';
import type { Database } from '../db/schema.ts';
import { CREATABLE_COLUMNS } from '../db/card-columns.ts';
import { checkChanges, type NewCard } from './card-statements.ts';
import type { TaskRow } from './task.repository.ts';

/** One batch out at a time, as for moves (core/tasks/card-batches.ts). */
const MAX_IN_FLIGHT = 1;
const MAX_BATCH = 64;

export interface Create {
  card: NewCard;
  actorId: string | null;
  /** Tell the person the card is given to (when someone else gives it). */
  tell: boolean;
}

const lastPositions = compiledOnce((db, values: { types: string[]; statuses: string[] }) => {
  const query = sql<{ type: string; status: string; last: string | null }>`
    SELECT c.type, c.status, (
      SELECT t.position FROM tasks AS t WHERE t.type = c.type AND t.status = c.status AND t.archived_at IS NULL ORDER BY t.position DESC LIMIT 1
    ) AS last
    FROM unnest(${values.types}::text[], ${values.statuses}::text[]) AS c(type, status)`;
  return { compile: () => query.compile(db) };
});

/**
 * The shape is the comma-separated list of columns given. Ids are taken from the table's sequence first,
 * so each request knows its card; events go in request order, each card's before the notice about it.
 */
const insertMany = compiledOnce((db, values: { requests: string; cards: string }, shape) => {
  const columns = shape.split(',');
  const query = sql<TaskRow & { batch_n: number }>`
    WITH request AS (
      SELECT r.*, nextval(pg_get_serial_sequence('tasks', 'id')) AS id
      FROM jsonb_to_recordset(${values.requests}::jsonb) AS r(n int4, actor_id uuid, tell boolean)
    ), inserted AS (
      INSERT INTO tasks (id, ${sql.join(columns.map((column) => sql.ref(column)))}) OVERRIDING SYSTEM VALUE
      SELECT request.id, ${sql.join(columns.map((column) => sql.ref(`given.${column}`)))}
      FROM request JOIN jsonb_populate_recordset(NULL::tasks, ${values.cards}::jsonb) AS given ON given.id = request.n
      ORDER BY request.n
      RETURNING tasks.*
    ), told AS (
      SELECT request.n, inserted.* FROM inserted JOIN request ON request.id = inserted.id
      WHERE request.tell AND inserted.assignee_id IS DISTINCT FROM request.actor_id AND inserted.assignee_id IS NOT NULL
    ), logged AS (
      INSERT INTO task_activity (task_id, actor_id, action, changes)
      SELECT inserted.id, request.actor_id, 'created', jsonb_build_object('status', jsonb_build_array(NULL, inserted.status), 'title', jsonb_build_array(NULL, inserted.title))
      FROM inserted JOIN request ON request.id = inserted.id ORDER BY request.n
    ), noticed AS (
      INSERT INTO notifications (user_id, task_id, kind, title)
      SELECT told.assignee_id, told.id, 'assigned', told.title FROM told ORDER BY told.n
    ), announced AS (
      INSERT INTO events (type, task_id, task_type, actor_id, recipient_id)
      SELECT event.type, event.task_id, event.task_type, event.actor_id, event.recipient_id FROM (
        SELECT request.n, 0 AS k, 'task.created'::text AS type, inserted.id AS task_id, inserted.type AS task_type, request.actor_id, NULL::uuid AS recipient_id
        FROM inserted JOIN request ON request.id = inserted.id
        UNION ALL
        SELECT told.n, 1, 'notification.created', told.id, told.type, NULL, told.assignee_id FROM told
      ) AS event ORDER BY event.n, event.k
    )
    SELECT inserted.*, request.n AS batch_n FROM inserted JOIN request ON request.id = inserted.id`;
  return { compile: () => query.compile(db) };
});

/** Each card at the end of its column, after the cards before it in the batch. */
async function placed(db: Kysely<Database>, creates: Create[]): Promise<(NewCard & { position: string })[]> {
  const columnOf = (card: NewCard) => JSON.stringify([card.type, card.status]);
  const distinct = [...new Map(creates.map(({ card }) => [columnOf(card), card])).values()];
  const rows = await lastPositions(db, 'last positions', {
    types: distinct.map((card) => card.type),
    statuses: distinct.map((card) => card.status),
  });
  const last = new Map(rows.map((row) => [JSON.stringify([row.type, row.status]), row.last]));
  return creates.map(({ card }) => {
    const position = positionBetween(last.get(columnOf(card)) ?? null, null);
    last.set(columnOf(card), position);
    return { ...card, position };
  });
}

/** Makes the cards, each recorded as created; the rows in the creates' order. */
async function insertRecorded(db: Kysely<Database>, shape: string, creates: Create[]): Promise<TaskRow[]> {
  const cards = (await placed(db, creates)).map((card, index) => ({ ...card, id: index + 1 }));
  const requests = creates.map(({ actorId, tell }, index) => ({ n: index + 1, actor_id: actorId, tell }));
  const rows = await insertMany(db, shape, { requests: JSON.stringify(requests), cards: JSON.stringify(cards) });
  const byRequest = new Map(rows.map(({ batch_n: n, ...row }) => [n, row]));
  return creates.map((_, index) => byRequest.get(index + 1)!);
}

export function createCardCreates(db: Kysely<Database>): (create: Create) => Promise<TaskRow> {
  const creators = new Map<string, (create: Create) => Promise<TaskRow>>();
  return (create) => {
    checkChanges(create.card, CREATABLE_COLUMNS);
    const shape = [
      ...Object.keys(create.card).filter((column) => create.card[column as keyof NewCard] !== undefined),
      'position',
    ]
      .sort()
      .join(',');
    let creator = creators.get(shape);
    if (!creator) {
      creator = createBatcher<Create, TaskRow>({
        maxInFlight: MAX_IN_FLIGHT,
        maxBatch: MAX_BATCH,
        run: (creates) => insertRecorded(db, shape, creates),
      });
      creators.set(shape, creator);
    }
    return creator(create);
  };
}
