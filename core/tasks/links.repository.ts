// Links between cards and from cards to web pages.
import type { Kysely, Transaction } from 'kysely';
import type { Database, TaskLinksTable } from '../db/schema.ts';

export type LinkKind = TaskLinksTable['kind'];

export function createLinksRepository(db: Kysely<Database>) {
  return {
    insert: (
      tx: Transaction<Database>,
      link: {
        task_id: number;
        kind: LinkKind;
        target_task_id: number | null;
        url: string | null;
        title: string | null;
        created_by: string;
      },
    ) => tx.insertInto('task_links').values(link).returningAll().executeTakeFirstOrThrow(),
    remove: (tx: Transaction<Database>, taskId: number, linkId: number) =>
      tx
        .deleteFrom('task_links')
        .where('id', '=', linkId)
        .where('task_id', '=', taskId)
        .returningAll()
        .executeTakeFirst(),
    /** A card's links both ways: the ones it makes and the ones other cards make to it. */
    of: (taskId: number) =>
      db
        .selectFrom('task_links')
        .leftJoin('tasks as target', 'target.id', 'task_links.target_task_id')
        .leftJoin('tasks as source', 'source.id', 'task_links.task_id')
        .select([
          'task_links.id',
          'task_links.task_id',
          'task_links.kind',
          'task_links.target_task_id',
          'task_links.url',
          'task_links.title',
          'target.title as target_title',
          'source.title as source_title',
        ])
        .where((eb) => eb.or([eb('task_links.task_id', '=', taskId), eb('task_links.target_task_id', '=', taskId)]))
        .orderBy('task_links.id')
        .execute(),
  };
}

type LinkRow = Awaited<ReturnType<ReturnType<typeof createLinksRepository>['of']>>[number];

/** A link as seen from card `taskId`: outgoing links name their target, incoming ones their source. */
export function linkView(row: LinkRow, taskId: number) {
  const outgoing = row.task_id === taskId;
  return {
    id: row.id,
    kind: row.kind,
    url: row.url,
    title: row.title,
    direction: outgoing ? ('outgoing' as const) : ('incoming' as const),
    otherTaskId: outgoing ? row.target_task_id : row.task_id,
    otherTitle: outgoing ? row.target_title : row.source_title,
  };
}
