// Every event reaches every socket watching its board exactly once, also when concurrent writes commit
// out of id order (an id is taken before commit, so a slow transaction commits below ids already sent).
// One process on every database; two processes on PostgreSQL (the embedded database serves one).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachBoardSockets } from '../core/events/board-socket.ts';
import { NOTIFY_CHANNEL } from '../core/events/event-log.ts';
import { startHttpServer, type RunningServer } from '../core/http/server.ts';
import { serverDatabases, testDatabases } from './helpers/databases.ts';
import { connectLive, type LiveClient } from './helpers/live-client.ts';
import { signInAt, twoServers } from './helpers/server-process.ts';
import { memoryLogger } from './helpers/silent-logger.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

const WRITERS = 6;
const EDITS_PER_CARD = 8;

const org = `
version: 1
organization: {id: once, name: Once}
roles:
  - {id: lead, name: Lead, can: [boards.view, tasks.create, tasks.move, tasks.edit]}
members:
  - {email: a@once.test, name: A, roles: [lead]}
  - {email: b@once.test, name: B, roles: [lead]}
  - {email: c@once.test, name: C, roles: [lead]}
`;

interface Card {
  id: number;
  version: number;
}
type Call = <T = Card>(method: string, path: string, body?: unknown) => Promise<T>;

function caller(url: string, cookie: string): Call {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { Cookie: cookie, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
}

/** Each writer creates a card and edits and moves it, all writers at once, spread over the callers. */
async function concurrentWriters(callers: Call[]): Promise<void> {
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, writer) => {
      const call = callers[writer % callers.length]!;
      let card = await call('POST', '/api/tasks', { type: 'core.task', title: `writer ${writer}` });
      for (let edit = 1; edit <= EDITS_PER_CARD; edit++) {
        card =
          edit === EDITS_PER_CARD / 2
            ? (
                await call<{ task: Card }>('PATCH', `/api/tasks/${card.id}/transition`, {
                  to: 'in_progress',
                  expectedVersion: card.version,
                })
              ).task
            : await call('PATCH', `/api/tasks/${card.id}`, {
                expectedVersion: card.version,
                title: `writer ${writer} edit ${edit}`,
              });
      }
    }),
  );
}

const eventIds = (client: LiveClient) => client.messages.filter((m) => m.type === 'event').map((m) => m.event!.id);

/**
 * Waits until every watcher got every expected event, then for one more card made after them all (so
 * a late duplicate would have arrived by then), and requires each expected id exactly once.
 */
async function expectEachOnce(
  watchers: LiveClient[],
  expected: () => Promise<number[]>,
  sentinel: () => Promise<{ id: number }>,
): Promise<void> {
  const ids = await expected();
  expect(ids.length).toBeGreaterThan(WRITERS * (EDITS_PER_CARD + 1) - 1);
  for (const watcher of watchers)
    await expect.poll(() => ids.filter((id) => !eventIds(watcher).includes(id)), { timeout: 20_000 }).toEqual([]);
  const last = await sentinel();
  for (const watcher of watchers) await watcher.waitFor((m) => m.event?.taskId === last.id, 20_000);
  const expectedIds = new Set(ids);
  for (const watcher of watchers) {
    expect(
      eventIds(watcher)
        .filter((id) => expectedIds.has(id))
        .sort((x, y) => x - y),
    ).toEqual(ids);
  }
}

/** Holds a transaction that took event id `id` open until every watcher was sent a later event. */
async function untilSentPast(id: number, watchers: LiveClient[]): Promise<void> {
  for (const watcher of watchers)
    await expect.poll(() => eventIds(watcher).some((sent) => sent > id), { timeout: 20_000 }).toBe(true);
}

