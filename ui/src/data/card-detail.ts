// A card's detail for the panel and the card page: one read, refreshed when the card changes on the
// board, with the commands the panel gives (move, comment, checklist, watch) answering with fresh detail.
import { createResource } from 'solid-js';
import type { TaskView } from '../../../core/http/contract.ts';
import { api, unwrap } from './api.ts';

export function createCardDetail(id: () => number) {
  const [detail, { refetch, mutate }] = createResource(id, (taskId) =>
    unwrap(api.tasks[':id'].detail.$get({ param: { id: String(taskId) } })),
  );
  const param = () => ({ id: String(id()) });
  return {
    detail,
    refetch,
    /** Shows a card the server answered with at once (the rest of the detail follows). */
    showTask(task: TaskView) {
      const current = detail.latest;
      if (current && task.version >= current.task.version) mutate({ ...current, task: task as typeof current.task });
      void refetch();
    },
    move: (to: string, expectedVersion: number) =>
      api.tasks[':id'].transition.$patch({ param: param(), json: { to, expectedVersion } }),
    comment: (body: string) => unwrap(api.tasks[':id'].comments.$post({ param: param(), json: { body } })),
    olderComments: (before: number) =>
      unwrap(api.tasks[':id'].comments.$get({ param: param(), query: { before, limit: 50 } })),
    olderActivity: (before: number) =>
      unwrap(api.tasks[':id'].activity.$get({ param: param(), query: { before, limit: 50 } })),
    watch: (on: boolean) =>
      unwrap(on ? api.tasks[':id'].watch.$put({ param: param() }) : api.tasks[':id'].watch.$delete({ param: param() })),
    edit: (expectedVersion: number, changes: Record<string, unknown>) =>
      unwrap(api.tasks[':id'].$patch({ param: param(), json: { expectedVersion, ...changes } })),
  };
}

export type CardDetailStore = ReturnType<typeof createCardDetail>;
