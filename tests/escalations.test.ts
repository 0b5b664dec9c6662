// The escalation engine on every database: levels climb the reporting line, vacant roles are skipped
// and recorded, stop_when ends a cycle, a re-match starts again at level 1, and each level of a cycle
// fires exactly once however often (and however concurrently) the scheduler runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEscalationScheduler } from '../core/escalation/escalation-scheduler.ts';
import { attachBoardSockets } from '../core/events/board-socket.ts';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startHttpServer } from '../core/http/server.ts';
import { verifySignature } from '../core/notifications/generic-webhook.ts';
import { createWebhookDispatcher } from '../core/notifications/webhook-outbox.ts';
import { createWebhookTargets } from '../core/notifications/webhook-targets.ts';
import { connectInbox } from './helpers/live-client.ts';
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
    can: [boards.view, tasks.create, tasks.edit, tasks.move, tasks.assign]   # creates cards for the agents' queue
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
  const scheduler = () =>
    createEscalationScheduler({
      db: t.services.db,
      org: t.services.org,
      engine: t.services.engine,
      announce: t.services.events.announce,
      log: memoryLogger().log,
    });

  beforeAll(async () => {
    t = await createTestApp(database, [{ name: 'chain.yaml', text: org }], { now: () => new Date(clock) });
    [agent, boss] = await Promise.all([t.signIn('agent@chain.test'), t.signIn('boss@chain.test')]);
  });
  afterAll(() => t.dispose());

  const overdueCard = async (title: string) => {
    const card = await (
      await t.call('POST', '/api/tasks', {
        cookie: agent,
        body: { type: 'core.task', title, dueAt: new Date(clock - HOUR).toISOString(), assignTo: { roleId: 'agent' } },
      })
    ).json();
    return card as { id: number; version: number };
  };
  const ledger = async (taskId: number) =>
    (await (await t.call('GET', `/api/escalations?task=${taskId}`, { cookie: boss })).json()) as {
      level: number;
      cycle: number;
      targetRole: string | null;
      skippedRoles: string[];
    }[];
  const get = async (id: number) =>
    (await (await t.call('GET', `/api/tasks/${id}`, { cookie: agent })).json()) as {
      priority: string;
      labels: string[];
      roleId: string;
      version: number;
      status: string;
    };

  it('fires level 1 in the same write, skipping the vacant role and recording it', async () => {
    const card = await overdueCard('逾期 A');
    expect(await ledger(card.id)).toEqual([
      expect.objectContaining({ level: 0, cycle: 1, targetRole: 'lead', skippedRoles: ['senior'] }),
    ]);
    expect((await get(card.id)).labels).toEqual(['overdue']);
    const lead = await t.signIn('lead@chain.test');
    const inbox = await (await t.call('GET', '/api/notifications', { cookie: lead })).json();
    expect(inbox.unread).toBeGreaterThanOrEqual(1);
    expect(inbox.items[0]).toMatchObject({ taskId: card.id, kind: 'escalation', title: '逾期未处理: 逾期 A' });
  });

  it('answers a create whose escalation fires at once with the card as committed, so the first edit is not a 409', async () => {
    const created = (await overdueCard('逾期 创建即升级')) as { id: number; version: number; labels?: string[] };
    const stored = await get(created.id);
    expect(stored.labels).toEqual(['overdue']);
    expect(created).toMatchObject({ version: stored.version, labels: ['overdue'] });
    const edit = await t.call('PATCH', `/api/tasks/${created.id}`, {
      cookie: agent,
      body: { expectedVersion: created.version, title: '逾期 已跟进' },
    });
    expect(edit.status, await edit.clone().text()).toBe(200);
  });

  it('climbs the line as time passes, each level exactly once however often the scheduler runs', async () => {
    const card = await overdueCard('逾期 B');
    clock += 2 * HOUR + 60_000;
    const ticks = scheduler();
    for (let i = 0; i < 100; i++) await ticks.tick(new Date(clock));
    await Promise.all([ticks.tick(new Date(clock)), scheduler().tick(new Date(clock))]);
    const fired = await ledger(card.id);
    expect(fired.map((f) => [f.level, f.targetRole])).toEqual([
      [1, 'director'],
      [0, 'lead'],
    ]);
    expect((await get(card.id)).priority).toBe('high');

    clock += 2 * HOUR;
    for (let i = 0; i < 20; i++) await scheduler().tick(new Date(clock));
    const all = await ledger(card.id);
    expect(all.map((f) => [f.level, f.targetRole])).toEqual([
      [2, 'lead'],
      [1, 'director'],
      [0, 'lead'],
    ]);
    expect((await get(card.id)).roleId).toBe('lead');
  });

  it('ends the cycle on stop_when, and a re-match starts a new cycle at level 1', async () => {
    const card = await overdueCard('逾期 C');
    const started = await get(card.id);
    const blocked = await (
      await t.call('PATCH', `/api/tasks/${card.id}/transition`, {
        cookie: agent,
        body: { to: 'in_progress', expectedVersion: started.version },
      })
    ).json();
    await t.call('PATCH', `/api/tasks/${card.id}/transition`, {
      cookie: agent,
      body: { to: 'blocked', expectedVersion: blocked.task.version },
    });
    clock += 3 * HOUR;
    await scheduler().tick(new Date(clock));
    expect((await ledger(card.id)).map((f) => f.level)).toEqual([0]);

    const now = await get(card.id);
    await t.call('PATCH', `/api/tasks/${card.id}/transition`, {
      cookie: agent,
      body: { to: 'in_progress', expectedVersion: now.version },
    });
    const fired = await ledger(card.id);
    expect(fired.map((f) => [f.cycle, f.level])).toEqual([
      [2, 0],
      [1, 0],
    ]);
  });

  it('logs why cycles start and end and what fired, per card and per rule', async () => {
    const card = await overdueCard('逾期 D');
    const version = (await get(card.id)).version;
    await t.call('PATCH', `/api/tasks/${card.id}`, {
      cookie: agent,
      body: { expectedVersion: version, dueAt: new Date(clock + 24 * HOUR).toISOString() },
    });
    const runs = await (await t.call('GET', `/api/escalations/runs?task=${card.id}`, { cookie: boss })).json();
    expect(runs.map((r: { outcome: string }) => r.outcome)).toEqual(['ended', 'fired', 'started']);
    expect(runs[0].reason).toBe('when turned false: {">":[{"var":"task.overdue_hours"},0]}');
    expect(runs[1]).toMatchObject({ level: 0, reason: 'agent/overdue level 1 → lead (vacant, skipped: senior)' });
    expect(runs[2].inputs).toMatchObject({ taskId: card.id, overdue_hours: expect.any(Number) });
    const byRule = await (await t.call('GET', '/api/escalations/runs?rule=agent/overdue', { cookie: boss })).json();
    expect(byRule.length).toBeGreaterThanOrEqual(3);
  });

  it('dry-runs a rule against the open cards it watches', async () => {
    const late = await overdueCard('逾期 E');
    const onTime = await (
      await t.call('POST', '/api/tasks', {
        cookie: agent,
        body: {
          type: 'core.task',
          title: '按时 F',
          dueAt: new Date(clock + HOUR).toISOString(),
          assignTo: { roleId: 'agent' },
        },
      })
    ).json();
    const rows = await (
      await t.call('POST', '/api/escalations/dry-run', { cookie: boss, body: { rule: 'agent/overdue' } })
    ).json();
    expect(rows.find((r: { taskId: number }) => r.taskId === late.id)).toMatchObject({ when: true, firesNow: true });
    expect(rows.find((r: { taskId: number }) => r.taskId === onTime.id)).toMatchObject({
      when: false,
      firesNow: false,
      falseParts: ['{">":[{"var":"task.overdue_hours"},0]}'],
    });
    expect(
      (await t.call('POST', '/api/escalations/dry-run', { cookie: boss, body: { rule: 'agent/nope' } })).status,
    ).toBe(404);
  });

  it('pushes a new inbox notification live to its recipient only', async () => {
    const server = await startHttpServer(t.app, { port: 0, host: '127.0.0.1' });
    const sockets = attachBoardSockets(server.server, t.services, memoryLogger().log);
    try {
      const lead = await connectInbox(server.url, await t.signIn('lead@chain.test'));
      const director = await connectInbox(server.url, boss);
      await lead.waitFor((m) => m.type === 'hello');
      const card = await overdueCard('逾期 G');
      const pushed = await lead.waitFor((m) => m.type === 'notification' && m.event?.taskId === card.id);
      expect(pushed.task).toMatchObject({ id: card.id, title: '逾期 G' });
      await director.waitFor((m) => m.type === 'hello');
      expect(director.messages.some((m) => m.type === 'notification' && m.event?.taskId === card.id)).toBe(false);
      await Promise.all([lead.close(), director.close()]);
    } finally {
      sockets.close();
      await server.stop(1000);
    }
  });

  it("sends a fired level to the organisation's webhooks, signed, with a link to the card", async () => {
    const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
    const receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body });
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = receiver.address() as AddressInfo;
      await t.db.kysely
        .insertInto('webhooks')
        .values({
          name: 'ops',
          url: `http://127.0.0.1:${port}/hook`,
          channel: 'generic',
          secret: 's3cret',
          enabled: true,
        })
        .execute();
      const card = await overdueCard('逾期 W');
      const targets = createWebhookTargets({ allowHosts: ['127.0.0.1'] });
      await createWebhookDispatcher({ db: t.db, log: memoryLogger().log, targets }).runOnce(new Date(clock));
      const mine = received.map((r) => ({ ...r, json: JSON.parse(r.body) })).filter((r) => r.json.task?.id === card.id);
      expect(mine).toHaveLength(1);
      expect(mine[0]!.json).toMatchObject({
        type: 'task.escalated',
        rule: 'agent/overdue',
        targetRole: 'lead',
        cardUrl: `http://localhost:8787/tasks/${card.id}`,
      });
      const delivery = {
        timestamp: String(mine[0]!.headers['x-dutyboard-timestamp']),
        body: mine[0]!.body,
        signature: String(mine[0]!.headers['x-dutyboard-signature']),
      };
      expect(verifySignature('s3cret', delivery, new Date(clock))).toBe(true);
    } finally {
      receiver.close();
      await t.db.kysely.deleteFrom('webhooks').execute();
    }
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
        type: 'core.report',
        title: '日报',
        dueAt: new Date(Date.now() - 3_600_000),
        assignTo: { personId: specialist[0]!.id, roleId: 'ops-specialist' },
      });
      const fired = await t.services.escalations.ledger({ taskId: card.id });
      expect(fired).toEqual([
        expect.objectContaining({ rule: 'ops-specialist/ops-report-late', level: 0, target_role: 'ops-lead' }),
      ]);
    } finally {
      await t.dispose();
    }
  });
});

