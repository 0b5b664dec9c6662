// A card column is declared once (core/db/card-columns.ts): the declaration must match the migrated table,
// a change naming a column it does not declare changeable is refused before anything is written, and
// every jsonb column is stored as the JSON document given, never as a string of it (encoded twice).
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../core/auth/actor.ts';
import { CARD_COLUMNS, JSONB_COLUMNS, viewKey } from '../core/db/card-columns.ts';
import { createTaskRepository } from '../core/tasks/task.repository.ts';
import { createTaskWriter, type CardChanges } from '../core/tasks/task-writer.ts';
import { editBody } from '../core/tasks/tasks.routes.ts';
import { testDatabases } from './helpers/databases.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

const org = `
version: 1
organization: {id: columns, name: Columns}
roles:
  - {id: agent, name: Agent, can: [boards.view, tasks.create, tasks.edit, tasks.move]}
members:
  - {email: agent@columns.test, name: Agent, roles: [agent]}
`;

/** A value of each jsonb column's kind: what the card would hold. */
const JSON_VALUES: Record<string, unknown> = {
  fields: { amount: 12.5, note: '备注' },
  checklist: [{ text: '核对', done: true }],
};

describe('PATCH /api/tasks/:id', () => {
  it("takes every column the declaration marks written: 'edit', under its API name, and no other column", () => {
    const editable = Object.entries(CARD_COLUMNS)
      .filter(([, spec]) => spec.written === 'edit')
      .map(([name]) => viewKey(name));
    expect(editable.length).toBeGreaterThan(0);
    expect(Object.keys(editBody.shape).sort()).toEqual([...editable, 'expectedVersion'].sort());
  });
});

describe.each(testDatabases)('card columns on $kind', (database) => {
  let t: TestApp;
  let actor: Actor;

  beforeAll(async () => {
    t = await createTestApp(database, [{ name: 'columns.yaml', text: org }]);
    const cookie = await t.signIn('agent@columns.test');
    actor = (await t.services.auth.actorForToken(cookie.slice(cookie.indexOf('=') + 1)))!.actor;
  });
  afterAll(() => t.dispose());

  const writer = () =>
    createTaskWriter({ db: t.db, repo: createTaskRepository(t.db.kysely), afterCommit: () => undefined });
  const card = async (title: string) =>
    await t.db.kysely
      .selectFrom('tasks')
      .selectAll()
      .where('id', '=', (await t.services.tasks.create(actor, { type: 'core.task', title })).id)
      .executeTakeFirstOrThrow();
  const entry = { event: 'task.updated' as const, actor: null, action: 'updated', changes: {} };
  const jsonTypes = async (id: number) => {
    const columns = [...JSONB_COLUMNS].map((column) => sql`jsonb_typeof(${sql.ref(column)}) AS ${sql.ref(column)}`);
    return (
      await sql<Record<string, string>>`SELECT ${sql.join(columns)} FROM tasks WHERE id = ${id}`.execute(t.db.kysely)
    ).rows[0];
  };

  it('declares exactly the columns of the migrated cards table, with their types and nullability', async () => {
    const { rows } = await sql<{ column_name: string; udt_name: string; is_nullable: 'YES' | 'NO' }>`
      SELECT column_name, udt_name, is_nullable FROM information_schema.columns
      WHERE table_name = 'tasks' AND table_schema = current_schema() ORDER BY column_name`.execute(t.db.kysely);
    const declared = Object.entries(CARD_COLUMNS)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, spec]) => ({
        column_name: name,
        udt_name: spec.sql,
        is_nullable: 'nullable' in spec ? 'YES' : 'NO',
      }));
    expect(rows).toEqual(declared);
  });

  it('refuses, loudly and writing nothing, a change to a column the declaration does not let commands change', async () => {
    const row = await card('refused');
    const write = writer();
    for (const changes of [
      { title: 'renamed', colour: 'red' },
      { version: 99 },
      { open_escalations: 3 },
      { created_at: new Date(0) },
    ]) {
      await expect(write.change(row, row.version, changes as CardChanges, entry)).rejects.toThrow(
        /core\/db\/card-columns\.ts does not declare/,
      );
    }
    const after = await t.db.kysely.selectFrom('tasks').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
    expect(after).toEqual(row);
  });

  it('refuses JSON text for a jsonb column rather than store it as a string', async () => {
    const row = await card('json text');
    for (const column of JSONB_COLUMNS) {
      const changes = { [column]: JSON.stringify(JSON_VALUES[column]) } as CardChanges;
      await expect(writer().change(row, row.version, changes, entry)).rejects.toThrow(`"${column}" is jsonb`);
    }
    expect(await jsonTypes(row.id)).toEqual({ fields: 'object', checklist: 'array' });
  });

  it('stores every jsonb column as the document given, on create, in a shared statement and in a transaction', async () => {
    expect(Object.keys(JSON_VALUES).sort()).toEqual([...JSONB_COLUMNS].sort());
    const kinds = Object.fromEntries(
      Object.entries(JSON_VALUES).map(([column, value]) => [column, Array.isArray(value) ? 'array' : 'object']),
    );
    const created = await t.services.tasks.create(actor, {
      type: 'core.task',
      title: 'json',
      checklist: JSON_VALUES.checklist as never,
    });
    expect(await jsonTypes(created.id)).toEqual({ fields: 'object', checklist: 'array' });

    const row = await card('json writes');
    // No rule and nobody watches it: the change goes through the shared statement.
    const shared = await writer().change(row, row.version, JSON_VALUES as CardChanges, entry);
    expect(await jsonTypes(row.id)).toEqual(kinds);
    expect(shared).toMatchObject(JSON_VALUES);
    // `first` makes it a transaction of its own.
    const again = { fields: { amount: 1 }, checklist: [] };
    expect(await writer().change(shared, shared.version, again, entry, async () => undefined)).toMatchObject(again);
    expect(await jsonTypes(row.id)).toEqual(kinds);
  });
});
