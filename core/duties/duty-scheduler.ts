// Turns every duty with `every` into one card per period per holder of its role. The database's
// unique duty key, not this process, guarantees "once": two processes or a restart mid-run only skip.
// A period whose deadline (its `due`, else its end) had passed when the duty became active gets no
// card: a new organisation does not start with a year of overdue reports.
import type { UsersRepository } from '../auth/users.repository.ts';
import type { Db } from '../db/create-db.ts';
import type { Logger } from '../logger.ts';
import type { Duty, Role } from '../org/format.schema.ts';
import type { OrgModel } from '../org/org-model.ts';
import type { OrgService } from '../org/org.service.ts';
import type { TaskService } from '../tasks/task.service.ts';
import { currentOccurrence, type Occurrence } from './cadence.ts';
import { createDutyRepository } from './duty.repository.ts';

export interface DutyRunResult {
  created: number;
  /** Cards that already existed, made by an earlier run or by another process. */
  skipped: number;
  /** Cards that could not be made (logged); the next run tries them again. */
  failed: number;
}

export interface DutyScheduler {
  runOnce(now?: Date): Promise<DutyRunResult>;
  /** Runs now and then every `everyMs` (default a minute), never two runs at once; does not keep the process alive. */
  start(everyMs?: number): void;
  /** Runs now, unless a run is under way or the timer is stopped (an activation: new duties need not wait a minute). */
  runSoon(): void;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

export interface DutySchedulerDeps {
  services: {
    db: Db;
    org: Pick<OrgService, 'current'>;
    users: Pick<UsersRepository, 'holderIdsByRole'>;
    tasks: Pick<TaskService, 'create'>;
    /** Runs `react` after every activation (core/org/activation.ts); without it, new duties wait for the next tick. */
    onActivated?: (react: () => void) => void;
  };
  log: Logger;
  /** The clock; tests pass a fixed one. */
  now?: () => Date;
}

interface PlannedCard {
  role: Role;
  duty: Duty;
  occurrence: Occurrence;
  personId: string;
  key: string;
}

const PG_UNIQUE_VIOLATION = '23505';

/** pg and PGlite both carry the SQLSTATE as `code`; look through a few wrapping `cause`s too. */
export function isUniqueViolation(error: unknown): boolean {
  let current = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
    if ((current as { code?: unknown }).code === PG_UNIQUE_VIOLATION) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

export function dutyKey(dutyId: string, personId: string, periodKey: string): string {
  return `${dutyId}/${personId}/${periodKey}`;
}

function cardDescription(duty: Duty): string | undefined {
  const parts = [duty.description, duty.deliverable === undefined ? undefined : `Deliverable: ${duty.deliverable}`];
  const text = parts.filter((part) => part !== undefined && part !== '').join('\n\n');
  return text === '' ? undefined : text;
}

export function createDutyScheduler(deps: DutySchedulerDeps): DutyScheduler {
  const { services, log } = deps;
  const clock = deps.now ?? (() => new Date());
  const repo = createDutyRepository(services.db.kysely);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let listening = false;
  let activeSince: { versionId: number; since: Map<string, Date> } | undefined;

  /** When each duty of the active version became active (read once per version). */
  async function dutiesActiveSince(model: OrgModel): Promise<Map<string, Date>> {
    if (activeSince?.versionId !== model.versionId) {
      const duties = model.definition.roles.flatMap((role) => role.duties.map((duty) => `${role.id}/${duty.id}`));
      activeSince = { versionId: model.versionId, since: await repo.activeSince(model.versionId, duties) };
    }
    return activeSince.since;
  }

  /** The cards this period calls for, read from the organisation version active now. */
  async function plan(now: Date, result: DutyRunResult): Promise<PlannedCard[]> {
    const model = await services.org.current();
    if (!model) return [];
    const timeZone = model.definition.organization.timezone;
    const since = await dutiesActiveSince(model);
    const due: { role: Role; duty: Duty; occurrence: Occurrence }[] = [];
    for (const role of model.definition.roles) {
      for (const duty of role.duties) {
        try {
          const occurrence = currentOccurrence(duty, now, timeZone);
          const activeFrom = since.get(`${role.id}/${duty.id}`);
          const deadline = occurrence?.dueAt ?? occurrence?.endsAt;
          if (occurrence && !(activeFrom && deadline!.getTime() <= activeFrom.getTime()))
            due.push({ role, duty, occurrence });
        } catch (error) {
          result.failed++;
          log.error({ err: error, role: role.id, duty: duty.id }, 'duty cadence could not be computed');
        }
      }
    }
    // One query for everyone's holders: a run every minute should not ask once per role.
    const holders = await services.users.holderIdsByRole([...new Set(due.map(({ role }) => role.id))]);
    const cards: PlannedCard[] = [];
    for (const { role, duty, occurrence } of due) {
      for (const personId of holders.get(role.id) ?? []) {
        cards.push({ role, duty, occurrence, personId, key: dutyKey(duty.id, personId, occurrence.periodKey) });
      }
    }
    return cards;
  }

  async function create(card: PlannedCard, result: DutyRunResult): Promise<void> {
    const { duty, occurrence } = card;
    try {
      const description = cardDescription(duty);
      await services.tasks.create(
        null,
        {
          type: duty.task_type,
          title: duty.title,
          ...(description === undefined ? {} : { description }),
          dueAt: occurrence.dueAt,
          assignTo: { personId: card.personId, roleId: card.role.id },
        },
        { dutyKey: card.key },
      );
      result.created++;
    } catch (error) {
      // Another process (or an earlier, interrupted run) made it between our check and our insert.
      if (isUniqueViolation(error)) {
        result.skipped++;
        return;
      }
      result.failed++;
      log.error(
        { err: error, role: card.role.id, duty: duty.id, personId: card.personId, dutyKey: card.key },
        'duty card could not be created',
      );
    }
  }

  async function runOnce(at?: Date): Promise<DutyRunResult> {
    const now = at ?? clock();
    const result: DutyRunResult = { created: 0, skipped: 0, failed: 0 };
    const cards = await plan(now, result);
    // A cheap look first, so a normal minute does not run (and roll back) a transaction per card.
    const existing = await repo.existingKeys(cards.map((card) => card.key));
    for (const card of cards) {
      if (existing.has(card.key)) result.skipped++;
      else await create(card, result);
    }
    if (result.created > 0 || result.failed > 0) log.info({ ...result, at: now.toISOString() }, 'duty cards scheduled');
    return result;
  }

  function tick(): void {
    if (running) return;
    running = runOnce()
      .then(
        () => undefined,
        (error: unknown) => log.error({ err: error }, 'duty scheduler run failed'),
      )
      .finally(() => {
        running = undefined;
      });
  }

  function runSoon(): void {
    if (timer) tick();
  }

  return {
    runOnce,
    start(everyMs = 60_000) {
      if (timer) return;
      // A new organisation version (here or on another process): its duties need not wait a minute.
      if (!listening) services.onActivated?.(runSoon);
      listening = true;
      timer = setInterval(tick, everyMs);
      timer.unref();
      tick();
    },
    runSoon,
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
