// Applies a plugin's own migrations at start, tracked per plugin in `plugin_migrations`. All of a
// plugin's pending migrations commit together or not at all, and each runs fenced to the plugin's
// tables, so a failing one leaves nothing behind and cannot touch core's schema.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { ownTables, type PluginMigrationDb } from './own-tables.ts';

/** One step of a plugin's schema; `db` reaches only the plugin's own tables. */
export interface PluginMigration {
  up(db: PluginMigrationDb): Promise<void>;
}

/** A plugin migration failed; nothing of that plugin's run was applied. */
export class PluginMigrationError extends Error {
  override readonly name = 'PluginMigrationError';
  constructor(
    readonly pluginId: string,
    readonly migration: string,
    override readonly cause: unknown,
  ) {
    super(`plugin "${pluginId}": migrations.${migration}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/** Applies the plugin's pending migrations in name order; returns the names applied (none when up to date). */
export async function migratePlugin(
  db: Kysely<Database>,
  plugin: { id: string; migrations?: Record<string, PluginMigration> },
): Promise<string[]> {
  const names = Object.keys(plugin.migrations ?? {}).sort();
  if (names.length === 0) return [];
  return db.transaction().execute(async (tx) => {
    // Two processes starting together: the second waits, then finds the migrations applied.
    await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`plugin-migrations:${plugin.id}`}, 0))`.execute(tx);
    const applied = new Set(
      (await tx.selectFrom('plugin_migrations').select('name').where('plugin_id', '=', plugin.id).execute()).map(
        (row) => row.name,
      ),
    );
    const pending = names.filter((name) => !applied.has(name));
    const fenced = ownTables(tx, plugin.id);
    for (const name of pending) {
      try {
        await plugin.migrations![name]!.up(fenced);
      } catch (error) {
        throw new PluginMigrationError(plugin.id, name, error);
      }
      await tx.insertInto('plugin_migrations').values({ plugin_id: plugin.id, name }).execute();
    }
    return pending;
  });
}
