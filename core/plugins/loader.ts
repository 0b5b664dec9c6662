// Loads the configured plugins: imports each, checks it against the contract and the core, orders them
// by their dependencies, registers their JsonLogic operations and applies their migrations. A plugin
// that fails is reported (GET /api/plugins) and left out while the rest run; a required one stops the start.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Kysely } from 'kysely';
import { CORE_PERMISSIONS } from '../auth/permissions.ts';
import type { Database } from '../db/schema.ts';
import type { Logger } from '../logger.ts';
import { registerOperation } from '../rules/json-logic.ts';
import { checkPlugin, inRange } from './check-plugin.ts';
import { PLUGIN_ACTION } from '../org/format.schema.ts';
import { parseManifest, PluginDefinitionError, type ParsedPlugin } from './contract.ts';
import { migratePlugin } from './plugin-migrations.ts';

/** Where a plugin comes from: its PLUGINS entry and how to import it. */
export interface PluginSource {
  entry: string;
  load(): Promise<unknown>;
}

export interface PluginStatus {
  /** The plugin's id, or its PLUGINS entry when it failed before saying one. */
  id: string;
  entry: string;
  version: string | null;
  name: { 'zh-CN': string; en: string } | null;
  status: 'loaded' | 'failed';
  error?: string;
}

export interface LoadedPlugins {
  /** In dependency order. */
  plugins: ParsedPlugin[];
  statuses: PluginStatus[];
}

/** A required plugin (PLUGINS_REQUIRED) did not load; main exits with code 2. */
export class RequiredPluginError extends Error {
  override readonly name = 'RequiredPluginError';
}

export const CORE_VERSION: string = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
).version;

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Running as the esbuild bundle (dist/server/main.mjs), where no TypeScript is compiled at run time. */
const BUNDLED = !import.meta.url.endsWith('.ts');

/** The bundle bin/prepare.mjs made of a plugin folder shipped in plugins/, when the server runs bundled. */
function bundledPlugin(folder: string): string | undefined {
  const relative = path.relative(PROJECT_ROOT, folder);
  if (!BUNDLED || !relative.startsWith(`plugins${path.sep}`)) return undefined;
  const bundle = path.join(PROJECT_ROOT, 'dist', 'server', relative, 'index.mjs');
  return existsSync(bundle) ? bundle : undefined;
}

/** A PLUGINS entry: a local path (./…, ../…, /…) relative to the working folder, or a package name. */
export function pluginSource(entry: string, cwd = process.cwd()): PluginSource {
  const local = /^(\.{1,2}\/|\/)/.test(entry);
  if (!local) return { entry, load: () => import(entry) };
  const target = path.resolve(cwd, entry);
  const file = /\.[cm]?[jt]s$/.test(entry) ? target : (bundledPlugin(target) ?? path.join(target, 'index.ts'));
  return { entry, load: () => import(pathToFileURL(file).href) };
}

const noPlugins = (): LoadedPlugins => ({ plugins: [], statuses: [] });

