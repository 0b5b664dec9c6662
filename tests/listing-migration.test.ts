// Migration 0022 on every database: the demo organisation's store.stock-alert cards, the boards showing
// them and the saved views filtering by them become the listing plugin's listing.delist, fields and states
// kept (they share ids); another organisation's own store.stock-alert cards are left alone.
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../core/db/migrate.ts';
import { coreMigrations } from '../migrations/index.ts';
import { testDatabases, type TestDb } from './helpers/databases.ts';

const MIGRATION = '0022_listing_plugin_types';
const before = Object.fromEntries(Object.entries(coreMigrations).filter(([name]) => name !== MIGRATION));

describe.each(testDatabases)('migration 0022 on $kind', ({ create }) => {
  let db: TestDb;
  beforeEach(async () => {
    db = await create();
    await migrateToLatest(db.kysely, before);
  });
  afterEach(() => db.dispose());

  /** A database as the organisation `orgId` left it before the plugin: stock alerts, a board and a saved view. */
  async function seed(orgId: string): Promise<void> {
    await sql`INSERT INTO org_versions (org_id, sources, definition, content_hash, diff, origin)
      VALUES (${orgId}, '[]', '{}', 'x', '{}', 'roles-folder')`.execute(db.kysely);
    const { rows } = await sql<{
      id: string;
    }>`INSERT INTO users (email, display_name, password_hash) VALUES ('a@b.test', 'A', 'x') RETURNING id`.execute(
      db.kysely,
    );
    await sql`INSERT INTO tasks (type, title, status, category, fields, position) VALUES
      ('store.stock-alert', 'YS-S2605 缺货', 'open', 'todo', ${JSON.stringify({ sku: 'YS-S2605', stock: 0, listed: true })}, 'a0'),
      ('store.stock-alert', 'YS-C2506 缺货', 'delisted', 'done', ${JSON.stringify({ sku: 'YS-C2506', stock: 0, listed: false })}, 'a1'),
      ('store.bookkeeping-backlog', '记账积压', 'open', 'todo', ${JSON.stringify({ backlog_days: 4 })}, 'a2')`.execute(
      db.kysely,
    );
    await sql`INSERT INTO boards (id, name, task_types, columns) VALUES ('stock', '"缺货"', ARRAY['store.stock-alert', 'core.task'], '[]')`.execute(
      db.kysely,
    );
    await sql`INSERT INTO saved_views (board_id, owner_id, name, filters) VALUES ('stock', ${rows[0]!.id}, '待下架', '{"type": "store.stock-alert", "status": "open"}')`.execute(
      db.kysely,
    );
  }

  const state = async () => ({
    tasks: (
      await sql<{
        type: string;
        status: string;
        fields: Record<string, unknown>;
      }>`SELECT type, status, fields FROM tasks ORDER BY id`.execute(db.kysely)
    ).rows,
    board: (await sql<{ task_types: string[] }>`SELECT task_types FROM boards WHERE id = 'stock'`.execute(db.kysely))
      .rows[0]!.task_types,
    view: (await sql<{ filters: Record<string, string> }>`SELECT filters FROM saved_views`.execute(db.kysely)).rows[0]!
      .filters,
  });

  it("moves the demo organisation's stock alerts onto listing.delist, keeping fields and states, board and saved view", async () => {
    await seed('yunshang-ops-center');
    expect((await migrateToLatest(db.kysely)).applied).toEqual([MIGRATION]);
    const after = await state();
    expect(after.tasks).toEqual([
      { type: 'listing.delist', status: 'open', fields: { sku: 'YS-S2605', stock: 0, listed: true } },
      { type: 'listing.delist', status: 'delisted', fields: { sku: 'YS-C2506', stock: 0, listed: false } },
      { type: 'store.bookkeeping-backlog', status: 'open', fields: { backlog_days: 4 } },
    ]);
    expect(after.board).toEqual(['listing.delist', 'core.task']);
    expect(after.view).toEqual({ type: 'listing.delist', status: 'open' });
  });

  it("leaves another organisation's own store.stock-alert alone", async () => {
    await seed('my-shop');
    const untouched = await state();
    await migrateToLatest(db.kysely);
    expect(await state()).toEqual(untouched);
  });
});