describe.each(testDatabases)('every event once at every socket, one process on $kind', (database) => {
  let t: TestApp;
  let server: RunningServer;
  let sockets: { close(): void };

  beforeAll(async () => {
    t = await createTestApp(database, [{ name: 'once.yaml', text: org }]);
    server = await startHttpServer(t.app, { port: 0, host: '127.0.0.1' });
    sockets = attachBoardSockets(server.server, t.services, memoryLogger().log);
  });
  afterAll(async () => {
    sockets.close();
    await server.stop(1000);
    await t.dispose();
  });

  it("delivers concurrent writers' events to three watchers exactly once each", async () => {
    const cookies = [await t.signIn('a@once.test'), await t.signIn('b@once.test'), await t.signIn('c@once.test')];
    const watchers = await Promise.all(cookies.map((cookie) => connectLive(server.url, 'core-task', cookie)));
    await Promise.all(watchers.map((w) => w.waitFor((m) => m.type === 'hello')));
    const start = Number(
      (
        await t.db.kysely
          .selectFrom('events')
          .select((eb) => eb.fn.max('id').as('max'))
          .executeTakeFirst()
      )?.max ?? 0,
    );
    const callers = cookies.map((cookie) => caller(server.url, cookie));
    const first = await callers[0]!('POST', '/api/tasks', { type: 'core.task', title: 'first' });

    const writing = concurrentWriters(callers);
    // On PostgreSQL a second connection can hold a transaction open while the writers commit past it.
    if (database.kind === 'postgres') {
      await t.db.kysely.transaction().execute(async (tx) => {
        const late = await tx
          .insertInto('events')
          .values({ type: 'task.updated', task_id: first.id, task_type: 'core.task', actor_id: null })
          .returning('id')
          .executeTakeFirstOrThrow();
        await untilSentPast(late.id, watchers);
      });
      t.services.events.announce();
    }
    await writing;

    const expected = async () =>
      (
        await t.db.kysely
          .selectFrom('events')
          .select('id')
          .where('id', '>', start)
          .where('task_type', '=', 'core.task')
          .where('recipient_id', 'is', null)
          .orderBy('id')
          .execute()
      ).map((row) => row.id);
    await expectEachOnce(watchers, expected, () =>
      callers[0]!('POST', '/api/tasks', { type: 'core.task', title: 'sentinel' }),
    );
    await Promise.all(watchers.map((w) => w.close()));
  }, 120_000);
});

// Two processes share one database only on PostgreSQL.
describe.each(serverDatabases.filter((database) => database.shared))(
  'every event once at every socket, two processes on $kind',
  (database) => {
    const DIRECTOR = 'chen.zhiyuan@demo.dutyboard.local';
    const servers = twoServers(database);

    it('delivers writes made through both processes, and one committed late by a third writer, to every watcher on both exactly once', async () => {
      const signIn = (url: string) => signInAt(url, DIRECTOR);
      const cookies = [await signIn(servers.a.url), await signIn(servers.b.url)];
      const watchers = await Promise.all(
        [servers.a.url, servers.a.url, servers.b.url, servers.b.url].map((url, i) =>
          connectLive(url, 'core-task', cookies[i % 2]!),
        ),
      );
      await Promise.all(watchers.map((w) => w.waitFor((m) => m.type === 'hello')));

      const client = new pg.Client({ connectionString: servers.env.DATABASE_URL });
      await client.connect();
      try {
        const query = (text: string, values: unknown[] = []) => client.query<{ id: number }>(text, values);
        const start = Number((await query('SELECT coalesce(max(id), 0) AS id FROM events')).rows[0]!.id);
        const callers = [caller(servers.a.url, cookies[0]!), caller(servers.b.url, cookies[1]!)];
        const first = await callers[0]!('POST', '/api/tasks', { type: 'core.task', title: 'first' });

        const writing = concurrentWriters(callers);
        // A third writer (another process's slow transaction) commits below ids both processes have sent.
        await query('BEGIN');
        const late = (
          await query(
            `INSERT INTO events (type, task_id, task_type, actor_id) VALUES ('task.updated', $1, 'core.task', NULL) RETURNING id`,
            [first.id],
          )
        ).rows[0]!;
        await untilSentPast(Number(late.id), watchers);
        await query('COMMIT');
        await query(`SELECT pg_notify('${NOTIFY_CHANNEL}', 'late writer')`);
        await writing;

        const expected = async () =>
          (
            await query(
              `SELECT id FROM events WHERE id > $1 AND task_type = 'core.task' AND recipient_id IS NULL ORDER BY id`,
              [start],
            )
          ).rows.map((row) => Number(row.id));
        await expectEachOnce(watchers, expected, () =>
          callers[1]!('POST', '/api/tasks', { type: 'core.task', title: 'sentinel' }),
        );
      } finally {
        await client.end();
      }
      await Promise.all(watchers.map((w) => w.close()));
    }, 180_000);
  },
);
