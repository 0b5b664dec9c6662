// Builds what `npm start` runs, only when its sources changed since the last build (each output keeps
// the hash of its sources): the UI (vite), the server bundle (esbuild: no TypeScript compiled at run
// time) and the migrated empty embedded database a new DATA_DIR starts from. Runs at install
// (postinstall) and before every start. Plain JavaScript, so it needs nothing compiled itself.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configuredPlugins, REGISTRY_FILE, uiModuleOf } from './plugin-ui-registry.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const SKIP = new Set(['node_modules', 'dist', '.git']);

/** Every file under `entries` (files or folders, relative to the root), hashed with its path. */
function hashOf(entries, accept = () => true) {
  const hash = createHash('sha256');
  const visit = (relative) => {
    const full = path.join(root, relative);
    if (!existsSync(full)) return;
    if (statSync(full).isDirectory()) {
      for (const name of readdirSync(full).sort()) if (!SKIP.has(name)) visit(path.join(relative, name));
    } else if (accept(relative)) {
      hash.update(`${relative}\0`).update(readFileSync(full)).update('\0');
    }
  };
  for (const entry of entries) visit(entry);
  return hash.digest('hex');
}

const stamp = (file) => (existsSync(file) ? readFileSync(file, 'utf8').trim() : '');

/** Runs `build` when the sources' hash differs from the one stored with the last build. */
async function step(name, stampFile, sources, build, log) {
  if (stamp(stampFile) === sources) return false;
  const started = performance.now();
  await build();
  mkdirSync(path.dirname(stampFile), { recursive: true });
  writeFileSync(stampFile, `${sources}\n`);
  log(`${name} built in ${Math.round(performance.now() - started)} ms`);
  return true;
}

const notTest = (file) => !/\.test\.tsx?$/.test(file);

/**
 * The plugins shipped in plugins/ (each folder with an index.ts, examples included), bundled beside the
 * server as dist/server/plugins/<folder>/index.mjs: the loader takes those when the server runs bundled.
 */
function pluginEntries() {
  const entries = {};
  const visit = (relative) => {
    for (const name of readdirSync(path.join(root, relative)).sort()) {
      const folder = path.join(relative, name);
      if (!statSync(path.join(root, folder)).isDirectory()) continue;
      if (existsSync(path.join(root, folder, 'index.ts'))) entries[`${folder}/index`] = `${folder}/index.ts`;
      else visit(folder);
    }
  };
  if (existsSync(path.join(root, 'plugins'))) visit('plugins');
  return entries;
}

export async function prepare({ log = (line) => process.stderr.write(`prepare: ${line}\n`) } = {}) {
  const lock = ['package-lock.json'];
  // The UI: whatever ui/ holds (but the plugin registry the build writes), the Vite config (whichever name
  // it has), the installed versions, and the configured plugins (PLUGINS) with the files of their UI.
  const viteConfigs = readdirSync(root).filter((name) => /^vite\.config\.[cm]?[jt]s$/.test(name));
  const plugins = configuredPlugins();
  const pluginUi = plugins
    .map((entry) => uiModuleOf(entry)?.source)
    .filter(Boolean)
    .map((source) => path.relative(root, source));
  const registry = path.relative(root, REGISTRY_FILE);
  const uiSources = createHash('sha256')
    .update(hashOf(['ui', ...viteConfigs, ...lock, ...pluginUi], (file) => file !== registry))
    .update(plugins.join('\n'))
    .digest('hex');
  await step(
    'UI',
    path.join(dist, 'ui-build.hash'),
    uiSources,
    async () => {
      const { build } = await import('vite');
      // The config's paths are relative to the working directory, as for `vite build`.
      const cwd = process.cwd();
      process.chdir(root);
      try {
        await build({ configFile: viteConfigs[0] ? path.join(root, viteConfigs[0]) : false, logLevel: 'warn' });
      } finally {
        process.chdir(cwd);
      }
    },
    log,
  );

  const migrations = hashOf(['migrations'], notTest);
  const serverSources = hashOf(['core', 'migrations', 'plugins', 'tsconfig.json', ...lock], notTest);
  await step(
    'server bundle',
    path.join(dist, 'server', 'build.hash'),
    serverSources,
    async () => {
      const esbuild = await import('esbuild');
      await esbuild.build({
        absWorkingDir: root,
        entryPoints: {
          main: 'core/main.ts',
          'pglite-init': 'core/db/pglite-init.ts',
          'pglite-template': 'core/db/pglite-template.ts',
          ...pluginEntries(),
        },
        outdir: 'dist/server',
        outExtension: { '.js': '.mjs' },
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        // Packages stay in node_modules (PGlite finds its WebAssembly next to itself).
        packages: 'external',
        sourcemap: 'linked',
        logLevel: 'warning',
      });
    },
    log,
  );

  const pglite = JSON.parse(
    readFileSync(path.join(root, 'node_modules/@electric-sql/pglite/package.json'), 'utf8'),
  ).version;
  const templateDir = path.join(dist, 'pglite');
  await step(
    'embedded database template',
    path.join(templateDir, 'build.hash'),
    createHash('sha256').update(`${pglite}\0${migrations}`).digest('hex'),
    async () => {
      // In a child: initdb leaves hundreds of MB of WebAssembly memory behind in the process that ran it.
      const run = spawnSync(
        process.execPath,
        [
          'dist/server/pglite-template.mjs',
          path.join(templateDir, 'template.tar.gz'),
          path.join(templateDir, 'template.json'),
          migrations,
        ],
        { cwd: root, stdio: 'inherit' },
      );
      if (run.status !== 0) throw new Error(`building the embedded database template failed (exit ${run.status})`);
    },
    log,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const atInstall = process.argv.includes('--at-install');
  try {
    await prepare();
  } catch (error) {
    // At install a half-written UI must not fail `npm install`: `npm start` builds it again and says why.
    if (!atInstall) throw error;
    process.stderr.write(
      `prepare: not built at install (${error instanceof Error ? error.message : String(error)}); npm start will try again\n`,
    );
  }
}
