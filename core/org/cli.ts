// `npm run roles -- validate [--json] <file|dir>`, `npm run roles -- diff <a> <b>` and
// `npm run roles -- export <dir>`: for leads who keep their roles in git. validate prints
// `file:line:col kind message` and exits 1 on errors (a plugin's default escalation the organisation cannot
// staff is a notice, not an error); export writes the active version's files.
import { ConfigError, loadConfig } from '../config.ts';
import { createDb, type Db } from '../db/create-db.ts';
import { createLogger } from '../logger.ts';
import { loadPlugins, pluginSource } from '../plugins/loader.ts';
import { catalogueWith } from './catalogue.ts';
import { escalationRules } from './escalation-rules.ts';
import { exportVersion } from './export-version.ts';
import { diffOrgs, formatDiff } from './diff.ts';
import { loadOrg } from './load-org.ts';
import { formatOrgError } from './org-error.ts';
import { readRoleSources } from './read-sources.ts';

const USAGE =
  'usage: roles validate [--json] <file|dir>\n       roles diff <file|dir> <file|dir>\n       roles export <dir>   (the active version, from DATABASE_URL or DATA_DIR)';

// Validated against the plugins the server would load (PLUGINS), so their task types and permissions are known.
const plugins = await loadPlugins(
  loadConfig().plugins.map((entry) => pluginSource(entry)),
  { log: createLogger({ logLevel: 'silent', logFormat: 'json' }) },
);
const catalogue = catalogueWith(plugins.plugins);

function load(target: string) {
  try {
    return loadOrg(readRoleSources(target), catalogue);
  } catch (error) {
    process.stderr.write(`roles: cannot read ${target}: ${(error as Error).message}\n`);
    process.exit(2);
  }
}

const [command, ...rest] = process.argv.slice(2);
const json = rest.includes('--json');
const targets = rest.filter((arg) => arg !== '--json');

if (command === 'validate' && targets.length === 1) {
  const result = load(targets[0]!);
  const inactive = result.ok
    ? escalationRules(result.definition, catalogue.escalations).defaults.filter((state) => state.missing.length)
    : [];
  if (json) process.stdout.write(`${JSON.stringify({ ok: result.ok, errors: result.errors, inactive }, null, 2)}\n`);
  else if (result.ok) {
    const { roles, departments } = result.definition;
    process.stdout.write(`${targets[0]}: valid (${departments.length} departments, ${roles.length} roles)\n`);
    for (const state of inactive)
      process.stdout.write(
        `notice: plugin "${state.plugin}"'s escalation "${state.id}" is inactive here: ${state.reason}; to use it, override it under a role (escalations: [{id: ${state.id}, …}])\n`,
      );
  } else process.stdout.write(`${result.errors.map(formatOrgError).join('\n')}\n${result.errors.length} error(s)\n`);
  process.exit(result.ok ? 0 : 1);
} else if (command === 'diff' && targets.length === 2) {
  const [before, after] = targets.map(load);
  for (const [target, result] of [
    [targets[0], before],
    [targets[1], after],
  ] as const) {
    if (!result!.ok) {
      process.stdout.write(`${target} is not valid:\n${result!.errors.map(formatOrgError).join('\n')}\n`);
      process.exit(1);
    }
  }
  if (before!.ok && after!.ok) process.stdout.write(`${formatDiff(diffOrgs(before!.definition, after!.definition))}\n`);
} else if (command === 'export' && targets.length === 1) {
  await exportActive(targets[0]!);
} else {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}

/** The database the server uses (the embedded one serves one process: stop the server first). */
async function exportActive(dir: string): Promise<void> {
  let db: Db;
  try {
    db = await createDb(loadConfig().database);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`roles: ${error.message}\n`);
    process.exit(2);
  }
  try {
    const exported = await exportVersion(db.kysely, dir);
    if (!exported) {
      process.stderr.write('roles: no organisation version is stored yet; nothing to export\n');
      process.exit(1);
    }
    process.stdout.write(`version ${exported.versionId} written to ${dir}: ${exported.written.join(', ')}\n`);
    if (exported.strangers.length) {
      process.stdout.write(
        `${dir} also holds ${exported.strangers.join(', ')}, which version ${exported.versionId} does not have; remove them, or the folder will not import as that version\n`,
      );
      process.exitCode = 1;
    }
  } finally {
    await db.close();
  }
}
