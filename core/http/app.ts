// Assembles the HTTP application: request context, the API routes, the UI, and the one error shape.
import { Hono } from 'hono';
import { responds } from './output.ts';
import { anyObject } from './output.schemas.ts';
import { authRoutes } from '../auth/auth.routes.ts';
import type { Access } from '../auth/access.ts';
import type { AuthService } from '../auth/auth.service.ts';
import { peopleRoutes } from '../auth/people.routes.ts';
import type { PeopleService } from '../auth/people.service.ts';
import type { UsersRepository } from '../auth/users.repository.ts';
import type { BoardService } from '../board/board.service.ts';
import type { Db } from '../db/create-db.ts';
import type { DryRun } from '../escalation/dry-run.ts';
import type { EscalationRepository } from '../escalation/escalation.repository.ts';
import type { KpiService } from '../kpis/kpi.service.ts';
import type { Logger } from '../logger.ts';
import type { WebhookTargets } from '../notifications/webhook-targets.ts';
import type { WebhooksRepository } from '../notifications/webhooks.repository.ts';
import type { OrgCatalogue } from '../org/catalogue.ts';
import type { OrgService } from '../org/org.service.ts';
import type { LoadedPlugins } from '../plugins/loader.ts';
import type { TaskService } from '../tasks/task.service.ts';
import { boardsRoutes } from '../board/boards.routes.ts';
import { escalationsRoutes } from '../escalation/escalations.routes.ts';
import { kpisRoutes } from '../kpis/kpis.routes.ts';
import { webhooksRoutes } from '../notifications/webhooks.routes.ts';
import type { ChannelRegistry } from '../notifications/channels.ts';
import { orgRoutes } from '../org/org.routes.ts';
import { tasksRoutes } from '../tasks/tasks.routes.ts';
import { readsRoutes } from '../reads/reads.routes.ts';
import { approvalsRoutes } from '../workflow/approvals.routes.ts';
import { pluginsRoutes } from '../plugins/plugins.routes.ts';
import { pluginRoutes } from '../plugins/mount-routes.ts';
import type { AppEnv } from './env.ts';
import { notFound, onError } from './errors.ts';
import { PUBLIC, requires } from './guard.ts';
import { openApiDocument } from './openapi.ts';
import { healthRoutes } from './health.routes.ts';
import { limitBody } from './body-limit.ts';
import { requestContext } from './request-context.ts';
import { session } from './session.ts';
import { hostGuard, originGuard, securityHeaders } from './request-guards.ts';
import { localSite, type Site } from './site.ts';
import { mountUi } from './ui.ts';

const MAX_BODY_BYTES = 1024 * 1024;

/** What the routes are built on; the composition root (core/compose.ts) makes them. */
export interface ApiServices {
  db: Db;
  catalogue: OrgCatalogue;
  plugins: LoadedPlugins;
  users: UsersRepository;
  access: Access;
  org: OrgService;
  auth: AuthService;
  people: PeopleService;
  boards: BoardService;
  tasks: TaskService;
  kpis: Pick<KpiService, 'evaluate'>;
  escalations: EscalationRepository;
  dryRun: DryRun;
  webhooks: WebhooksRepository;
  webhookTargets: WebhookTargets;
  channels: ChannelRegistry;
  now: () => Date;
}

export interface AppDeps {
  services: ApiServices;
  log: Logger;
  schemaVersion: string | null;
  startedAt: number;
  /** Folder of the built UI; the API works without it. */
  uiDir?: string;
  /** Proxies of ours in front of the server (TRUST_PROXY): X-Forwarded-For is read only through them. */
  trustProxy?: number;
  /** Our host names and origins (PUBLIC_URL, ALLOWED_HOSTS); by default localhost on any port. */
  site?: Site;
}

/** The API under /api; its type is what the UI's typed client is built from. */
export function apiRoutes({ services, schemaVersion, startedAt, trustProxy }: AppDeps) {
  return new Hono<AppEnv>()
    .route('/health', healthRoutes({ db: services.db, schemaVersion, startedAt }))
    .route('/', authRoutes(services.auth, services.org, trustProxy))
    .route('/', peopleRoutes(services))
    .route('/', orgRoutes(services.org))
    .route('/', boardsRoutes(services.boards))
    .route('/', tasksRoutes(services.tasks))
    .route(
      '/',
      readsRoutes({
        db: services.db.kysely,
        org: services.org,
        catalogue: services.catalogue,
        tasks: services.tasks,
        now: services.now,
      }),
    )
    .route('/', kpisRoutes(services.kpis))
    .route('/', approvalsRoutes(services.tasks))
    .route('/', webhooksRoutes(services.webhooks, services.webhookTargets, services.channels))
    .route(
      '/',
      pluginsRoutes(services.plugins.statuses, async () => (await services.org.current())?.defaultEscalations ?? []),
    )
    .route(
      '/plugins',
      pluginRoutes(services.plugins.plugins, {
        tasks: services.tasks,
        access: services.access,
        db: services.db.kysely,
      }),
    )
    .route(
      '/',
      escalationsRoutes(services.escalations, { dryRun: services.dryRun, org: services.org, now: services.now }),
    );
}

export type ApiRoutes = ReturnType<typeof apiRoutes>;

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const site = deps.site ?? localSite();
  app.use(securityHeaders(site));
  app.use(...requestContext(deps.log));
  app.use(hostGuard(site), originGuard(site));
  app.use('/api/*', limitBody(MAX_BODY_BYTES));
  app.use('/api/*', session(deps.services.auth));
  app.route('/api', apiRoutes(deps));
  let document: Record<string, unknown> | undefined;
  app.get('/api/openapi.json', requires(PUBLIC), responds({ 200: anyObject }), (c) => {
    document ??= openApiDocument(app);
    return c.json(document);
  });
  if (deps.uiDir) mountUi(app, deps.uiDir);
  app.notFound(notFound);
  app.onError(onError);
  return app;
}
