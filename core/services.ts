// The services behind the routes, created once per process and shared by HTTP, the CLI and tests.
import { createAuthService } from './auth/auth.service.ts';
import { createUsersRepository } from './auth/users.repository.ts';
import type { Db } from './db/create-db.ts';
import type { Logger } from './logger.ts';
import { coreCatalogue, type OrgCatalogue } from './org/catalogue.ts';
import { createOrgService } from './org/org.service.ts';

export function createServices(deps: { db: Db; log: Logger; catalogue?: OrgCatalogue }) {
  const catalogue = deps.catalogue ?? coreCatalogue();
  const users = createUsersRepository(deps.db.kysely);
  const org = createOrgService({ db: deps.db.kysely, catalogue, users, log: deps.log.child({ module: 'org' }) });
  const auth = createAuthService({ db: deps.db.kysely, users, org });
  return { db: deps.db, catalogue, users, org, auth };
}

export type Services = ReturnType<typeof createServices>;
