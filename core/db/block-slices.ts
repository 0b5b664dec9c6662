// A full scan of a large table split into ranges of its disk blocks, each scanned on its own connection
// at the same time (one per core). For statements PostgreSQL's parallel query will not take — the
// compiled escalation rules contain correlated subqueries, which are parallel-restricted.
import { availableParallelism } from 'node:os';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Db } from './create-db.ts';
import type { Database } from './schema.ts';

/** Below this many 8 KiB blocks (~80 MB) one connection is as quick: a split costs connections and a query. */
const SPLIT_FROM_BLOCKS = 10_000;
const MAX_SLICES = 4;

/** How many slices a scan of `table` should use here: one on PGlite (one connection) or for small tables. */
export async function sliceCount(
  db: Db,
  table: keyof Database,
  { slices = Math.min(availableParallelism(), MAX_SLICES), fromBlocks = SPLIT_FROM_BLOCKS } = {},
): Promise<{ count: number; blocks: number }> {
  if (db.kind !== 'postgres' || slices < 2) return { count: 1, blocks: 0 };
  const blocks = await tableBlocks(db.kysely, table);
  return { count: blocks >= fromBlocks ? slices : 1, blocks };
}

export async function tableBlocks(db: Kysely<Database>, table: keyof Database): Promise<number> {
  const { rows } = await sql<{
    blocks: number;
  }>`SELECT (pg_relation_size(${table}::regclass) / current_setting('block_size')::int)::int AS blocks`.execute(db);
  return rows[0]!.blocks;
}

/** `count` conditions on ctid that together cover every row of a table of `blocks` blocks once. */
export function blockSlices(blocks: number, count: number): RawBuilder<boolean>[] {
  if (count < 2) return [sql<boolean>`true`];
  // The last range ends past the table's current end: rows added meanwhile in new blocks are still covered.
  const edge = (i: number) =>
    i === count ? sql`'(4294967295,0)'::tid` : sql`${`(${Math.floor((blocks * i) / count)},0)`}::tid`;
  return Array.from({ length: count }, (_, i) => sql<boolean>`(ctid >= ${edge(i)} AND ctid < ${edge(i + 1)})`);
}