/** `db`: where the plugins' migrations are applied (left out, none are: the loader's own tests). */
export async function loadPlugins(
  sources: PluginSource[],
  options: { log: Logger; db?: Kysely<Database>; required?: readonly string[]; coreVersion?: string },
): Promise<LoadedPlugins> {
  if (sources.length === 0) return noPlugins();
  const coreVersion = options.coreVersion ?? CORE_VERSION;
  const statuses: PluginStatus[] = [];
  const candidates = new Map<string, { plugin: ParsedPlugin; status: PluginStatus }>();
  const fail = (status: PluginStatus, error: string) => Object.assign(status, { status: 'failed', error });

  for (const source of sources) {
    const status: PluginStatus = { id: source.entry, entry: source.entry, version: null, name: null, status: 'loaded' };
    statuses.push(status);
    try {
      const module = (await source.load()) as { default?: unknown };
      const plugin = parseManifest(module.default ?? module);
      Object.assign(status, { id: plugin.id, version: plugin.version, name: plugin.name });
      if (plugin.id === 'core') throw new Error('id: "core" belongs to core');
      if (candidates.has(plugin.id))
        throw new Error(`id: "${plugin.id}" is also the id of ${candidates.get(plugin.id)!.status.entry}`);
      if (!inRange(coreVersion, plugin.core))
        throw new Error(`core: needs core ${plugin.core}, this is ${coreVersion}`);
      candidates.set(plugin.id, { plugin, status });
    } catch (error) {
      if (error instanceof PluginDefinitionError && error.pluginId) status.id = error.pluginId;
      fail(status, errorText(status.id, error));
    }
  }

  // Dependencies first; a plugin whose dependency is missing or failed fails too.
  const ordered: ParsedPlugin[] = [];
  const visiting = new Set<string>();
  const visit = (id: string): boolean => {
    const candidate = candidates.get(id);
    if (!candidate || candidate.status.status === 'failed') return false;
    if (ordered.includes(candidate.plugin)) return true;
    if (visiting.has(id))
      return !fail(candidate.status, `plugin "${id}": dependsOn: a dependency cycle leads back to it`);
    visiting.add(id);
    for (const dependency of candidate.plugin.dependsOn ?? []) {
      if (!visit(dependency)) {
        if ((candidate.status.status as string) !== 'failed')
          fail(candidate.status, `plugin "${id}": dependsOn: plugin "${dependency}" is not loaded`);
        return false;
      }
    }
    // Operations first: the plugin's own guards may use them. (They stay registered if a later check
    // fails; only this plugin's namespace names them, and its task types are not loaded.)
    try {
      for (const operation of candidate.plugin.operations ?? []) registerOperation(id, operation.name, operation.fn);
    } catch (error) {
      return !fail(candidate.status, errorText(id, error));
    }
    const permissions = new Set([
      ...Object.keys(CORE_PERMISSIONS),
      ...[candidate.plugin, ...ordered].flatMap((p) => (p.permissions ?? []).map((x) => x.id)),
    ]);
    const fieldTypes = new Set(
      [candidate.plugin, ...ordered].flatMap((p) => (p.fieldTypes ?? []).map((type) => type.id)),
    );
    const problem =
      checkPlugin(candidate.plugin, permissions, fieldTypes) ??
      escalationClash(candidate.plugin, ordered) ??
      unknownAction(candidate.plugin, ordered);
    if (problem) return !fail(candidate.status, `plugin "${id}": ${problem}`);
    ordered.push(candidate.plugin);
    return true;
  };
  for (const id of candidates.keys()) visit(id);

  // In dependency order, so a plugin whose dependency's migrations failed fails too.
  const migrated: ParsedPlugin[] = [];
  for (const plugin of ordered) {
    const status = candidates.get(plugin.id)!.status;
    const lost = plugin.dependsOn?.find((dependency) => !migrated.some((p) => p.id === dependency));
    if (lost) {
      fail(status, `plugin "${plugin.id}": dependsOn: plugin "${lost}" is not loaded`);
      continue;
    }
    try {
      const applied = options.db ? await migratePlugin(options.db, plugin) : [];
      if (applied.length) options.log.info({ plugin: plugin.id, migrations: applied }, 'plugin migrations applied');
      migrated.push(plugin);
    } catch (error) {
      fail(status, errorText(plugin.id, error));
    }
  }

  for (const status of statuses) {
    if (status.status === 'failed')
      options.log.error({ plugin: status.id, entry: status.entry }, `plugin not loaded: ${status.error}`);
    else options.log.info({ plugin: status.id, version: status.version }, 'plugin loaded');
  }
  const required = new Set(options.required ?? []);
  const missing = statuses.filter(
    (status) => status.status === 'failed' && (required.has(status.id) || required.has(status.entry)),
  );
  if (missing.length)
    throw new RequiredPluginError(
      `required plugin failed to load: ${missing.map((status) => status.error).join('; ')}`,
    );
  return { plugins: migrated, statuses };
}

/** Escalation ids are one namespace across an organisation and its plugins: a roles file overrides them by id. */
function escalationClash(plugin: ParsedPlugin, loaded: readonly ParsedPlugin[]): string | undefined {
  for (const [i, escalation] of plugin.escalations.entries()) {
    const other = loaded.find((p) => p.escalations.some((e) => e.id === escalation.id));
    if (other) return `escalations.${i}.id: escalation "${escalation.id}" is also declared by plugin "${other.id}"`;
  }
  return undefined;
}

/** A default escalation's plugin actions are the plugin's own or a dependency's. */
function unknownAction(plugin: ParsedPlugin, loaded: readonly ParsedPlugin[]): string | undefined {
  const known = new Set(
    [plugin, ...loaded.filter((p) => plugin.dependsOn?.includes(p.id))].flatMap((p) =>
      (p.escalationActions ?? []).map((action) => `${p.id}.${action.name}`),
    ),
  );
  for (const [i, escalation] of plugin.escalations.entries()) {
    for (const [l, level] of escalation.levels.entries()) {
      for (const [k, action] of level.then.entries()) {
        const named = PLUGIN_ACTION.exec(action)?.groups;
        if (named && !known.has(`${named.plugin}.${named.name}`))
          return `escalations.${i}.levels.${l}.then.${k}: unknown escalation action "${named.plugin}.${named.name}" (neither this plugin's nor a dependency's)`;
      }
    }
  }
  return undefined;
}

function errorText(id: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.startsWith('plugin "') ? message : `plugin "${id}": ${message}`;
}
