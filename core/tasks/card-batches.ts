// The write every card move runs — the change with its activity and event rows — as one statement for
// every request that arrives while earlier ones are out (see core/db/batcher.ts). Private to the writer
// (core/tasks/task-writer.ts). A batched write is the same as the
// single one: versioned, nothing written for a card no longer at the version seen, with an escalation
// cycle open on it or with people watching it, activity and events in the order the requests came. A
// transaction writes such a card's change with the same statement, alone, without that guard and
// telling the card's watchers (core/tasks/watchers.ts).
import { sql, type Kysely, type Transaction } from 'kysely';
import { createBatcher } from '../db/batcher.ts';
import { compiledOnce } from '../db/compiled-once.ts';
import type { Database } from '../db/schema.ts';
import { byId } from './card-reads.ts';
import type { CardChanges } from './card-statements.ts';
import type { Recorded, TaskRow } from './task.repository.ts';
import { notifyWatchers } from './watchers.ts';

/**
 * One batch of each kind out at a time. Measured (`moves` bench, 16 clients): more in flight makes
 * smaller batches and more CPU per move — 1: ~1,200 moves/s, 2: ~1,000–1,150, 4: ~780, 8: ~580.
 */
const MAX_IN_FLIGHT = 1;
const MAX_BATCH = 64;

/**
 * The shape is the comma-separated list of columns set, then ` unless watched` when a card with an
 * escalation cycle open or a watcher is to be left alone (else its watchers are told). `requests` holds each write's version and record, `sets`
 * its new values (with the card's id), read as rows of the tasks table in one call.
 */
const writeMany = compiledOnce((db, values: { ids: number[]; requests: string; sets: string; now: Date }, shape) => {
  const [columns, guard] = [shape.split(' ')[0]!.split(','), shape.endsWith(' unless watched')];
  const set = sql.join(columns.map((column) => sql`${sql.ref(column)} = ${sql.ref(`given.${column}`)}`));
  // Rows are locked in card order (the batch is sorted by id), so two batches cannot deadlock. The planner
  // guesses 100 rows for a JSON record set, whatever it holds: without the ids as an array it plans a scan
  // of the whole table for every write (measured: 10,000 other cards cut the moves bench rate by a third).
  const query = sql<TaskRow>`
    WITH request AS (
      SELECT * FROM jsonb_to_recordset(${values.requests}::jsonb)
        AS r(n int4, id int8, expected int4, actor_id uuid, action text, changes jsonb, note text, event text)
    ), changed AS (
      UPDATE tasks SET ${set}, version = tasks.version + 1, updated_at = ${values.now}
      FROM request JOIN jsonb_populate_recordset(NULL::tasks, ${values.sets}::jsonb) AS given ON given.id = request.id
      WHERE tasks.id = ANY(${values.ids}::int8[]) AND tasks.id = request.id AND tasks.version = request.expected ${guard ? sql`AND tasks.open_escalations = 0 AND tasks.watchers = 0` : sql``}
      RETURNING tasks.*
    ), logged AS (
      INSERT INTO task_activity (task_id, actor_id, action, changes, note)
      SELECT changed.id, request.actor_id, request.action, request.changes, request.note
      FROM changed JOIN request ON request.id = changed.id ORDER BY request.n
    ), announced AS (
      INSERT INTO events (type, task_id, task_type, actor_id)
      SELECT request.event, changed.id, changed.type, request.actor_id
      FROM changed JOIN request ON request.id = changed.id ORDER BY request.n
    )${guard ? sql`` : sql`, ${notifyWatchers(sql`SELECT changed.id AS task_id, changed.type, changed.title, request.actor_id, request.action, request.n FROM changed JOIN request ON request.id = changed.id`)}`}
    SELECT * FROM changed`;
  return { compile: () => query.compile(db) };
});

interface Write {
  id: number;
  expectedVersion: number;
  changes: CardChanges;
  entry: Recorded;
}

/** The columns a change sets, in a fixed order (they name the statement's shape). */
const columnsSet = (changes: CardChanges) =>
  Object.keys(changes)
    .filter((column) => changes[column as keyof typeof changes] !== undefined)
    .sort()
    .join(',');

/** Writes each change with its activity and event rows in one statement; each card's row, or undefined if not written. */
async function writeRecorded(
  executor: Kysely<Database> | Transaction<Database>,
  shape: string,
  writes: Write[],
): Promise<(TaskRow | undefined)[]> {
  const sorted = writes.map((write, index) => ({ n: index + 1, write })).sort((a, b) => a.write.id - b.write.id);
  const requests = JSON.stringify(sorted.map(({ n, write }) => requestOf(n, write)));
  const sets = JSON.stringify(sorted.map(({ write }) => setOf(write)));
  const ids = sorted.map(({ write }) => write.id);
  return byId(await writeMany(executor, shape, { ids, requests, sets, now: new Date() }), writes);
}

export function createCardBatches(db: Kysely<Database>) {
  const writers = new Map<string, (write: Write) => Promise<TaskRow | undefined>>();
  const writerFor = (shape: string) => {
    let writer = writers.get(shape);
    if (!writer) {
      writer = createBatcher<Write, TaskRow | undefined>({
        maxInFlight: MAX_IN_FLIGHT,
        maxBatch: MAX_BATCH,
        key: (write) => write.id,
        run: (writes) => writeRecorded(db, shape, writes),
      });
      writers.set(shape, writer);
    }
    return writer;
  };

  return {
    /** The versioned change with its activity and event rows; undefined when stale, escalating or watched. */
    updateRecordedUnlessWatched(
      id: number,
      expectedVersion: number,
      changes: CardChanges,
      entry: Recorded,
    ): Promise<TaskRow | undefined> {
      return writerFor(`${columnsSet(changes)} unless watched`)({ id, expectedVersion, changes, entry });
    },
    /** The same change in `tx`, alone, whatever escalations are open, telling its watchers; undefined when stale. */
    async updateRecordedIn(
      tx: Transaction<Database>,
      id: number,
      expectedVersion: number,
      changes: CardChanges,
      entry: Recorded,
    ): Promise<TaskRow | undefined> {
      return (await writeRecorded(tx, columnsSet(changes), [{ id, expectedVersion, changes, entry }]))[0];
    },
  };
}

function requestOf(n: number, { id, expectedVersion, entry }: Write) {
  return {
    n,
    id,
    expected: expectedVersion,
    actor_id: entry.actorId,
    action: entry.action,
    changes: entry.changes,
    note: entry.note ?? null,
    event: entry.event,
  };
}

/** The new values as a JSON row of the tasks table: a jsonb column's value goes in as it is, a JSON document. */
function setOf({ id, changes }: Write) {
  return { ...changes, id };
}
