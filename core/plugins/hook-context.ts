// What plugin hooks get besides the event: cards to read, and a way to make cards through core's one
// card writer as the system. A `key` makes a card at most once (the unique key duty cards use), so two
// processes hearing the same event, or a hook run twice, make one card.
import { isUniqueViolation } from '../duties/duty-scheduler.ts';
import type { Db } from '../db/create-db.ts';
import type { OrgService } from '../org/org.service.ts';
import type { TaskService } from '../tasks/task.service.ts';
import type { HookContext } from './contract.ts';
import { createHookCardsRepository } from './hook-cards.repository.ts';

/** `tasks` and `org` are asked for lazily: the services are made after the hooks they call. */
export function createHookContext(deps: {
  db: Db;
  tasks: () => TaskService;
  org: () => Pick<OrgService, 'current'>;
  now: () => Date;
}): HookContext {
  const cards = createHookCardsRepository(deps.db.kysely);
  return {
    now: deps.now,
    roles: {
      async holding(permission) {
        const model = await deps.org().current();
        if (!model) return [];
        // Doers first: a role comes before the roles above it in the reporting line, so a plugin handing
        // work to "the role holding X" reaches the specialist, not the lead who also holds X to oversee it.
        return model.definition.roles
          .filter((role) => model.roleGrants(role.id).some((grant) => grant.permission === permission))
          .map((role) => ({ id: role.id, depth: model.chainOfCommand(role.id).length }))
          .sort((a, b) => b.depth - a.depth)
          .map((role) => role.id);
      },
    },

    cards: {
      get: cards.get,
      find: cards.find,
      async create(card, options = {}) {
        const { assignTo, dueAt, ...rest } = card;
        try {
          const view = await deps
            .tasks()
            .create(
              null,
              { ...rest, ...(dueAt ? { dueAt } : {}), ...(assignTo ? { assignTo } : {}) },
              options.key === undefined ? {} : { dutyKey: options.key },
            );
          return cards.get(view.id);
        } catch (error) {
          if (options.key !== undefined && isUniqueViolation(error)) return undefined;
          throw error;
        }
      },
      async setFields(id, fields) {
        const card = await deps.tasks().get(id);
        await deps.tasks().update(null, id, card.version, { fields });
        return (await cards.get(id))!;
      },
    },
  };
}
