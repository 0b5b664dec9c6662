// The scheduler's SQL pass on every database: a rule that reads the clock fires on the tick after it
// turns true, with no timer on the card (the engine's 15-minute recheck is for rules without SQL); a rule the compiler refuses (business hours) still
// fires, on that recheck; a tick with nothing to change checks nothing; an open cycle ends from the tick.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEscalationScheduler } from '../core/escalation/escalation-scheduler.ts';
import { planStateChangeScan } from '../core/escalation/state-change-scan.ts';
import { testDatabases } from './helpers/databases.ts';
import { memoryLogger } from './helpers/silent-logger.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

const org = `
version: 1
organization: {id: clock, name: Clock, timezone: Asia/Shanghai}
roles:
  - {id: lead, name: Lead, can: [boards.view, escalations.view]}
  - id: agent
    name: Agent
    reports_to: lead
    can: [boards.view, tasks.create, tasks.edit, tasks.move, tasks.assign]
    escalations:
      - id: stale
        when: {">": [{var: task.age_hours}, 0.1]}
        levels: [{after: PT0M, to: reports_to, then: [notify]}]
  - id: clerk
    name: Clerk
    reports_to: lead
    can: [boards.view, tasks.create, tasks.edit, tasks.move]
    escalations:
      - id: stale-business
        when: {">": [{var: task.business_age_hours}, 0.1]}
        levels: [{after: PT0M, to: reports_to, then: [notify]}]
members:
  - {email: lead@clock.test, name: Lead, roles: [lead]}
  - {email: agent@clock.test, name: Agent, roles: [agent, clerk]}
`;

const MINUTE = 60_000;

describe.each(testDatabases)('escalation SQL pass on $kind', (database) => {
  let t: TestApp;
  let clock = Date.now();
  let agent: string;
  let lead: string;
  const scheduler = () =>
    createEscalationScheduler({
      db: t.services.db,
      org: t.services.org,
      engine: t.services.engine,
      announce: t.services.events.announce,
      log: memoryLogger().log,
    });

  beforeAll(async () => {
    // Core's pass on this organisation's own two rules: no plugins, so no plugin defaults join the scan.
    t = await createTestApp(database, [{ name: 'clock.yaml', text: org }], { now: () => new Date(clock), plugins: [] });
    [agent, lead] = await Promise.all([t.signIn('agent@clock.test'), t.signIn('lead@clock.test')]);
  });
  afterAll(() => t.dispose());

  const card = async (title: string, roleId: string) =>
    (await (
      await t.call('POST', '/api/tasks', { cookie: agent, body: { type: 'core.task', title, assignTo: { roleId } } })
    ).json()) as { id: number };
  const fired = async (taskId: number) =>
    ((await (await t.call('GET', `/api/escalations?task=${taskId}`, { cookie: lead })).json()) as { level: number }[])
      .length;
  const nextCheck = async (id: number) =>
    (
      await t.services.db.kysely
        .selectFrom('tasks')
        .select('next_check_at')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).next_check_at;

  it('compiles the clock rule and leaves the business-hours rule to the recheck', async () => {
    const scan = planStateChangeScan((await t.services.org.current())!, new Date(clock));
    expect(scan.compiled).toEqual(['agent/stale']);
    expect(scan.refused).toEqual([
      { key: 'clerk/stale-business', reason: expect.stringMatching(/business_age_hours has no SQL form/) },
    ]);
  });

  it('fires a clock rule on the tick after it turns true, before the 15-minute recheck', async () => {
    const created = clock;
    const stale = await card('stale soon', 'agent');
    const business = await card('stale in business hours', 'clerk');
    // Both rules are false on creation. The compiled one needs no timer; the other is rechecked in 15 minutes.
    expect(await nextCheck(stale.id)).toBeNull();
    expect(await nextCheck(business.id)).toEqual(new Date(created + 15 * MINUTE));

    clock = created + 7 * MINUTE; // age 0.117 h: both rules are true now
    const ticks = scheduler();
    expect(await ticks.tick(new Date(clock))).toEqual({ checked: 1, skipped: false });
    expect(await fired(stale.id)).toBe(1);
    expect(await fired(business.id)).toBe(0); // not compiled: waits for its recheck

    // Nothing left to change: the pass picks no card, and nothing fires twice.
    expect(await ticks.tick(new Date(clock))).toEqual({ checked: 0, skipped: false });

    clock = created + 16 * MINUTE;
    await ticks.tick(new Date(clock));
    expect(await fired(business.id)).toBe(1);
    expect(await fired(stale.id)).toBe(1);
  });

  it('ends an open cycle from the tick once stop_when holds, though the card is not due', async () => {
    const stale = await card('done elsewhere', 'agent');
    clock += 7 * MINUTE;
    await scheduler().tick(new Date(clock));
    expect(await fired(stale.id)).toBe(1);
    const open = () =>
      t.services.db.kysely
        .selectFrom('escalation_cycles')
        .select('rule')
        .where('task_id', '=', stale.id)
        .where('ended_at', 'is', null)
        .execute();
    expect(await open()).toEqual([{ rule: 'agent/stale' }]);
    // Finished by a write that bypassed the engine (an import, a fix by hand): only the tick can see it.
    await t.services.db.kysely
      .updateTable('tasks')
      .set({ status: 'done', category: 'done', next_check_at: null })
      .where('id', '=', stale.id)
      .execute();
    expect(await scheduler().tick(new Date(clock))).toEqual({ checked: 1, skipped: false });
    expect(await open()).toEqual([]);
  });
});
