// Database refusals a client can cause reach the client as 4xx in the one error shape, on every
// database; anything else the database says stays a 500 that hides its text.
import type { Hono } from 'hono';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientErrorFromDatabase } from '../core/db/database-errors.ts';
import { migrateToLatest } from '../core/db/migrate.ts';
import type { Database } from '../core/db/schema.ts';
import type { AppEnv } from '../core/http/env.ts';
import { createApp } from '../core/http/app.ts';
import { createServices } from '../core/compose.ts';
import { testDatabases, type TestDb } from './helpers/databases.ts';
import { memoryLogger } from './helpers/silent-logger.ts';

/** What the database answers to each statement, as the one error shape would carry it. */
const REFUSALS: {
  name: string;
  run: (db: Kysely<Database>) => Promise<unknown>;
  status: number;
  code: string;
  reason: string;
  message: RegExp;
}[] = [
  {
    name: 'a second person with the same email (unique violation, 23505)',
    run: async (db) => {
      const person = { email: 'same@example.com', display_name: 'Same', password_hash: 'x', disabled_at: null };
      await db.insertInto('users').values(person).execute();
      await db.insertInto('users').values(person).execute();
    },
    status: 409,
    code: 'CONFLICT',
    reason: 'duplicate',
    message: /^Something with the same email already exists\.$/,
  },
  {
    name: 'a role assignment for nobody (foreign key violation, 23503)',
    run: (db) =>
      db
        .insertInto('role_assignments')
        .values({ user_id: '00000000-0000-4000-8000-000000000000', role_id: 'r' })
        .execute(),
    status: 409,
    code: 'CONFLICT',
    reason: 'missing_reference',
    message: /does not exist/,
  },
  {
    name: 'an integer past int4 (numeric value out of range, 22003)',
    run: (db) =>
      db
        .selectFrom('org_versions')
        .selectAll()
        .where('id', '=', 2 ** 31)
        .execute(),
    status: 400,
    code: 'BAD_REQUEST',
    reason: 'number_out_of_range',
    message: /out of the range/,
  },
  {
    name: 'year 0000 (datetime field overflow, 22008)',
    run: (db) => sql`SELECT ${'0000-01-01T00:00:00.000Z'}::timestamptz`.execute(db),
    status: 400,
    code: 'BAD_REQUEST',
    reason: 'datetime_out_of_range',
    message: /0001 to 9999/,
  },
  {
    name: 'a NUL in text (character not in repertoire, 22021)',
    run: (db) => db.selectFrom('users').selectAll().where('email', '=', 'a\u0000b').execute(),
    status: 400,
    code: 'BAD_REQUEST',
    reason: 'unstorable_text',
    message: /NUL/,
  },
  {
    name: 'a NUL in jsonb (untranslatable character, 22P05)',
    run: (db) => sql`SELECT ${JSON.stringify({ a: '\u0000' })}::jsonb`.execute(db),
    status: 400,
    code: 'BAD_REQUEST',
    reason: 'unstorable_text',
    message: /NUL/,
  },
  {
    name: 'a lone surrogate in jsonb or a non-uuid id (invalid text representation, 22P02)',
    run: (db) => db.selectFrom('users').selectAll().where('id', '=', 'me').execute(),
    status: 400,
    code: 'BAD_REQUEST',
    reason: 'invalid_value',
    message: /not of the expected kind/,
  },
  {
    name: 'a board limit of zero (check violation, 23514)',
    run: (db) => sql`UPDATE boards SET personal_wip = 0`.execute(db),
    status: 400,
    code: 'BAD_REQUEST',
    reason: 'check_failed',
    message: /breaks a rule/,
  },
];

describe.each(testDatabases)('database errors on $kind', (database) => {
  let db: TestDb;
  let app: Hono<AppEnv>;
  const logs = memoryLogger();

  beforeAll(async () => {
    db = await database.create();
    const { schemaVersion } = await migrateToLatest(db.kysely);
    await db.kysely
      .insertInto('boards')
      .values({
        id: 'b',
        name: JSON.stringify('B'),
        task_types: ['t'],
        columns: JSON.stringify([]),
        swimlanes: 'none',
        created_by: null,
      } as never)
      .execute();
    app = createApp({
      services: createServices({ db, log: logs.log }),
      log: logs.log,
      schemaVersion,
      startedAt: Date.now(),
    });
    // Routes that let a statement through unvalidated, as a gap in a route's schema would.
    REFUSALS.forEach(({ run }, index) => {
      app.post(`/api/probe/refusal/${index}`, async (c) => c.json(await run(db.kysely)));
    });
    app.get('/api/probe/syntax', async (c) => c.json(await sql`SELEC 1`.execute(db.kysely)));
  });
  afterAll(() => db.dispose());

  it.each(REFUSALS.map((refusal, index) => ({ ...refusal, index })))(
    'answers $name with $status $code',
    async ({ index, status, code, reason, message }) => {
      const response = await app.request(`/api/probe/refusal/${index}`, {
        method: 'POST',
        headers: { 'X-Request-Id': `refusal-${index}` },
      });
      expect(response.status).toBe(status);
      const { error } = await response.json();
      expect(error).toMatchObject({ code, details: { reason } });
      expect(error.message).toMatch(message);
      // Values stay out of the answer and the log names the database's code for whoever closes the gap.
      expect(JSON.stringify(error)).not.toMatch(/same@example\.com|\\u0000/);
      expect(
        logs
          .lines()
          .find((line) => line.reqId === `refusal-${index}` && line.msg === 'database refused the request input'),
      ).toMatchObject({ level: 40 });
    },
  );

  it('keeps any other database error a 500 that does not show the database text', async () => {
    const response = await app.request('/api/probe/syntax');
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toMatch(/SELEC|syntax/);
    expect(JSON.parse(text).error.code).toBe('INTERNAL');
  });

  it('finds the database error behind a wrapping error (cause)', async () => {
    const error = await sql`SELECT ${2 ** 31}::int4`.execute(db.kysely).catch((e: unknown) => e);
    expect(clientErrorFromDatabase(new Error('while saving', { cause: error }))?.status).toBe(400);
    expect(clientErrorFromDatabase(new Error('no code'))).toBeUndefined();
  });
});