describe.each(testDatabases)('escalations of cards with a person or nobody on $kind', (database) => {
  // Monday 11:00 in Shanghai: inside the demo's business hours, so PT0M levels fire at once.
  const monday = new Date('2026-03-02T03:00:00.000Z');
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(database, demoRoles(), { now: () => monday });
  });
  afterAll(() => t.dispose());

  const make = (type: string, title: string, fields: Record<string, unknown>, assignTo?: { personId: string }) =>
    t.services.tasks.create(null, {
      type,
      title,
      fields,
      ...(assignTo ? { assignTo: { ...assignTo, roleId: null } } : {}),
    });
  // finance-backlog is listed under the finance lead: it watches cards by their role or their person's roles.
  const backlog = (assignTo?: { personId: string }) =>
    make('store.bookkeeping-backlog', '记账积压 5 天', { backlog_days: 5 }, assignTo);
  const backlogFired = [
    expect.objectContaining({ rule: 'finance-lead/finance-backlog', level: 0, target_role: 'ops-director' }),
  ];

  it("escalates a backlog card assigned straight to the finance lead, by the rules of the person's role", async () => {
    const [lead] = await t.services.users.holdersOf('finance-lead');
    const card = await backlog({ personId: lead!.id });
    expect(await t.services.escalations.ledger({ taskId: card.id })).toEqual(backlogFired);
  });

  it('escalates an unassigned backlog card by the rules that name its task type', async () => {
    const card = await backlog();
    expect(await t.services.escalations.ledger({ taskId: card.id })).toEqual(backlogFired);
  });

  it("leaves a person's card alone when none of their roles has a rule for it", async () => {
    const [packer] = await t.services.users.holdersOf('packer-shipper');
    const card = await backlog({ personId: packer!.id });
    expect(await t.services.escalations.ledger({ taskId: card.id })).toEqual([]);
  });

  it("escalates an 800 CNY claim by the after-sales plugin's default wherever it sits: an agent's, a packer's, nobody's", async () => {
    const [agent] = await t.services.users.holdersOf('after-sales-agent');
    const [packer] = await t.services.users.holdersOf('packer-shipper');
    const claim = (assignTo?: { personId: string }) =>
      make('after-sales.case', '索赔 ¥800', { case_type: 'lost_parcel', claim_amount: 800 }, assignTo);
    for (const card of [await claim({ personId: agent!.id }), await claim({ personId: packer!.id }), await claim()]) {
      expect(card.roleId).toBe('store-manager'); // level 1 reassigned it
      expect(await t.services.escalations.ledger({ taskId: card.id })).toEqual([
        expect.objectContaining({ rule: 'after-sales/claim-over-policy', level: 0, target_role: 'store-manager' }),
      ]);
    }
  });
});

