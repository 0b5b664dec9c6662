// Plugins' time-based work (`schedules:`): each runs on core's scheduler tick once `every` has passed
// since its last run in this process (the first tick runs it), with the tick's time as its clock. A run
// is time-boxed; a throw or time-out is logged with the plugin's id and the other schedules still run.
// "Once" across restarts and processes is the plugin's keyed `cards.create`, not this runner.
import { addDuration } from '../duties/cadence.ts';
import type { Logger } from '../logger.ts';
import type { HookContext, ParsedPlugin } from './contract.ts';

export const SCHEDULE_TIME_BOX_MS = 5_000;

export interface ScheduleRunner {
  /** Runs the schedules whose time has come at `now`; returns how many ran (failed ones included). */
  runDue(now: Date): Promise<number>;
}

export function createScheduleRunner(deps: {
  plugins: readonly ParsedPlugin[];
  context: HookContext;
  log: Logger;
  timeBoxMs?: number;
}): ScheduleRunner {
  const timeBoxMs = deps.timeBoxMs ?? SCHEDULE_TIME_BOX_MS;
  const schedules = deps.plugins.flatMap((plugin) =>
    (plugin.schedules ?? []).map((schedule) => ({
      plugin: plugin.id,
      schedule,
      everyMs: addDuration(new Date(0), schedule.every, 'UTC').getTime(),
    })),
  );
  const lastRun = new Map<string, number>();

  async function runOne(plugin: string, run: (context: HookContext) => unknown, now: Date, id: string) {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>(
      (_, reject) => (timer = setTimeout(() => reject(new Error(`did not finish within ${timeBoxMs} ms`)), timeBoxMs)),
    );
    try {
      await Promise.race([Promise.resolve().then(() => run({ ...deps.context, now: () => now })), timedOut]);
    } catch (error) {
      deps.log.error(
        { plugin, schedule: id, err: error },
        'plugin schedule failed; it runs again when its time next comes',
      );
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async runDue(now) {
      let ran = 0;
      for (const { plugin, schedule, everyMs } of schedules) {
        const key = `${plugin}/${schedule.id}`;
        const last = lastRun.get(key);
        if (last !== undefined && now.getTime() - last < everyMs) continue;
        lastRun.set(key, now.getTime());
        await runOne(plugin, schedule.run, now, schedule.id);
        ran += 1;
      }
      return ran;
    },
  };
}
