// Entry point: config → logger → database → migrations → HTTP server, and a graceful stop on signals.
import { type Config, ConfigError, loadConfig } from './config.ts';
import { createDb } from './db/create-db.ts';
import { migrateToLatest, MigrationError } from './db/migrate.ts';
import { createDutyScheduler } from './duties/duty-scheduler.ts';
import { createEscalationScheduler } from './escalation/escalation-scheduler.ts';
import { createWebhookDispatcher } from './notifications/webhook-outbox.ts';
import { attachBoardSockets } from './events/board-socket.ts';
import { createApp } from './http/app.ts';
import { startHttpServer } from './http/server.ts';
import { createSite } from './http/site.ts';
import { createLogger } from './logger.ts';
import { loadRolesAtStart } from './org/load-at-start.ts';
import { warnAboutDemoPasswords } from './auth/seed-members.ts';
import { closeOperationRegistry } from './rules/json-logic.ts';
import { uiDir } from './paths.ts';
import { createServices } from './services.ts';
import { type LoadedPlugins, loadPlugins, pluginSource, RequiredPluginError } from './plugins/loader.ts';
import { seedPluginDemos } from './plugins/demo-data.ts';

const SHUTDOWN_GRACE_MS = 4000;
const HOUSEKEEPING_EVERY_MS = 5 * 60_000;

function exitWithConfigError(error: ConfigError): never {
  process.stderr.write(`dutyboard: ${error.message}\n`);
  process.exit(2);
}

/**
 * The last line of defence: every listener contains its own errors, and a slip that escapes one (a
 * client's request, upgrade or frame reaching code that throws) is logged instead of taking every
 * other person's connection down with the process.
 */
function containStrayErrors(log: ReturnType<typeof createLogger>): void {
  process.on('uncaughtException', (error) => log.error({ err: error }, 'uncaught exception; the server keeps running'));
  process.on('unhandledRejection', (reason) =>
    log.error({ err: reason }, 'unhandled promise rejection; the server keeps running'),
  );
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) exitWithConfigError(error);
    throw error;
  }
  const log = createLogger(config);
  containStrayErrors(log);

  const db = await createDb(config.database).catch((error: unknown) => {
    if (error instanceof ConfigError) exitWithConfigError(error);
    throw error;
  });
  let schemaVersion: string | null;
  try {
    ({ schemaVersion } = await migrateToLatest(db.kysely));
  } catch (error) {
    if (!(error instanceof MigrationError)) throw error;
    log.fatal({ migration: error.migration, err: error.cause }, error.message);
    await db.close();
    process.exit(1);
  }

  let plugins: LoadedPlugins;
  try {
    plugins = await loadPlugins(
      config.plugins.map((entry) => pluginSource(entry)),
      { log: log.child({ module: 'plugins' }), db: db.kysely, required: config.requiredPlugins },
    );
  } catch (error) {
    if (!(error instanceof RequiredPluginError)) throw error;
    await db.close();
    exitWithConfigError(new ConfigError(`${error.message}. Fix the plugin, or take it out of PLUGINS_REQUIRED.`));
  }
  const services = createServices({
    db,
    log,
    publicUrl: config.publicUrl,
    webhookAllowHosts: config.webhookAllowHosts,
    plugins,
  });
  let seededMembers = 0;
  try {
    ({ seededMembers } = await loadRolesAtStart(config.rolesDir, services, log, { demoMembers: config.demoMembers }));
  } catch (error) {
    await db.close();
    if (error instanceof ConfigError) exitWithConfigError(error);
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

  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    clearInterval(housekeeping);
    sockets.close();
    const finished = await server.stop(SHUTDOWN_GRACE_MS);
    if (!finished) log.warn('requests still running after the grace period were cut');
    await duties.stop();
    await escalations.stop();
    await webhooks.stop();
    await services.stop();
    await db.close();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`dutyboard: failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
