// The scheduler under contention, on every database: rival schedulers and processes, a rival winning
// between our check and our insert, a run that dies half-way, and the timer's start and stop.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createDutyScheduler, type DutySchedulerDeps } from '../core/duties/duty-scheduler.ts';
import { createServices, type Services } from '../core/compose.ts';
import { testDatabases, type TestDatabase } from './helpers/databases.ts';
import { ANN, BOB, dutyOrg, WEEKLY_FEEDBACK } from './helpers/duty-org.ts';
import { memoryLogger } from './helpers/silent-logger.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

const FRIDAY_EVENING = new Date('2026-11-27T09:00:00Z'); // 17:00 in Shanghai
type Create = Services['tasks']['create'];

/** The services with tasks.create replaced, the way a test puts something in the scheduler's path. */
function withCreate(
  services: Services,
  create: (real: Create, ...args: Parameters<Create>) => ReturnType<Create>,
): DutySchedulerDeps['services'] {
  return {
    ...services,
    tasks: { ...services.tasks, create: (...args: Parameters<Create>) => create(services.tasks.create, ...args) },
  };
}

async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

describe.each(testDatabases)('duty scheduler under contention on $kind', (database: TestDatabase) => {
  let t: TestApp;
  afterEach(() => t.dispose());

  const setUp = async () => {
    // Activated on 1 November, before every run below.
    t = await createTestApp(database, dutyOrg({ analyst: [WEEKLY_FEEDBACK] }), {
      now: () => new Date('2026-11-01T00:00:00Z'),
    });
    const ids = Object.fromEntries((await t.services.users.list()).map((person) => [person.email, person.id]));
    return { ids, log: memoryLogger() };
  };
  const countOf = async (table: 'tasks' | 'task_activity' | 'events') =>
    Number(
      (
        await t.db.kysely
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  /** Events about cards (the organisation's activation is one too). */
  const cardEvents = async () =>
    Number(
      (
        await t.db.kysely
          .selectFrom('events')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('task_id', 'is not', null)
          .executeTakeFirstOrThrow()
      ).n,
    );
  const dutyKeys = async () =>
    (await t.db.kysely.selectFrom('tasks').select('duty_key').orderBy('duty_key').execute()).map((row) => row.duty_key);

  it('makes exactly one card per holder and period when schedulers of two service sets run at once', async () => {
    const { log } = await setUp();
    // A second set of services on the same database stands for a second server process (on PostgreSQL
    // its queries run on other pooled connections, truly concurrently).
    const other = createServices({ db: t.db, log: log.log });
    const schedulers = [t.services, other, t.services, other].map((services) =>
      createDutyScheduler({ services, log: log.log }),
    );
    for (let week = 0; week < 4; week++) {
      const now = new Date(FRIDAY_EVENING.getTime() + week * 7 * 86_400_000);
      const results = await Promise.all(schedulers.map((scheduler) => scheduler.runOnce(now)));
      expect(results.reduce((sum, r) => sum + r.created, 0)).toBe(2);
      expect(results.reduce((sum, r) => sum + r.skipped, 0)).toBe(6);
      expect(results.every((r) => r.failed === 0)).toBe(true);
      expect(await countOf('tasks')).toBe(2 * (week + 1));
    }
    expect(new Set(await dutyKeys()).size).toBe(8);
    expect(log.lines().filter((line) => line.level === 50)).toEqual([]);
  });

  it('does not even try a card it can see exists (no needless failed transactions)', async () => {
    const { log } = await setUp();
    let attempts = 0;
    const counting = withCreate(t.services, (real, ...args) => {
      attempts++;
      return real(...args);
    });
    const scheduler = createDutyScheduler({ services: counting, log: log.log });
    expect((await scheduler.runOnce(FRIDAY_EVENING)).created).toBe(2);
    for (let i = 0; i < 5; i++)
      expect(await scheduler.runOnce(FRIDAY_EVENING)).toEqual({ created: 0, skipped: 2, failed: 0 });
    expect(attempts).toBe(2);
  });

  it('counts a card another process inserted between our check and our insert as skipped, leaving no trace', async () => {
    const { log } = await setUp();
    // The rival commits the same card just before ours: our insert hits the unique duty key and rolls back.
    const racing = withCreate(t.services, async (real, ...args) => {
      await real(...args);
      return real(...args);
    });
    const scheduler = createDutyScheduler({ services: racing, log: log.log });
    expect(await scheduler.runOnce(FRIDAY_EVENING)).toEqual({ created: 0, skipped: 2, failed: 0 });
    expect([await countOf('tasks'), await countOf('task_activity'), await cardEvents()]).toEqual([2, 2, 2]);
    expect(log.lines().filter((line) => line.level === 50)).toEqual([]);
  });

  it('logs a card that fails for another reason, goes on with the rest, and a restart completes the period', async () => {
    const { ids, log } = await setUp();
    const failing = withCreate(t.services, async (real, actor, input, options) => {
      if (input.assignTo?.personId === ids[ANN]) throw new Error('disk full');
      return real(actor, input, options);
    });
    expect(await createDutyScheduler({ services: failing, log: log.log }).runOnce(FRIDAY_EVENING)).toEqual({
      created: 1,
      skipped: 0,
      failed: 1,
    });
    expect(await dutyKeys()).toEqual([`weekly-feedback/${ids[BOB]}/week:2026-11-23`]);
    const errors = log.lines().filter((line) => line.level === 50);
    expect(errors).toEqual([
      expect.objectContaining({
        msg: 'duty card could not be created',
        dutyKey: `weekly-feedback/${ids[ANN]}/week:2026-11-23`,
        duty: 'weekly-feedback',
      }),
    ]);

    // A new process (a restart) later in the week makes only the card that is missing.
    const restarted = createDutyScheduler({ services: t.services, log: log.log });
    expect(await restarted.runOnce(new Date('2026-11-28T03:00:00Z'))).toEqual({ created: 1, skipped: 1, failed: 0 });
    expect(await countOf('tasks')).toBe(2);
  });

  it('runs on a timer without overlapping itself, and stop() waits for the run in progress', async () => {
    const { log } = await setUp();
    let inFlight = 0;
    let mostInFlight = 0;
    // Each card takes a while, far longer than the timer's period: overlapping runs would create at once.
    const slow = withCreate(t.services, async (real, ...args) => {
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      try {
        await sleep(60);
        return await real(...args);
      } finally {
        inFlight--;
      }
    });
    let ticks = 0;
    const scheduler = createDutyScheduler({
      services: slow,
      log: log.log,
      now: () => {
        ticks++;
        return FRIDAY_EVENING;
      },
    });
    scheduler.start(5);
    await until(async () => ticks >= 3 && (await countOf('tasks')) === 2);
    await scheduler.stop();
    expect(inFlight).toBe(0);
    expect(mostInFlight).toBe(1);
    const ticksAtStop = ticks;
    await sleep(50);
    expect(ticks).toBe(ticksAtStop);
    expect(await countOf('tasks')).toBe(2);
    expect(log.lines().filter((line) => line.level === 50)).toEqual([]);

    // start() runs at once; stop() right after returns only when that run has finished.
    const next = createDutyScheduler({ services: slow, log: log.log, now: () => new Date('2026-12-04T09:00:00Z') });
    next.start(60_000);
    await next.stop();
    expect(inFlight).toBe(0);
    expect(await countOf('tasks')).toBe(4);
  });

  it('logs a failed timer run and keeps going', async () => {
    const { log } = await setUp();
    let failures = 1;
    const flaky: DutySchedulerDeps['services'] = {
      ...t.services,
      org: {
        ...t.services.org,
        current: async () =>
          failures-- > 0 ? Promise.reject(new Error('connection reset')) : t.services.org.current(),
      },
    };
    const scheduler = createDutyScheduler({ services: flaky, log: log.log, now: () => FRIDAY_EVENING });
    scheduler.start(5);
    await until(async () => (await countOf('tasks')) === 2);
    await scheduler.stop();
    expect(log.lines().filter((line) => line.level === 50)).toEqual([
      expect.objectContaining({ msg: 'duty scheduler run failed' }),
    ]);
  });
});
