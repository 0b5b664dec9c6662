// The layering rules `npm run lint:deps` checks (CI runs it after the type-check). The layers, top down:
//   the process entry (core/main.ts): config, signals, exit codes; it starts the composition root;
//   the composition root (core/compose.ts): wires everything, imported by none but the entry;
//   http: core/http/, every *.routes.ts, the live sockets' door and the mounting of plugins' routes;
//   services and the rest of each module's domain code;
//   repositories: *.repository.ts;
//   db: core/db/ (core/db/schema.ts names no domain type: modules add their jsonb shapes to JsonShapes);
//   foundation, usable from any layer: config, errors, logger, paths, host names, input schemas, the TTL cache.
// Plugins reach core only through #plugin-api (core/plugins/api.ts), and their UI modules (ui.tsx) the web
// app only through #plugin-ui (ui/src/plugins/api.ts); core never reaches a plugin.
// Type-only imports count too: a type that crosses a layer upward is a dependency all the same.

const ROOT = '^core/compose\\.ts$';
const ENTRY = '^core/main\\.ts$';
// Besides core/http/ and the *.routes.ts files: the live sockets' door, and the mounting of plugins' routes.
const HTTP = ['^core/http/', '\\.routes\\.ts$', '^core/events/board-socket\\.ts$', '^core/plugins/mount-routes\\.ts$'];
// Response schemas and list cursors describe the API; the services build what they describe, so they
// sit beside the domain's own schemas rather than in the http layer.
const API_DEFINITIONS = '^core/http/(output\\.schemas|page)\\.ts$';
const FOUNDATION = '^core/(config|errors|logger|paths|host-names|input\\.schemas|ttl-cache)\\.ts$';
const TEST_CODE = ['\\.test\\.tsx?$', '^tests/', '^bench/'];
const PLUGIN_APIS = '^(core/plugins/api\\.ts|ui/src/plugins/api\\.ts)$';
// A plugin's UI module: its folder's ui.tsx or ui/, or a file plugin's x.ui.tsx.
const PLUGIN_UI = '^plugins/.*(/ui\\.tsx|/ui/|\\.ui\\.tsx)';

// No exceptions. Fix the import rather than add one; one that cannot wait gets its own line here with its reason.

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Modules import each other in one direction only; a cycle makes both load, test and change together.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'composition-root-imported-by-none',
      comment:
        'Only the entry (core/main.ts) uses the root; modules get what they need as parameters, typed by the modules that provide it. Tests and benchmarks may build it.',
      severity: 'error',
      from: { path: '^(core|plugins|ui|migrations)/', pathNot: ENTRY },
      to: { path: ROOT },
    },
    {
      name: 'entry-only-starts-the-root',
      comment:
        "The process entry reads the configuration, starts the root and maps what stops a start to an exit code (the errors of the migrator and the plugin loader); the wiring is the root's.",
      severity: 'error',
      from: { path: ENTRY },
      to: {
        path: '^core/',
        pathNot: [ROOT, FOUNDATION, '^core/db/migrate\\.ts$', '^core/plugins/loader\\.ts$'],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'core-never-imports-plugins',
      comment: 'Core is a generic engine: plugins are loaded by configuration, never imported.',
      severity: 'error',
      from: { path: '^core/' },
      to: { path: '^plugins/' },
    },
    {
      name: 'plugins-use-only-plugin-api',
      comment:
        "A plugin sees core through the contract (#plugin-api, core/plugins/api.ts) and the web app through #plugin-ui (ui/src/plugins/api.ts) only; the rest may change without notice. Its tests may use core's test helpers.",
      severity: 'error',
      from: { path: '^plugins/', pathNot: TEST_CODE },
      to: { path: '^(core|migrations|ui|tests|bench)/', pathNot: PLUGIN_APIS },
    },
    {
      name: 'plugins-import-plugin-api-by-name',
      comment:
        "Plugins write `import … from '#plugin-api'` (or '#plugin-ui'), not a relative path into core or the UI.",
      severity: 'error',
      from: { path: '^plugins/' },
      to: { path: PLUGIN_APIS, dependencyTypesNot: ['aliased-subpath-import'] },
    },
    {
      name: 'plugin-manifest-without-ui',
      comment: 'The server imports a plugin with Node alone: only its UI module (ui.tsx) may use Solid or #plugin-ui.',
      severity: 'error',
      from: { path: '^plugins/', pathNot: [PLUGIN_UI, ...TEST_CODE] },
      to: { path: ['^ui/', '^(node_modules/)?solid-js', PLUGIN_UI] },
    },
    {
      name: 'db-below-the-domain',
      comment:
        'The database layer knows tables, not domain modules (not even their types); it may use the foundation and the migrations.',
      severity: 'error',
      from: { path: '^core/db/' },
      to: { path: '^core/', pathNot: ['^core/db/', FOUNDATION] },
    },
    {
      name: 'migrations-stand-alone',
      comment: 'A migration is history: it must not change when core code does, so it imports nothing from core.',
      severity: 'error',
      from: { path: '^migrations/' },
      to: { path: '^(core|plugins|ui)/' },
    },
    {
      name: 'repositories-below-services',
      comment: 'Repositories serve services; they never call a service, a route or the http layer.',
      severity: 'error',
      from: { path: '\\.repository\\.ts$' },
      to: { path: ['\\.service\\.ts$', ...HTTP], pathNot: API_DEFINITIONS },
    },
    {
      name: 'domain-below-http',
      comment: 'Services and domain code do not know HTTP: routes call them, not the other way round.',
      severity: 'error',
      from: { path: '^core/', pathNot: [...HTTP, ROOT] },
      to: { path: HTTP, pathNot: API_DEFINITIONS },
    },
    {
      name: 'foundation-imports-no-module',
      comment: 'Configuration, errors, logging and the shared schemas sit under every module, so they import none.',
      severity: 'error',
      from: { path: FOUNDATION },
      to: { path: '^(core/[^/]+/|plugins/|ui/)' },
    },
    {
      name: 'ui-reads-only-the-api-contract',
      comment:
        'The UI knows the server through core/http/contract.ts, and only its types (nothing of the server is bundled).',
      severity: 'error',
      from: { path: '^ui/' },
      to: { path: '^(core|migrations|tests|bench)/', pathNot: '^core/http/contract\\.ts$' },
    },
    {
      name: 'ui-contract-types-only',
      comment: 'A value import of the contract would bundle server code into the browser.',
      severity: 'error',
      from: { path: '^ui/' },
      to: { path: '^core/http/contract\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'server-never-imports-ui',
      severity: 'error',
      from: { path: '^(core|migrations)/' },
      to: { path: '^ui/' },
    },
    {
      name: 'no-test-code-in-the-product',
      severity: 'error',
      from: { path: '^(core|plugins|ui|migrations)/', pathNot: TEST_CODE },
      to: { path: TEST_CODE },
    },
    {
      name: 'product-runs-on-dependencies',
      comment:
        'What the server runs is installed by `npm ci --omit=dev` too: no devDependency outside tests and types.',
      severity: 'error',
      from: { path: '^(core|plugins|migrations)/', pathNot: TEST_CODE },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // The plugin UI registry is written from PLUGINS at build time (bin/plugin-ui-registry.mjs), like dist/.
    exclude: { path: ['^(node_modules|dist)/', '^ui/src/plugins/registry\\.generated\\.js$'] },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.d.ts'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
