// The escalation engine on every database: levels climb the reporting line, vacant roles are skipped
// and recorded, stop_when ends a cycle, a re-match starts again at level 1, and each level of a cycle
// fires exactly once however often (and however concurrently) the scheduler runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEscalationScheduler } from '../core/escalation/escalation-scheduler.ts';
import { testDatabases } from './helpers/databases.ts';
import { memoryLogger } from './helpers/silent-logger.ts';
import { createTestApp, demoRoles, type TestApp } from './helpers/test-app.ts';

const org = `
version: 1
organization: {id: chain, name: Chain, timezone: Asia/Shanghai}
departments:
  - {id: service, name: Service, head: lead}
roles:
  - {id: director, name: Director, can: [boards.view, escalations.view]}
  - {id: lead, name: Lead, department: service, reports_to: director, can: [boards.view]}
  - {id: senior, name: Senior, department: service, reports_to: lead, can: [boards.view]}
  - id: agent
    name: Agent
    department: service
    reports_to: senior
    can: [boards.view, tasks.create, tasks.edit, tasks.move]
    escalations:
      - id: overdue
        title: 逾期未处理
        applies_to: {task_types: [core.task]}
        when: {">": [{var: task.overdue_hours}, 0]}
        stop_when: {in: [{var: task.status}, [blocked, done]]}
        levels:
          - {after: PT0M, to: reports_to, then: [notify, label:overdue]}
          - {after: PT2H, to: reports_to, then: [notify, raise_priority]}
          - {after: PT4H, to: department_head, then: [reassign]}
members:
  - {email: boss@chain.test, name: Boss, roles: [director]}
  - {email: lead@chain.test, name: Lead, roles: [lead]}
  - {email: agent@chain.test, name: Agent, roles: [agent]}
`;
// Nobody holds `senior`: level 1 (reports_to of agent) passes to lead.

const HOUR = 3_600_000;

describe.each(testDatabases)('escalations on $kind', (database) => {
  let t: TestApp;
  let clock = Date.now();
  let agent: string;
  let boss: string;
  const scheduler = () => createEscalationScheduler({ db: t.services.db, org: t.services.org, engine: t.services.engine, announce: t.services.events.announce, log: memoryLogger().log });

  beforeAll(async () => {
    t = await createTestApp(database, [{ name: 'chain.yaml', text: org }], { now: () => new Date(clock) });
    [agent, boss] = await Promise.all([t.signIn('agent@chain.test'), t.signIn('boss@chain.test')]);
  });
  afterAll(() => t.dispose());

  const overdueCard = async (title: string) => {
    const card = await (await t.call('POST', '/api/tasks', { cookie: agent, body: { type: 'core.task', title, dueAt: new Date(clock - HOUR).toISOString(), assignTo: { roleId: 'agent' } } })).json();
    return card as { id: number; version: number };
  };
  const ledger = async (taskId: number) => (await (await t.call('GET', `/api/escalations?task=${taskId}`, { cookie: boss })).json()) as { level: number; cycle: number; targetRole: string | null; skippedRoles: string[] }[];
  const get = async (id: number) => (await (await t.call('GET', `/api/tasks/${id}`, { cookie: agent })).json()) as { priority: string; labels: string[]; roleId: string; version: number; status: string };

  it('fires level 1 in the same write, skipping the vacant role and recording it', async () => {
    const card = await overdueCard('逾期 A');
    expect(await ledger(card.id)).toEqual([expect.objectContaining({ level: 0, cycle: 1, targetRole: 'lead', skippedRoles: ['senior'] })]);
    expect((await get(card.id)).labels).toEqual(['overdue']);
    const lead = await t.signIn('lead@chain.test');
    const inbox = await (await t.call('GET', '/api/notifications', { cookie: lead })).json();
    expect(inbox.unread).toBeGreaterThanOrEqual(1);
    expect(inbox.items[0]).toMatchObject({ taskId: card.id, kind: 'escalation', title: '逾期未处理: 逾期 A' });
  });

  it('climbs the line as time passes, each level exactly once however often the scheduler runs', async () => {
    const card = await overdueCard('逾期 B');
    clock += 2 * HOUR + 60_000;
    const ticks = scheduler();
    for (let i = 0; i < 100; i++) await ticks.tick(new Date(clock));
    await Promise.all([ticks.tick(new Date(clock)), scheduler().tick(new Date(clock))]);
    const fired = await ledger(card.id);
    expect(fired.map((f) => [f.level, f.targetRole])).toEqual([[1, 'director'], [0, 'lead']]);
    expect((await get(card.id)).priority).toBe('high');

    clock += 2 * HOUR;
    for (let i = 0; i < 20; i++) await scheduler().tick(new Date(clock));
    const all = await ledger(card.id);
    expect(all.map((f) => [f.level, f.targetRole])).toEqual([[2, 'lead'], [1, 'director'], [0, 'lead']]);
    expect((await get(card.id)).roleId).toBe('lead');
  });

  it('ends the cycle on stop_when, and a re-match starts a new cycle at level 1', async () => {
    const card = await overdueCard('逾期 C');
    const started = await get(card.id);
    const blocked = await (await t.call('PATCH', `/api/tasks/${card.id}/transition`, { cookie: agent, body: { to: 'in_progress', expectedVersion: started.version } })).json();
    await t.call('PATCH', `/api/tasks/${card.id}/transition`, { cookie: agent, body: { to: 'blocked', expectedVersion: blocked.task.version } });
    clock += 3 * HOUR;
    await scheduler().tick(new Date(clock));
    expect((await ledger(card.id)).map((f) => f.level)).toEqual([0]);

    const now = await get(card.id);
    await t.call('PATCH', `/api/tasks/${card.id}/transition`, { cookie: agent, body: { to: 'in_progress', expectedVersion: now.version } });
    const fired = await ledger(card.id);
    expect(fired.map((f) => [f.cycle, f.level])).toEqual([[2, 0], [1, 0]]);
  });

  it('keeps the ledger for holders of escalations.view only', async () => {
    expect((await t.call('GET', '/api/escalations', { cookie: agent })).status).toBe(403);
  });
});

describe.each(testDatabases)('escalations over the demo organisation on $kind', (database) => {
  it('sends a late report to the reporting manager (ops specialist → ops lead)', async () => {
    const t = await createTestApp(database, demoRoles());
    try {
      const specialist = await t.services.users.holdersOf('ops-specialist');
      const card = await t.services.tasks.create(null, {
        type: 'core.report', title: '日报', dueAt: new Date(Date.now() - 3_600_000), assignTo: { personId: specialist[0]!.id, roleId: 'ops-specialist' },
      });
      const fired = await t.services.escalations.ledger({ taskId: card.id });
      expect(fired).toEqual([expect.objectContaining({ rule: 'ops-specialist/ops-report-late', level: 0, target_role: 'ops-lead' })]);
    } finally {
      await t.dispose();
    }
  });
});
