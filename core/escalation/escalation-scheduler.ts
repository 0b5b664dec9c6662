// The time path: every tick, the cards whose next check has come, and those the SQL pass finds with an
// escalation state to change now (state-change-scan.ts), are checked again. On PostgreSQL one process at
// a time runs a tick (an advisory lock); the firing ledger's unique key makes each level fire once even
// if two ticks overlapped anyway.
import type { Kysely } from 'kysely';
import type { Db } from '../db/create-db.ts';
import type { Database } from '../db/schema.ts';
import type { Logger } from '../logger.ts';
import type { OrgService } from '../org/org.service.ts';
import type { ScheduleRunner } from '../plugins/schedules.ts';
import type { EscalationEngine } from './escalation-engine.ts';
import { planStateChangeScan } from './state-change-scan.ts';
import { blockSlices, sliceCount } from '../db/block-slices.ts';

const LOCK_KEY = 727_100_001;
const BATCH = 500;

/** `onActivated`: registers a reaction to a new organisation version, so its rules act without waiting for the timer. */
export function createEscalationScheduler(deps: {
  db: Db;
  org: OrgService;
  engine: EscalationEngine;
  announce: () => void;
  log: Logger;
  now?: () => Date;
  onActivated?: (react: () => void) => void;
  /** Plugins' schedules, run at the end of each tick (one process at a time, like their escalation actions). */
  schedules?: ScheduleRunner;
}) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  const reported = new Set<number>();

  async function checkDue(db: Kysely<Database>, now: Date): Promise<number> {
    const model = await deps.org.current();
    if (!model) return 0;
    const due = await db
      .selectFrom('tasks')
      .select('id')
      .where('next_check_at', '<=', now)
      .where('archived_at', 'is', null)
      .orderBy('next_check_at')
      .limit(BATCH)
      .execute();
    const scan = planStateChangeScan(model, now);
    if (scan.refused.length && !reported.has(model.versionId)) {
      reported.add(model.versionId);
      deps.log.info(
        { rules: scan.refused },
        'escalation rules without an SQL form: checked on their recheck interval only',
      );
    }
    // A large table is scanned in block ranges on several pool connections at once (PostgreSQL only).
    const { count, blocks } = await sliceCount(deps.db, 'tasks');
    const changing = new Set(await scan.run(count > 1 ? deps.db.kysely : db, BATCH, blockSlices(blocks, count)));
    let checked = 0;
    for (const id of new Set([...due.map((row) => row.id), ...changing])) {
      await db.transaction().execute(async (tx) => {
        const card = await tx.selectFrom('tasks').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
        // Another tick may have checked it meanwhile (next check moved on), or it was archived.
        if (!card || card.archived_at !== null) return;
        if (!changing.has(id) && (card.next_check_at === null || card.next_check_at > now)) return;
        await deps.engine.check(tx, card, model, now);
        checked += 1;
      });
    }
    // After the firings' transactions: plugins' actions write cards through the task service.
    await deps.engine.runPluginActions(db, now);
    await deps.schedules?.runDue(now);
    if (checked) deps.announce();
    return checked;
  }

  async function tick(now = deps.now?.() ?? new Date()): Promise<{ checked: number; skipped: boolean }> {
    const checked = await deps.db.exclusively(LOCK_KEY, (db) => checkDue(db, now));
    return checked === undefined ? { checked: 0, skipped: true } : { checked, skipped: false };
  }

  function background(): void {
    if (running) return;
    running = tick()
      .catch((error: unknown) => deps.log.warn({ err: error }, 'escalation tick failed'))
      .finally(() => (running = undefined));
  }

  function runSoon(): void {
    if (timer) background();
  }

  return {
    tick,
    start(everyMs = 30_000): void {
      if (!timer) deps.onActivated?.(runSoon);
      timer = setInterval(background, everyMs);
      timer.unref();
    },
    /** Ticks now, unless a tick is under way or the timer is stopped (an activation: new rules act at once). */
    runSoon,
    async stop(): Promise<void> {
      clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
