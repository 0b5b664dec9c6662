// Migration 0021 on every database: the demo organisation's store.after-sales-case, store.price-request
// and store.shipment cards, the boards showing them and the saved views filtering by them become the
// after-sales plugin's types with their fields, states and history kept; another organisation's own
// store.* cards are left alone.
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../core/db/migrate.ts';
import { coreMigrations } from '../migrations/index.ts';
import { testDatabases, type TestDb } from './helpers/databases.ts';

const MIGRATION = '0021_after_sales_plugin_types';
const before = Object.fromEntries(Object.entries(coreMigrations).filter(([name]) => name < MIGRATION));
// Up to this one: the later 0022 moves the stock alerts (tests/listing-migration.test.ts).
const through = Object.fromEntries(Object.entries(coreMigrations).filter(([name]) => name <= MIGRATION));

describe.each(testDatabases)('migration 0021 on $kind', ({ create }) => {
  let db: TestDb;
  beforeEach(async () => {
    db = await create();
    await migrateToLatest(db.kysely, before);
  });
  afterEach(() => db.dispose());

  /** A database as the organisation `orgId` left it before the plugin: its cards, a board and a saved view. */
  async function seed(orgId: string): Promise<void> {
    await sql`INSERT INTO org_versions (org_id, sources, definition, content_hash, diff, origin)
      VALUES (${orgId}, '[]', '{}', 'x', '{}', 'roles-folder')`.execute(db.kysely);
    const { rows } = await sql<{
      id: string;
    }>`INSERT INTO users (email, display_name, password_hash) VALUES ('a@b.test', 'A', 'x') RETURNING id`.execute(
      db.kysely,
    );
    await sql`INSERT INTO tasks (type, title, status, category, fields, position) VALUES
      ('store.after-sales-case', '索赔 ¥800', 'in_progress', 'active', ${JSON.stringify({ case_type: 'lost_parcel', claim_amount: 800 })}, 'a0'),
      ('store.price-request', '买家要 85 折', 'pending_approval', 'blocked', ${JSON.stringify({ discount_pct: 15 })}, 'a1'),
      ('store.shipment', '订单 TB-1 发货', 'to_ship', 'active', ${JSON.stringify({ order_no: 'TB-1', paid_at: '2026-03-02T10:00:00+08:00' })}, 'a2'),
      ('store.stock-alert', 'A-100 缺货', 'open', 'todo', '{}', 'a3')`.execute(db.kysely);
    await sql`INSERT INTO boards (id, name, task_types, columns) VALUES ('store-shipment', '"发货单"', ARRAY['store.shipment'], '[]')`.execute(
      db.kysely,
    );
    await sql`INSERT INTO saved_views (board_id, owner_id, name, filters) VALUES ('store-shipment', ${rows[0]!.id}, '待发货', '{"type": "store.shipment", "status": "to_ship"}')`.execute(
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
    board: (
      await sql<{ task_types: string[] }>`SELECT task_types FROM boards WHERE id = 'store-shipment'`.execute(db.kysely)
    ).rows[0]!.task_types,
    view: (await sql<{ filters: Record<string, string> }>`SELECT filters FROM saved_views`.execute(db.kysely)).rows[0]!
      .filters,
  });

  it("retypes the demo organisation's cards, board and saved view, keeping fields and states", async () => {
    await seed('yunshang-ops-center');
    expect((await migrateToLatest(db.kysely, through)).applied).toEqual([MIGRATION]);
    const after = await state();
    expect(after.tasks).toEqual([
      { type: 'after-sales.case', status: 'in_progress', fields: { case_type: 'lost_parcel', claim_amount: 800 } },
      { type: 'after-sales.price-request', status: 'pending_approval', fields: { discount_pct: 15 } },
      {
        type: 'after-sales.shipment',
        status: 'to_ship',
        fields: { order_no: 'TB-1', paid_at: '2026-03-02T10:00:00+08:00' },
      },
      { type: 'store.stock-alert', status: 'open', fields: {} },
    ]);
    expect(after.board).toEqual(['after-sales.shipment']);
    expect(after.view).toEqual({ type: 'after-sales.shipment', status: 'to_ship' });
  });

  it("leaves another organisation's own store.* types alone", async () => {
    await seed('my-shop');
    const untouched = await state();
    await migrateToLatest(db.kysely, through);
    expect(await state()).toEqual(untouched);
  });
});
