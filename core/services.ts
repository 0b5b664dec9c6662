// The services behind the routes, created once per process and shared by HTTP, the CLI and tests.
import { createAuthService } from './auth/auth.service.ts';
import { createUsersRepository } from './auth/users.repository.ts';
import { createBoardRepository } from './board/board.repository.ts';
import { createBoardService } from './board/board.service.ts';
import { createEventBus } from './events/event-bus.ts';
import { createTaskService } from './tasks/task.service.ts';
import type { Db } from './db/create-db.ts';
import type { Logger } from './logger.ts';
import { coreCatalogue, type OrgCatalogue } from './org/catalogue.ts';
import { createOrgService } from './org/org.service.ts';

export function createServices(deps: { db: Db; log: Logger; catalogue?: OrgCatalogue }) {
  const catalogue = deps.catalogue ?? coreCatalogue();
  const users = createUsersRepository(deps.db.kysely);
  const org = createOrgService({ db: deps.db.kysely, catalogue, users, log: deps.log.child({ module: 'org' }) });
  const auth = createAuthService({ db: deps.db.kysely, users, org });
  const boardRepository = createBoardRepository(deps.db.kysely);
  const boards = createBoardService({ boards: boardRepository, org });
  const events = createEventBus(deps.db, deps.log.child({ module: 'events' }));
  const tasks = createTaskService({ db: deps.db, org, users, boards: boardRepository, afterCommit: events.announce });
  return {
    db: deps.db,
    catalogue,
    users,
    org,
    auth,
    boards,
    events,
    tasks,
    /** Background parts: the event reader (and its LISTEN connection on PostgreSQL). */
    start: () => events.start(),
    stop: () => events.stop(),
  };
}

export type Services = ReturnType<typeof createServices>;
