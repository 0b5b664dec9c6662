// Concurrent card reads and writes share statements (core/tasks/card-batches.ts). What a user relies on
// must not change with it: every column a change sets arrives as sent, each accepted move has its own
// activity entry and event in the order the moves came, and a stale write in a batch fails alone.
import { sql, type Transaction } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../core/auth/actor.ts';
import type { Database } from '../core/db/schema.ts';
import { createCardBatches } from '../core/tasks/card-batches.ts';
import { testDatabases } from './helpers/databases.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

const org = `
version: 1
organization: {id: batches, name: Batches}
roles:
  - {id: agent, name: Agent, can: [boards.view, tasks.create, tasks.edit, tasks.move]}
task_types:
  - id: batch.item
    name: Item
    fields:
      - {id: amount, name: Amount, type: number}
      - {id: notes, name: Notes, type: text}
    workflow:
      initial: open
      states:
        - {id: open, name: Open, category: todo}
        - {id: closed, name: Closed, category: done}
      transitions:
        - {from: open, to: closed}
members:
  - {email: agent@batches.test, name: Agent, roles: [agent]}
`;

describe.each(testDatabases)('batched card statements on $kind', (database) => {
  let t: TestApp;
  let actor: Actor;

  beforeAll(async () => {
    t = await createTestApp(database, [{ name: 'batches.yaml', text: org }]);
    const cookie = await t.signIn('agent@batches.test');
    actor = (await t.services.auth.actorForToken(cookie.slice(cookie.indexOf('=') + 1)))!.actor;
  });
  afterAll(() => t.dispose());

  const create = (title: string, type = 'core.task') => t.services.tasks.create(actor, { type, title });

  it('sets every kind of column a change can carry when edits go together', async () => {
    const cards = await Promise.all([
      create('one', 'batch.item'),
      create('two', 'batch.item'),
      create('three', 'batch.item'),
    ]);
    const due = new Date('2026-12-01T08:30:00.000Z');
    const edited = await Promise.all(
      cards.map((card, n) =>
        t.services.tasks.update(actor, card.id, card.version, {
          title: `标题 ${n}`,
          description: `line\n"quoted" ${n}`,
          priority: 'urgent',
          labels: ['双十一', `l${n}`],
          dueAt: due,
          fields: { amount: n + 0.5, notes: `备注 ${n}` },
        }),
      ),
    );
    for (const [n, card] of edited.entries()) {
      const stored = await t.services.tasks.get(card.id);
      expect(stored).toMatchObject({
        title: `标题 ${n}`,
        description: `line\n"quoted" ${n}`,
        priority: 'urgent',
        labels: ['双十一', `l${n}`],
        dueAt: due.toISOString(),
        fields: { amount: n + 0.5, notes: `备注 ${n}` },
        version: cards[n]!.version + 1,
      });
      expect(stored).toEqual(card);
    }
  });

  it('gives each of many concurrent moves its own activity entry and event, in the order the moves came', async () => {
    // Moved newest first: the batch locks rows in id order, the log must still follow the requests.
    const cards = (await Promise.all(Array.from({ length: 12 }, (_, n) => create(`card ${n}`)))).reverse();
    const moved = await Promise.all(
      cards.map((card) => t.services.tasks.move(actor, card.id, card.version, { to: 'in_progress' })),
    );
    expect(moved.map(({ task }) => [task.status, task.version])).toEqual(
      cards.map((card) => ['in_progress', card.version + 1]),
    );
    const ids = cards.map((card) => card.id);
    const { rows: events } = await sql<{
      task_id: number;
    }>`SELECT task_id FROM events WHERE type = 'task.transitioned' AND task_id = ANY(${ids}::int8[]) ORDER BY id`.execute(
      t.db.kysely,
    );
    expect(events.map((event) => event.task_id)).toEqual(ids);
    const { rows: activity } = await sql<{
      task_id: number;
      changes: unknown;
    }>`SELECT task_id, changes FROM task_activity WHERE action = 'moved' AND task_id = ANY(${ids}::int8[]) ORDER BY id`.execute(
      t.db.kysely,
    );
    expect(activity).toEqual(ids.map((id) => ({ task_id: id, changes: { status: ['todo', 'in_progress'] } })));
  });

  it('refuses only the stale write among writes that go together, and of two moves of one card exactly one wins', async () => {
    const [a, b, c] = await Promise.all([create('a'), create('b'), create('c')]);
    const results = await Promise.allSettled([
      t.services.tasks.move(actor, a!.id, a!.version, { to: 'in_progress' }),
      t.services.tasks.move(actor, b!.id, b!.version + 1, { to: 'in_progress' }),
      t.services.tasks.move(actor, c!.id, c!.version, { to: 'in_progress' }),
      t.services.tasks.move(actor, c!.id, c!.version, { to: 'done' }),
    ]);
    expect(
      results.map((result) => (result.status === 'fulfilled' ? 'moved' : (result.reason as { code: string }).code)),
    ).toEqual(['moved', 'CONFLICT', 'moved', 'CONFLICT']);
    expect((await t.services.tasks.get(b!.id)).version).toBe(b!.version);
    expect(await t.services.tasks.get(c!.id)).toMatchObject({ status: 'in_progress', version: c!.version + 1 });
  });

  it('writes a card by its key, not by reading through every card', async () => {
    // Thousands of other cards: a plan that scans the table shows now (it did, until the ids went in as an array).
    await sql`
      INSERT INTO tasks (type, title, description, status, category, priority, fields, labels, position)
      SELECT 'other.kind', 'other ' || n, '', 'todo', 'todo', 'normal', '{}', '{}', 'a0' || lpad(n::text, 5, '0') || 'V'
      FROM generate_series(1, 3000) AS n`.execute(t.db.kysely);
    await sql`ANALYZE tasks`.execute(t.db.kysely);
    const card = await create('one of many');
    // Counted inside the transaction, before and after: PGlite's counts include what its session did before.
    const seqScans = async (tx: Transaction<Database>) =>
      Number(
        (
          await sql<{
            n: string;
          }>`SELECT seq_scan AS n FROM pg_stat_xact_user_tables WHERE relid = 'tasks'::regclass`.execute(tx)
        ).rows[0]?.n ?? 0,
      );
    const scans = await t.db.kysely.transaction().execute(async (tx) => {
      const before = await seqScans(tx);
      const entry = {
        event: 'task.updated' as const,
        actorId: actor.id,
        action: 'updated',
        changes: { title: ['one of many', 'renamed'] as [string, string] },
      };
      expect(
        await createCardBatches(t.db.kysely).updateRecordedIn(tx, card.id, card.version, { title: 'renamed' }, entry),
      ).toMatchObject({ title: 'renamed' });
      return (await seqScans(tx)) - before;
    });
    expect(scans).toBe(0);
  });
});
