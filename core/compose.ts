// The composition root: the one place that wires configuration, the database, core's modules, the
// plugins, the schedulers, HTTP and the live sockets. Only the process entry (core/main.ts), tests and
// benchmarks import it; every module gets what it needs as parameters.
import type { Config } from './config.ts';
import { createDb } from './db/create-db.ts';
import { migrateToLatest } from './db/migrate.ts';
import { createDutyScheduler } from './duties/duty-scheduler.ts';
import { createEscalationScheduler } from './escalation/escalation-scheduler.ts';
import { createWebhookDispatcher } from './notifications/webhook-outbox.ts';
import { attachBoardSockets } from './events/board-socket.ts';
import { createApp } from './http/app.ts';
import { startHttpServer } from './http/server.ts';
import { createSite } from './http/site.ts';
import { loadRolesAtStart } from './org/load-at-start.ts';
import { warnAboutDemoPasswords } from './auth/seed-members.ts';
import { closeOperationRegistry } from './rules/json-logic.ts';
import { uiDir } from './paths.ts';
import { loadPlugins, pluginSource } from './plugins/loader.ts';
import { seedPluginDemos } from './plugins/demo-data.ts';
import { createAuthService } from './auth/auth.service.ts';
import { createAccess } from './auth/access.ts';
import { createPeopleService } from './auth/people.service.ts';
import { createUsersRepository } from './auth/users.repository.ts';
import { createBoardRepository } from './board/board.repository.ts';
import { createBoardService } from './board/board.service.ts';
import { createEventBus } from './events/event-bus.ts';
import { createEscalationEngine } from './escalation/escalation-engine.ts';
import { createEscalationRepository } from './escalation/escalation.repository.ts';
import { createDryRun } from './escalation/dry-run.ts';
import { createPluginActionRunner } from './escalation/plugin-actions.ts';
import { mayWatch } from './escalation/applicable-rules.ts';
import type { OrgModel } from './org/org-model.ts';
import { createTaskRepository } from './tasks/task.repository.ts';
import type { AfterChange } from './tasks/task-writer.ts';
import type { PersonCaps } from './tasks/person-caps.ts';
import { createTaskService } from './tasks/task.service.ts';
import type { Db } from './db/create-db.ts';
import type { Logger } from './logger.ts';
import { catalogueWith, type OrgCatalogue } from './org/catalogue.ts';
import { registerCoreMetrics } from './kpis/core-metrics.ts';
import { createMetricRegistry } from './kpis/metric-registry.ts';
import { createKpiService } from './kpis/kpi.service.ts';
import type { LoadedPlugins } from './plugins/loader.ts';
import { createHookRunner } from './plugins/hooks.ts';
import { createHookContext } from './plugins/hook-context.ts';
import { createScheduleRunner } from './plugins/schedules.ts';
import { createActivationReactions } from './org/activation.ts';
import { createOrgService } from './org/org.service.ts';
import { createWebhookTargets } from './notifications/webhook-targets.ts';
import { channelRegistry } from './notifications/channels.ts';
import { createWebhooksRepository } from './notifications/webhooks.repository.ts';

