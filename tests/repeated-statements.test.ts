// Statements the product repeats: on PostgreSQL each is parsed and planned once per connection (a named
// statement), and a table that changes under one does not break it.
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDatabases, type TestDb } from './helpers/databases.ts';

describe.each(testDatabases)('repeated statements on $kind', ({ create, kind }) => {
  let db: TestDb;
  beforeEach(async () => {
    db = await create();
  });
  afterEach(() => db.dispose());

  it('answers the same statement again after its table gained a column', async () => {
    await sql`CREATE TABLE shelf (id int PRIMARY KEY, title text)`.execute(db.kysely);
    await sql`INSERT INTO shelf VALUES (1, '上架'), (2, '活动')`.execute(db.kysely);
    await db.kysely.connection().execute(async (connection) => {
      const read = (id: number) =>
        sql<Record<string, unknown>>`SELECT * FROM shelf WHERE id = ${id}`.execute(connection);
      expect((await read(1)).rows).toEqual([{ id: 1, title: '上架' }]);
      expect((await read(2)).rows).toEqual([{ id: 2, title: '活动' }]);
      if (kind === 'postgres') {
        const { rows } = await sql<{
          n: number;
        }>`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement LIKE '%FROM shelf WHERE id = $1%'`.execute(
          connection,
        );
        expect(rows[0]!.n).toBe(1);
      }
      await sql`ALTER TABLE shelf ADD COLUMN stock int NOT NULL DEFAULT 0`.execute(connection);
      expect((await read(2)).rows).toEqual([{ id: 2, title: '活动', stock: 0 }]);
      expect((await read(1)).rows).toEqual([{ id: 1, title: '上架', stock: 0 }]);
    });
  });
});
