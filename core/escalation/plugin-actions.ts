// Plugins' escalation actions (`then: [<plugin id>.<action>]`). They run after the level's firing is
// committed — on the scheduler's tick, one process at a time — never inside the card's transaction: an
// action writes cards through the task service like any other writer. Each (firing, action) runs once:
// its outcome goes to the run log, which is what marks it done; a throw or time-out is logged as
// `failed` with the reason and the tick goes on.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Logger } from '../logger.ts';
import { PLUGIN_ACTION } from '../org/format.schema.ts';
import type { HookContext, ParsedPlugin, PluginEscalationAction } from '../plugins/contract.ts';
import type { EscalationRepository } from './escalation.repository.ts';

export const ACTION_TIME_BOX_MS = 5_000;
/** Firings older than this are not looked at again (a server down for longer does not replay them). */
const LOOK_BACK_MS = 7 * 24 * 3_600_000;

export interface PluginActionRunner {
  /** Runs the plugin actions of recent firings that have not run yet; returns how many ran (or failed). */
  runPending(db: Kysely<Database>, now: Date): Promise<number>;
}

export function createPluginActionRunner(deps: {
  plugins: readonly ParsedPlugin[];
  context: HookContext;
  escalations: EscalationRepository;
  log: Logger;
  timeBoxMs?: number;
}): PluginActionRunner {
  const actions = new Map<string, PluginEscalationAction>(
    deps.plugins.flatMap((plugin) =>
      (plugin.escalationActions ?? []).map((action) => [`${plugin.id}.${action.name}`, action] as const),
    ),
  );
  const timeBoxMs = deps.timeBoxMs ?? ACTION_TIME_BOX_MS;

  async function runOne(
    firing: { id: number; task_id: number; rule: string; cycle: number; level: number; target_role: string | null },
    text: string,
  ): Promise<{ ok: boolean; reason: string }> {
    const { plugin, name, argument } = PLUGIN_ACTION.exec(text)!.groups!;
    const action = actions.get(`${plugin}.${name}`);
    if (!action) return { ok: false, reason: `${plugin}.${name}: plugin "${plugin}" with this action is not loaded` };
    const card = await deps.context.cards.get(firing.task_id);
    if (!card) return { ok: false, reason: `${plugin}.${name}: card ${firing.task_id} is gone` };
    const ctx = {
      card,
      argument: argument ?? null,
      key: `escalation:${firing.id}:${text}`,
      escalation: { rule: firing.rule, cycle: firing.cycle, level: firing.level, targetRole: firing.target_role },
    };
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>(
      (_, reject) => (timer = setTimeout(() => reject(new Error(`did not finish within ${timeBoxMs} ms`)), timeBoxMs)),
    );
    try {
      await Promise.race([Promise.resolve().then(() => action.run(ctx, deps.context)), timedOut]);
      return { ok: true, reason: `${plugin}.${name} ran` };
    } catch (error) {
      deps.log.warn({ plugin, action: name, taskId: firing.task_id, err: error }, 'plugin escalation action failed');
      return {
        ok: false,
        reason: `${plugin}.${name} failed: ${error instanceof Error ? error.message : String(error)}`,
      };
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async runPending(db, now) {
      if (!actions.size) return 0; // no plugin declares one: no firing can name one that runs
      const firings = await deps.escalations.firingsWithPluginActions(db, new Date(now.getTime() - LOOK_BACK_MS));
      if (!firings.length) return 0;
      const done = await deps.escalations.actionsRun(db, firings);
      let ran = 0;
      for (const firing of firings) {
        for (const text of firing.actions.filter(
          (action) => PLUGIN_ACTION.test(action) && !done.has(`${firing.id} ${action}`),
        )) {
          const { ok, reason } = await runOne(firing, text);
          await deps.escalations.log(db, {
            task_id: firing.task_id,
            rule: firing.rule,
            outcome: ok ? 'fired' : 'failed',
            level: firing.level,
            inputs: { firing: firing.id, action: text },
            reason,
            at: now,
          });
          ran += 1;
        }
      }
      return ran;
    },
  };
}
