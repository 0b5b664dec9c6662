// How a card change is written: in one statement (change, activity, event) when no escalation can see
// the card, through the escalation engine's transaction when one can — including a card whose rule is
// gone but whose cycle is still open, and a cycle that opens between the read and the write.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTaskRepository, type TaskRow } from '../core/tasks/task.repository.ts';
import { createTaskWriter } from '../core/tasks/task-writer.ts';
import { testDatabases } from './helpers/databases.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

const org = (escalations: string) => `
version: 1
organization: {id: writes, name: Writes, timezone: Asia/Shanghai}
roles:
  - {id: lead, name: Lead, can: [boards.view, escalations.view]}
  - id: agent
    name: Agent
    reports_to: lead
    can: [boards.view, tasks.create, tasks.edit, tasks.move, tasks.assign]
${escalations}
members:
  - {email: lead@writes.test, name: Lead, roles: [lead]}
  - {email: agent@writes.test, name: Agent, roles: [agent]}
`;
const overdueRule = `    escalations:
      - id: overdue
        applies_to: {task_types: [core.task]}
        when: {">": [{var: task.overdue_hours}, 0]}
        levels:
          - {after: PT0M, to: reports_to, then: [notify]}`;

const HOUR = 3_600_000;

describe.each(testDatabases)('card writes on $kind', (database) => {
  let t: TestApp;
  let agent: string;
  let lead: string;

  beforeAll(async () => {
    t = await createTestApp(database, [{ name: 'writes.yaml', text: org(overdueRule) }]);
    [agent, lead] = await Promise.all([t.signIn('agent@writes.test'), t.signIn('lead@writes.test')]);
  });
  afterAll(() => t.dispose());

  const counts = async (taskId: number) => {
    const { rows } = await sql<{ activity: number; events: number }>`SELECT
      (SELECT count(*)::int FROM task_activity WHERE task_id = ${taskId}) AS activity,
      (SELECT count(*)::int FROM events WHERE task_id = ${taskId}) AS events`.execute(t.db.kysely);
    return rows[0]!;
  };
  const row = async (id: number) =>
    (await t.db.kysely.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirstOrThrow()) as TaskRow;
  const move = (id: number, to: string, expectedVersion: number) =>
    t.call('PATCH', `/api/tasks/${id}/transition`, { cookie: agent, body: { to, expectedVersion } });

  it('writes a change to a card no rule watches with exactly one activity entry and one event, and a stale one not at all', async () => {
    const card = await (
      await t.call('POST', '/api/tasks', { cookie: agent, body: { type: 'core.task', title: 'no role' } })
    ).json();
    const before = await counts(card.id);
    const moved = await move(card.id, 'in_progress', card.version);
    expect(moved.status).toBe(200);
    expect(await counts(card.id)).toEqual({ activity: before.activity + 1, events: before.events + 1 });
    const activity = await (await t.call('GET', `/api/tasks/${card.id}/activity`, { cookie: agent })).json();
    expect(activity.at(-1)).toMatchObject({ action: 'moved', changes: { status: ['todo', 'in_progress'] } });

    const stale = await move(card.id, 'done', card.version);
    expect(stale.status).toBe(409);
    expect(await counts(card.id)).toEqual({ activity: before.activity + 1, events: before.events + 1 });
    expect((await row(card.id)).status).toBe('in_progress');
  });

  it('counts the cycles open on a card as the engine opens and ends them', async () => {
    const card = await (
      await t.call('POST', '/api/tasks', {
        cookie: agent,
        body: {
          type: 'core.task',
          title: 'late',
          dueAt: new Date(Date.now() - HOUR).toISOString(),
          assignTo: { roleId: 'agent' },
        },
      })
    ).json();
    expect((await row(card.id)).open_escalations).toBe(1);
    const current = await row(card.id);
    expect((await move(card.id, 'done', current.version)).status).toBe(200);
    expect((await row(card.id)).open_escalations).toBe(0);
  });

  it('still ends an open cycle when the card is written after its rule was removed from the roles file', async () => {
    const card = await (
      await t.call('POST', '/api/tasks', {
        cookie: agent,
        body: {
          type: 'core.task',
          title: 'late, rule removed',
          dueAt: new Date(Date.now() - HOUR).toISOString(),
          assignTo: { roleId: 'agent' },
        },
      })
    ).json();
    expect((await row(card.id)).open_escalations).toBe(1);
    const active = await t.services.org.active();
    await t.services.org.activate([{ name: 'writes.yaml', text: org('') }], {
      baseVersionId: active.versionId,
      authorId: null,
      origin: 'api',
    });

    expect((await move(card.id, 'done', (await row(card.id)).version)).status).toBe(200);
    expect((await row(card.id)).open_escalations).toBe(0);
    const runs = await (await t.call('GET', `/api/escalations/runs?task=${card.id}`, { cookie: lead })).json();
    expect(runs[0]).toMatchObject({ outcome: 'ended', reason: 'the card is done' });
    await t.services.org.activate([{ name: 'writes.yaml', text: org(overdueRule) }], {
      baseVersionId: (await t.services.org.active()).versionId,
      authorId: null,
      origin: 'api',
    });
  });

  it('tells a watcher who started watching between the read of the card and its write', async () => {
    const card = await (
      await t.call('POST', '/api/tasks', { cookie: agent, body: { type: 'core.task', title: 'watched race' } })
    ).json();
    const seen = await row(card.id);
    const leadId = (await (await t.call('GET', '/api/me', { cookie: lead })).json()).id;
    expect((await t.call('PUT', `/api/tasks/${card.id}/watch`, { cookie: lead })).status).toBe(200);
    expect(seen.watchers).toBe(0);

    const { change } = createTaskWriter({
      db: t.db,
      repo: createTaskRepository(t.db.kysely),
      afterCommit: () => undefined,
    });
    await change(
      seen,
      seen.version,
      { title: 'watched race, renamed' },
      {
        event: 'task.updated',
        actor: null,
        action: 'updated',
        changes: { title: ['watched race', 'watched race, renamed'] },
      },
    );
    const told = await t.db.kysely
      .selectFrom('notifications')
      .select(['user_id', 'kind'])
      .where('task_id', '=', card.id)
      .execute();
    expect(told).toEqual([{ user_id: leadId, kind: 'watched.updated' }]);
  });

  it('runs the event path after all when a cycle opened between reading the card and writing it', async () => {
    const card = await (
      await t.call('POST', '/api/tasks', { cookie: agent, body: { type: 'core.task', title: 'race' } })
    ).json();
    const seen = await row(card.id);
    await t.db.kysely.updateTable('tasks').set({ open_escalations: 1 }).where('id', '=', card.id).execute();
    const checked: number[] = [];
    const { change } = createTaskWriter({
      db: t.db,
      repo: createTaskRepository(t.db.kysely),
      afterCommit: () => undefined,
      afterChange: {
        prepare: async () => null,
        concerns: () => false,
        run: async (_tx, current) => {
          checked.push(current.id);
          return current;
        },
      },
    });
    const updated = await change(
      seen,
      seen.version,
      { title: 'race, renamed' },
      { event: 'task.updated', actor: null, action: 'updated', changes: { title: ['race', 'race, renamed'] } },
    );
    expect(updated).toMatchObject({ title: 'race, renamed', version: seen.version + 1 });
    expect(checked).toEqual([card.id]);
    expect((await counts(card.id)).activity).toBe(2);
  });
});