/** `now`: the clock for escalations and task timestamps (tests set it; the product uses the real one). */
/** `webhookAllowHosts`: local or private hosts webhooks may reach all the same (WEBHOOK_ALLOW_HOSTS). */
/** `plugins`: what the loader loaded (core/plugins/loader.ts); `hookTimeBoxMs`: how long a beforeTransition hook may take. */
export function createServices(deps: {
  db: Db;
  log: Logger;
  catalogue?: OrgCatalogue;
  now?: () => Date;
  publicUrl?: string;
  webhookAllowHosts?: readonly string[];
  caps?: PersonCaps;
  plugins?: LoadedPlugins;
  hookTimeBoxMs?: number;
}) {
  const now = deps.now ?? (() => new Date());
  const plugins = deps.plugins ?? { plugins: [], statuses: [] };
  const catalogue = deps.catalogue ?? catalogueWith(plugins.plugins);
  const metrics = registerCoreMetrics(createMetricRegistry());
  for (const plugin of plugins.plugins)
    for (const [id, metric] of Object.entries(plugin.metrics ?? {})) metrics.register(id, metric);
  // Hooks make cards through the task service, made below (they run only after start).
  const pluginContext = createHookContext({ db: deps.db, tasks: () => tasks, org: () => org, now });
  const hooks = createHookRunner(
    plugins.plugins,
    deps.log.child({ module: 'plugins' }),
    pluginContext,
    deps.hookTimeBoxMs,
  );
  let detachHooks: (() => void) | undefined;
  const users = createUsersRepository(deps.db.kysely);
  // `events` is created below; an activation is announced only after start.
  const org = createOrgService({
    db: deps.db.kysely,
    catalogue,
    users,
    log: deps.log.child({ module: 'org' }),
    now,
    announce: () => events.announce(),
  });
  // `events` is created below; an access change is announced only after start.
  const auth = createAuthService({ db: deps.db.kysely, users, org, now, announce: () => events.announce() });
  const people = createPeopleService({ users, org, auth });
  const access = createAccess({ users, org });
  const boardRepository = createBoardRepository(deps.db.kysely);
  const boards = createBoardService({ boards: boardRepository, org, users, ...(deps.caps ? { caps: deps.caps } : {}) });
  const events = createEventBus(deps.db, deps.log.child({ module: 'events' }));
  const escalations = createEscalationRepository(deps.db.kysely);
  const taskRepository = createTaskRepository(deps.db.kysely);
  const actions = createPluginActionRunner({
    plugins: plugins.plugins,
    context: pluginContext,
    escalations,
    log: deps.log.child({ module: 'escalation' }),
  });
  const schedules = createScheduleRunner({
    plugins: plugins.plugins,
    context: pluginContext,
    log: deps.log.child({ module: 'plugins' }),
  });
  const engine = createEscalationEngine({
    escalations,
    actions,
    tasks: taskRepository,
    users,
    modelOf: (id, tx) => org.modelOf(id, tx),
    cardUrl: (id) => `${deps.publicUrl ?? 'http://localhost:8787'}/tasks/${id}`,
    log: deps.log.child({ module: 'escalation' }),
  });
  // The event path: every card write re-checks the card's escalations in the same transaction.
  const afterChange: AfterChange<{ model: OrgModel; now: Date }> = {
    prepare: async () => ({ model: await org.active(), now: now() }),
    concerns: (card, { model }) => card.archived_at === null && (card.open_escalations > 0 || mayWatch(model, card)),
    run: async (tx, card, { model, now }) => (card.archived_at === null ? engine.check(tx, card, model, now) : card),
  };
  const tasks = createTaskService({
    db: deps.db,
    repo: taskRepository,
    org,
    access,
    users,
    boards: boardRepository,
    afterCommit: events.announce,
    afterChange: afterChange as AfterChange<unknown>,
    beforeTransition: hooks.beforeTransition,
    now,
    ...(deps.caps ? { caps: deps.caps } : {}),
  });
  const kpis = createKpiService({ db: deps.db.kysely, org, users, metrics });
  const webhooks = createWebhooksRepository(deps.db.kysely);
  const webhookTargets = createWebhookTargets({ allowHosts: deps.webhookAllowHosts ?? [] });
  const activation = createActivationReactions({
    org,
    boards,
    boardRepository,
    events,
    log: deps.log.child({ module: 'org' }),
  });
  return {
    db: deps.db,
    catalogue,
    /** KPIs measured by core's metrics and the loaded plugins'. */
    kpis,
    plugins,
    users,
    org,
    auth,
    people,
    access,
    boards,
    events,
    tasks,
    escalations,
    /** An escalation rule run on the open cards it watches, changing nothing. */
    dryRun: createDryRun(deps.db.kysely),
    engine,
    /** Plugins' time-based work, run on the escalation scheduler's tick. */
    schedules,
    now,
    webhooks,
    webhookTargets,
    /** The notification channels webhooks may name: core's generic one and the loaded plugins'. */
    channels: channelRegistry(plugins.plugins),
    /** Runs `react` after every activation, made here or on another process (the schedulers). */
    onActivated: activation.onActivated,
    /** Background parts: the event reader (and its LISTEN connection on PostgreSQL). */
    start: async () => {
      await events.start();
      detachHooks = hooks.attach(events);
    },
    stop: async () => {
      detachHooks?.();
      await events.stop();
    },
  };
}

