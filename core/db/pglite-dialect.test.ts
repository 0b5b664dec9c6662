// The embedded database's one-connection rule (core/db/pglite-dialect.ts): a query on the shared handle
// made while this async context holds the connection runs on it instead of waiting for itself forever;
// a transaction begun there is a savepoint; work that outlives the holder waits its turn as anyone does.
import { PGlite } from '@electric-sql/pglite';
import { sql, type Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPgliteKysely } from './pglite-dialect.ts';
import type { Database } from './schema.ts';

describe('one connection, held', () => {
  let db: Kysely<Database>;
  const rows = async () =>
    (await sql<{ n: number }>`SELECT n FROM shelf ORDER BY n`.execute(db)).rows.map((row) => row.n);

  beforeEach(async () => {
    db = createPgliteKysely(await PGlite.create());
    await sql`CREATE TABLE shelf (n int PRIMARY KEY)`.execute(db);
  });
  afterEach(() => db.destroy());

  it('answers a query on the shared handle made inside a transaction, as part of it', async () => {
    const seen = await db.transaction().execute(async (tx) => {
      await sql`INSERT INTO shelf VALUES (1)`.execute(tx);
      return rows();
    });
    expect(seen).toEqual([1]);
    await expect(
      db.transaction().execute(async (tx) => {
        await sql`INSERT INTO shelf VALUES (2)`.execute(tx);
        await sql`INSERT INTO shelf VALUES (3)`.execute(db);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await rows()).toEqual([1]);
  });

  it('makes a transaction begun inside one a savepoint: its failure undoes only itself', async () => {
    await db.transaction().execute(async (tx) => {
      await sql`INSERT INTO shelf VALUES (1)`.execute(tx);
      await expect(
        db.transaction().execute(async (inner) => {
          await sql`INSERT INTO shelf VALUES (2)`.execute(inner);
          await sql`INSERT INTO shelf VALUES (1)`.execute(inner);
        }),
      ).rejects.toThrow(/duplicate key/);
      await db.transaction().execute((inner) => sql`INSERT INTO shelf VALUES (3)`.execute(inner));
    });
    expect(await rows()).toEqual([1, 3]);
  });

  it('lets work that outlives the transaction it started in wait its turn, outside any other', async () => {
    let later: Promise<unknown> | undefined;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    await db.transaction().execute(async (tx) => {
      await sql`INSERT INTO shelf VALUES (1)`.execute(tx);
      later = gate.then(() => sql`INSERT INTO shelf VALUES (2)`.execute(db));
    });
    const other = db.transaction().execute(async (tx) => {
      release();
      await new Promise((resolve) => setTimeout(resolve, 20));
      await sql`INSERT INTO shelf VALUES (3)`.execute(tx);
      throw new Error('rolled back');
    });
    await expect(other).rejects.toThrow('rolled back');
    await later;
    expect(await rows()).toEqual([1, 2]);
  });
});
