// The contract suite every plugin runs from a `<plugin>.case.test.ts` beside it (as Hono runs one router
// suite against every router): its manifest holds, it loads on every database, its migrations apply and
// apply again as a no-op, every state of its workflows is reachable, its guards compile and its escalation
// fixtures pass (the loader's checks), and its routes are mounted with a permission that exists.
import { describe, expect, it } from 'vitest';
import { DEFAULT_PLUGINS } from '../../core/config.ts';
import { CORE_PERMISSIONS } from '../../core/auth/permissions.ts';
import { migrateToLatest } from '../../core/db/migrate.ts';
import { parseManifest, type ParsedPlugin } from '../../core/plugins/contract.ts';
import { loadPlugins, pluginSource } from '../../core/plugins/loader.ts';
import { migratePlugin } from '../../core/plugins/plugin-migrations.ts';
import { testDatabases } from './databases.ts';
import { memoryLogger } from './silent-logger.ts';
import { createTestApp } from './test-app.ts';

/** States no transition leads to from the initial one. */
function unreachableStates(plugin: ParsedPlugin): string[] {
  return plugin.taskTypes.flatMap((type) => {
    const reached = new Set([type.workflow.initial]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const { from, to } of type.workflow.transitions)
        if (reached.has(from) && !reached.has(to)) grew = reached.add(to).size > 0;
    }
    return type.workflow.states.filter((state) => !reached.has(state.id)).map((state) => `${type.id}: ${state.id}`);
  });
}

/**
 * `entry`: the plugin as a PLUGINS entry (`./plugins/examples/warehouse`); `dependencies`: entries of the
 * plugins it depends on, loaded before it.
 */
export function pluginContractCases(entry: string, dependencies: string[] = []): void {
  describe(`the plugin contract: ${entry}`, () => {
    it('has a manifest that holds the contract, and every state of its workflows is reachable', async () => {
      const plugin = parseManifest(((await pluginSource(entry).load()) as { default: unknown }).default);
      expect(unreachableStates(plugin)).toEqual([]);
    });

    describe.each(testDatabases)('on $kind', (database) => {
      it('loads (guards compile, escalation fixtures pass), migrates once, and mounts its routes with known permissions', async () => {
        const t = await createTestApp(database, undefined, {
          // The demo roles use the default plugins' types, so those load too.
          plugins: [...new Set([...DEFAULT_PLUGINS, ...dependencies, entry])].map((source) => pluginSource(source)),
        });
        try {
          const status = t.services.plugins.statuses.find((candidate) => candidate.entry === entry)!;
          expect(status, status.error).toMatchObject({ status: 'loaded' });
          const plugin = t.services.plugins.plugins.find((loaded) => loaded.id === status.id)!;
          expect(await migratePlugin(t.db.kysely, plugin)).toEqual([]);
          const applied = await t.db.kysely
            .selectFrom('plugin_migrations')
            .select('name')
            .where('plugin_id', '=', plugin.id)
            .orderBy('name')
            .execute();
          expect(applied.map((row) => row.name)).toEqual(Object.keys(plugin.migrations ?? {}).sort());

          const known = new Set([
            ...Object.keys(CORE_PERMISSIONS),
            ...t.services.plugins.plugins.flatMap((p) => (p.permissions ?? []).map((x) => x.id)),
          ]);
          const mounted = new Set(t.app.routes.map((route) => `${route.method} ${route.path}`));
          for (const route of plugin.routes ?? []) {
            expect(known.has(route.permission), `${route.method} ${route.path} needs "${route.permission}"`).toBe(true);
            expect(
              mounted.has(`${route.method} /api/plugins/${plugin.id}${route.path === '/' ? '' : route.path}`),
              route.path,
            ).toBe(true);
          }
        } finally {
          await t.dispose();
        }
      });

      it('loads on a database where it has already run (a restart)', async () => {
        const db = await database.create();
        try {
          await migrateToLatest(db.kysely);
          const sources = () => [...dependencies, entry].map((source) => pluginSource(source));
          const first = await loadPlugins(sources(), { log: memoryLogger().log, db: db.kysely });
          expect(
            first.statuses.every((status) => status.status === 'loaded'),
            JSON.stringify(first.statuses),
          ).toBe(true);
          const again = await loadPlugins(sources(), { log: memoryLogger().log, db: db.kysely });
          expect(again.statuses.map((status) => status.status)).toEqual(first.statuses.map((status) => status.status));
        } finally {
          await db.dispose();
        }
      });
    });
  });
}