describe.each(testDatabases)('escalations in business hours on $kind', (database) => {
  const org = `
version: 1
organization:
  id: office
  name: Office
  timezone: Asia/Shanghai
  business_hours: {days: [mon, tue, wed, thu, fri], from: "09:00", to: "18:00", holidays: ["2026-12-01"]}
roles:
  - {id: boss, name: Boss, can: [boards.view, escalations.view]}
  - id: clerk
    name: Clerk
    reports_to: boss
    can: [boards.view, tasks.create, tasks.assign]
    escalations:
      - id: slow
        business_hours: true
        when: {">": [{var: task.overdue_hours}, 0]}
        levels:
          - {after: PT0M, to: reports_to, then: [notify]}
          - {after: PT4H, to: reports_to, then: [raise_priority]}
members:
  - {email: boss@office.test, name: Boss, roles: [boss]}
  - {email: clerk@office.test, name: Clerk, roles: [clerk]}
`;

  it('counts `after` in business hours only: Friday 17:00 + 4 h is Monday 12:00, skipping a holiday', async () => {
    // Friday 27 Nov 2026, 17:00 in Shanghai; Monday 30 Nov is a working day; Tuesday 1 Dec a holiday.
    let clock = new Date('2026-11-27T09:00:00Z').getTime();
    const t = await createTestApp(database, [{ name: 'office.yaml', text: org }], { now: () => new Date(clock) });
    try {
      const clerk = await t.signIn('clerk@office.test');
      const card = await (
        await t.call('POST', '/api/tasks', {
          cookie: clerk,
          body: {
            type: 'core.task',
            title: '周五下午',
            dueAt: new Date(clock - 3_600_000).toISOString(),
            assignTo: { roleId: 'clerk' },
          },
        })
      ).json();
      const levels = async () => (await t.services.escalations.ledger({ taskId: card.id })).map((f) => f.level).sort();
      expect(await levels()).toEqual([0]);
      const tick = (iso: string) =>
        createEscalationScheduler({
          db: t.services.db,
          org: t.services.org,
          engine: t.services.engine,
          announce: () => {},
          log: memoryLogger().log,
        }).tick(new Date(iso));
      await tick('2026-11-28T04:00:00Z'); // Saturday noon: closed
      await tick('2026-11-30T03:59:00Z'); // Monday 11:59
      expect(await levels()).toEqual([0]);
      clock = new Date('2026-11-30T04:01:00Z').getTime();
      await tick('2026-11-30T04:01:00Z'); // Monday 12:01
      expect(await levels()).toEqual([0, 1]);
    } finally {
      await t.dispose();
    }
  });
});
