// The cards a plugin's route may read and change: core's task service acting as the person who called
// the route, so their permissions (scoped ones included), field validation, hooks and escalations all
// apply exactly as on the card routes. A plugin never holds more power than its caller.
import type { Access } from '../auth/access.ts';
import type { Actor } from '../auth/actor.ts';
import { notFound } from '../tasks/task-errors.ts';
import type { TaskService } from '../tasks/task.service.ts';
import { toTaskView } from '../tasks/task-view.ts';
import type { PluginCards } from './plugin-routes.ts';

export function pluginCards(tasks: TaskService, access: Access, actor: Actor): PluginCards {
  return {
    async get(id) {
      const row = await tasks.repo.find(id);
      if (!row) throw notFound(id);
      (await access.on(actor, row)).require('boards.view', 'see');
      return toTaskView(row);
    },
    create: (card) => tasks.create(actor, card),
    edit: (id, expectedVersion, edit) => tasks.update(actor, id, expectedVersion, edit),
    move: async (id, expectedVersion, to) => (await tasks.move(actor, id, expectedVersion, { to })).task,
  };
}