export type Services = ReturnType<typeof createServices>;

const HOUSEKEEPING_EVERY_MS = 5 * 60_000;

/** A started server: where it listens, and its stop in order (sockets, HTTP, schedulers, services, database). */
export interface RunningServer {
  url: string;
  /** Resolves once everything is closed; requests still running after `graceMs` are cut. */
  stop(graceMs: number): Promise<void>;
}

/**
 * Opens and migrates the database, loads the plugins and the roles folder, starts the services, the
 * schedulers, HTTP and the live sockets. Throws what the entry turns into an exit code: ConfigError (the
 * database or the roles folder cannot be used), MigrationError, RequiredPluginError; the database is
 * closed again when one is thrown.
 */
export async function startServer(config: Config, log: Logger, startedAt = Date.now()): Promise<RunningServer> {
  const db = await createDb(config.database);
  let schemaVersion: string | null;
  let services: Services;
  let plugins: LoadedPlugins;
  let seededMembers = 0;
  try {
    ({ schemaVersion } = await migrateToLatest(db.kysely));
    plugins = await loadPlugins(
      config.plugins.map((entry) => pluginSource(entry)),
      { log: log.child({ module: 'plugins' }), db: db.kysely, required: config.requiredPlugins },
    );
    services = createServices({
      db,
      log,
      publicUrl: config.publicUrl,
      webhookAllowHosts: config.webhookAllowHosts,
      plugins,
    });
    ({ seededMembers } = await loadRolesAtStart(config.rolesDir, services, log, { demoMembers: config.demoMembers }));
  } catch (error) {
    await db.close();
    throw error;
  }
  closeOperationRegistry();
  await services.boards.ensureTemplates();
  await services.start();
  // A new demo database: the plugins' first cards, after start so their hooks hear them.
  if (seededMembers > 0)
    await seedPluginDemos({ ...services, plugins: plugins.plugins, log: log.child({ module: 'plugins' }) });
  // Every process runs it: the unique key per duty, person and period makes each card exactly once.
  const duties = createDutyScheduler({ services, log: log.child({ module: 'duties' }) });
  duties.start();
  const escalations = createEscalationScheduler({
    db,
    org: services.org,
    onActivated: services.onActivated,
    engine: services.engine,
    schedules: services.schedules,
    announce: services.events.announce,
    log: log.child({ module: 'escalation' }),
  });
  escalations.start();
  const webhooks = createWebhookDispatcher({
    db,
    log: log.child({ module: 'webhooks' }),
    targets: services.webhookTargets,
    channels: services.channels,
  });
  webhooks.start(5_000);

  const site = createSite({
    publicUrl: config.publicUrl,
    bindHost: config.host,
    port: config.port,
    allowedHosts: config.allowedHosts,
  });
  const app = createApp({ services, log, schemaVersion, startedAt, uiDir, trustProxy: config.trustProxy, site });
  const server = await startHttpServer(app, { port: config.port, host: config.host });
  site.listening(server.port);
  const sockets = attachBoardSockets(server.server, services, log.child({ module: 'live' }), { site });
  const housekeeping = setInterval(() => {
    db.housekeeping().catch((error: unknown) => log.warn({ err: error }, 'database housekeeping failed'));
  }, HOUSEKEEPING_EVERY_MS);
  log.info(
    {
      url: server.url,
      port: server.port,
      hosts: site.hostNames,
      database: db.kind,
      schemaVersion,
      startupMs: Date.now() - startedAt,
    },
    `Dutyboard is listening on ${server.url}`,
  );
  // After listening, so the password check does not delay the start.
  void warnAboutDemoPasswords((await services.org.active()).definition.members, services.users, log).catch(
    (error: unknown) => log.warn({ err: error }, 'could not check for accounts with the demo password'),
  );

  return {
    url: server.url,
    async stop(graceMs) {
      clearInterval(housekeeping);
      sockets.close();
      const finished = await server.stop(graceMs);
      if (!finished) log.warn('requests still running after the grace period were cut');
      await duties.stop();
      await escalations.stop();
      await webhooks.stop();
      await services.stop();
      await db.close();
    },
  };
}
