// One soak run in a fresh process (so resident memory is this run's alone): open the embedded database
// the product's way or the naive way, then 20,000 card-sized writes, each a transaction of an
// optimistic-version UPDATE of a card and an INSERT into its activity log.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, sql, type Generated } from 'kysely';
import { PGliteDialect } from '../core/db/pglite-dialect.ts';
import { createDb } from '../core/db/create-db.ts';
import { migrateToLatest } from '../core/db/migrate.ts';
import type { Database } from '../core/db/schema.ts';

type SoakTables = {
  soak_card: {
    id: number;
    board: string;
    state: string;
    position: string;
    version: number;
    title: string;
    fields: unknown;
    updated_at: Date;
  };
  soak_activity: { id: Generated<number>; card_id: number; kind: string; data: string; at: Generated<Date> };
};

const mode = process.argv[2] as 'product' | 'naive';
const WRITES = 20_000;
const CARDS = 2_000;
const WINDOW = 1_000;
const STATES = ['todo', 'doing', 'review', 'done'];

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'dutyboard-soak-'));
const rssMb = () => Math.round(process.memoryUsage().rss / 1e6);

async function open(): Promise<Kysely<Database>> {
  if (mode === 'product') return (await createDb({ kind: 'pglite', dataDir })).kysely;
  // What a first attempt does: initdb in-process, default settings.
  return new Kysely({ dialect: new PGliteDialect({ pglite: await PGlite.create({ dataDir }) }) });
}

let started = performance.now();
const base = await open();
await migrateToLatest(base);
const db = base.withTables<SoakTables>();
const freshStartMs = performance.now() - started;
const rssAfterStartMb = rssMb();

await sql`CREATE TABLE soak_card (id integer PRIMARY KEY, board text NOT NULL, state text NOT NULL,
  position text NOT NULL, version integer NOT NULL DEFAULT 1, title text NOT NULL, fields jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now())`.execute(db);
await sql`CREATE INDEX soak_card_column ON soak_card (board, state, position)`.execute(db);
await sql`CREATE TABLE soak_activity (id bigserial PRIMARY KEY, card_id integer NOT NULL, kind text NOT NULL,
  data jsonb NOT NULL, at timestamptz NOT NULL DEFAULT now())`.execute(db);
await sql`CREATE INDEX soak_activity_card ON soak_activity (card_id, at)`.execute(db);
await sql`INSERT INTO soak_card (id, board, state, position, title, fields)
  SELECT g, 'main', 'todo', lpad(g::text, 8, '0'), '商品详情页 card ' || g,
         jsonb_build_object('sku', 'SKU-' || g, 'claim_amount', g % 500, 'note', repeat('备注', 100))
  FROM generate_series(1, ${CARDS}) g`.execute(db);

const rates: number[] = [];
let windowStart = performance.now();
for (let i = 0; i < WRITES; i++) {
  const id = 1 + ((i * 7919) % CARDS);
  await db.transaction().execute(async (tx) => {
    const card = await tx
      .selectFrom('soak_card')
      .select(['version', 'state'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const to = STATES[(STATES.indexOf(card.state) + 1) % STATES.length]!;
    await tx
      .updateTable('soak_card')
      .set({
        state: to,
        position: String(i).padStart(8, '0'),
        version: card.version + 1,
        updated_at: sql`now()`,
        fields: sql`fields || ${JSON.stringify({ touched: i })}::jsonb`,
      })
      .where('id', '=', id)
      .where('version', '=', card.version)
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('soak_activity')
      .values({ card_id: id, kind: 'moved', data: JSON.stringify({ from: card.state, to }) })
      .execute();
  });
  if ((i + 1) % WINDOW === 0) {
    const now = performance.now();
    rates.push(WINDOW / ((now - windowStart) / 1000));
    windowStart = now;
  }
}
const rssAfterSoakMb = rssMb();
await db.destroy();

started = performance.now();
const reopened = await open();
await migrateToLatest(reopened);
const restartMs = performance.now() - started;
await reopened.destroy();
rmSync(dataDir, { recursive: true, force: true });

process.stdout.write(JSON.stringify({ freshStartMs, restartMs, rssAfterStartMb, rssAfterSoakMb, rates }));
