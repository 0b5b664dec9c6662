// Reads of the cards table, and its side tables (activity, comments, watchers). Cards themselves are
// written only by the writer (core/tasks/task-writer.ts).
import type { Page } from '../http/page.ts';
import type { Kysely, Selectable, Transaction } from 'kysely';
import { createCardReads } from './card-reads.ts';
import type { Database, TasksTable } from '../db/schema.ts';
import type { EventType } from '../events/event-log.ts';

type Executor = Kysely<Database> | Transaction<Database>;
export type TaskRow = Selectable<TasksTable>;

/** What a change records beside itself: its activity entry and its live event. */
export interface Recorded {
  event: EventType;
  actorId: string | null;
  action: string;
  changes: Record<string, [unknown, unknown]>;
  note?: string;
}

export function createTaskRepository(db: Kysely<Database>) {
  const findWithLastPosition = createCardReads(db);
  return {
    /**
     * The card and, read with it, the last position in the column it moves to (its own when `to` is
     * undefined). Concurrent reads share one statement.
     */
    findWithLastPosition,
    find(id: number, executor: Executor = db): Promise<TaskRow | undefined> {
      return executor.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirst();
    },
    findMany(ids: number[], executor: Executor = db): Promise<TaskRow[]> {
      if (ids.length === 0) return Promise.resolve([]);
      return executor.selectFrom('tasks').selectAll().where('id', 'in', ids).execute();
    },
    async addActivity(
      executor: Executor,
      entry: {
        taskId: number;
        actorId: string | null;
        action: string;
        changes: Record<string, [unknown, unknown]>;
        note?: string;
      },
    ) {
      await executor
        .insertInto('task_activity')
        .values({
          task_id: entry.taskId,
          actor_id: entry.actorId,
          action: entry.action,
          changes: JSON.stringify(entry.changes),
          note: entry.note ?? null,
        })
        .execute();
    },
    /** A card's activity, oldest first: all of it, or one page (see core/http/page.ts). */
    async activity(taskId: number, page: Page = {}) {
      let query = db
        .selectFrom('task_activity')
        .leftJoin('users', 'users.id', 'task_activity.actor_id')
        .select([
          'task_activity.id',
          'action',
          'changes',
          'note',
          'task_activity.created_at',
          'actor_id',
          'users.display_name as actor_name',
        ])
        .where('task_id', '=', taskId);
      if (page.before) query = query.where('task_activity.id', '<', page.before);
      if (page.limit === undefined) return query.orderBy('task_activity.id').execute();
      return (await query.orderBy('task_activity.id', 'desc').limit(page.limit).execute()).reverse();
    },
    /** Open cards per person among `people` (of one type, if given), for assignment by fewest open cards. */
    async openCounts(people: string[], executor: Executor = db, types?: string[]): Promise<Map<string, number>> {
      if (people.length === 0) return new Map();
      let query = executor
        .selectFrom('tasks')
        .select(['assignee_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('assignee_id', 'in', people);
      if (types) query = query.where('type', 'in', types);
      const rows = await query
        .where('category', '!=', 'done')
        .where('archived_at', 'is', null)
        .groupBy('assignee_id')
        .execute();
      return new Map(rows.map((row) => [row.assignee_id!, Number(row.n)]));
    },
    /** Cards in these states of these types (a board column), not counting `except`. */
    async countIn(types: string[], states: string[], except: number, executor: Executor = db): Promise<number> {
      const row = await executor
        .selectFrom('tasks')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('type', 'in', types)
        .where('status', 'in', states)
        .where('archived_at', 'is', null)
        .where('id', '!=', except)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    /** The last position in a column, to append a card at its end. */
    async lastPosition(type: string, status: string, executor: Executor = db): Promise<string | null> {
      const row = await executor
        .selectFrom('tasks')
        .select('position')
        .where('type', '=', type)
        .where('status', '=', status)
        .where('archived_at', 'is', null)
        .orderBy('position', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row?.position ?? null;
    },
    async addComment(executor: Executor, taskId: number, authorId: string, body: string) {
      return executor
        .insertInto('task_comments')
        .values({ task_id: taskId, author_id: authorId, body })
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    /** A card's comments, oldest first: all of them, or one page (see core/http/page.ts). */
    async comments(taskId: number, page: Page = {}) {
      let query = db
        .selectFrom('task_comments')
        .leftJoin('users', 'users.id', 'task_comments.author_id')
        .select([
          'task_comments.id',
          'body',
          'task_comments.created_at',
          'author_id',
          'users.display_name as author_name',
        ])
        .where('task_id', '=', taskId);
      if (page.before) query = query.where('task_comments.id', '<', page.before);
      if (page.limit === undefined) return query.orderBy('task_comments.id').execute();
      return (await query.orderBy('task_comments.id', 'desc').limit(page.limit).execute()).reverse();
    },
    async watchers(taskId: number): Promise<string[]> {
      const rows = await db.selectFrom('task_watchers').select('user_id').where('task_id', '=', taskId).execute();
      return rows.map((row) => row.user_id);
    },
  };
}

export type TaskRepository = ReturnType<typeof createTaskRepository>;
