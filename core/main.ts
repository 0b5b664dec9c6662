// The process entry: reads the configuration, starts the server the composition root (core/compose.ts)
// puts together, turns what stops a start into an exit code, and stops gracefully on signals.
import { type Config, ConfigError, loadConfig } from './config.ts';
import { MigrationError } from './db/migrate.ts';
import { createLogger, type Logger } from './logger.ts';
import { RequiredPluginError } from './plugins/loader.ts';
import { type RunningServer, startServer } from './compose.ts';

const SHUTDOWN_GRACE_MS = 4000;

function exitWithConfigError(error: ConfigError): never {
  process.stderr.write(`dutyboard: ${error.message}\n`);
  process.exit(2);
}

/**
 * The last line of defence: every listener contains its own errors, and a slip that escapes one (a
 * client's request, upgrade or frame reaching code that throws) is logged instead of taking every
 * other person's connection down with the process.
 */
function containStrayErrors(log: Logger): void {
  process.on('uncaughtException', (error) => log.error({ err: error }, 'uncaught exception; the server keeps running'));
  process.on('unhandledRejection', (reason) =>
    log.error({ err: reason }, 'unhandled promise rejection; the server keeps running'),
  );
}

/** Exit 2: the configuration (a variable, the database's address, the roles folder, a required plugin); exit 1: a migration. */
async function start(config: Config, log: Logger, startedAt: number): Promise<RunningServer> {
  try {
    return await startServer(config, log, startedAt);
  } catch (error) {
    if (error instanceof ConfigError) exitWithConfigError(error);
    if (error instanceof RequiredPluginError)
      exitWithConfigError(new ConfigError(`${error.message}. Fix the plugin, or take it out of PLUGINS_REQUIRED.`));
    if (error instanceof MigrationError) {
      log.fatal({ migration: error.migration, err: error.cause }, error.message);
      process.exit(1);
    }
    throw error;
  }
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
  const server = await start(config, log, startedAt);

  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    await server.stop(SHUTDOWN_GRACE_MS);
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
