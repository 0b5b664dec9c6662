// Runs plugins' hooks. beforeTransition: in dependency order, each within a time box; the first veto,
// throw or time-out refuses the move (naming the plugin). afterCommit: for every committed event;
// a failure is logged and changes nothing.
import type { EventBus } from '../events/event-bus.ts';
import type { Logger } from '../logger.ts';
import type { ParsedPlugin, HookContext, TransitionContext } from './contract.ts';

export const HOOK_TIME_BOX_MS = 500;

export interface VetoResult {
  plugin: string;
  reason: string;
}

export interface HookRunner {
  beforeTransition(ctx: TransitionContext): Promise<VetoResult | undefined>;
  /** Starts calling afterCommit hooks for events from the bus; returns the unsubscribe. */
  attach(events: Pick<EventBus, 'subscribe'>): () => void;
}

/** `context`: what hooks may read and make (core/plugins/hook-context.ts). */
export function createHookRunner(
  plugins: readonly ParsedPlugin[],
  log: Logger,
  context: HookContext,
  timeBoxMs = HOOK_TIME_BOX_MS,
): HookRunner {
  const guarded = plugins.filter((plugin) => plugin.hooks?.beforeTransition);
  const listening = plugins.filter((plugin) => plugin.hooks?.afterCommit);
  return {
    async beforeTransition(ctx) {
      for (const plugin of guarded) {
        const reason = await askWithin(timeBoxMs, () => plugin.hooks!.beforeTransition!(ctx, context));
        if (reason === undefined) continue;
        log.warn(
          { plugin: plugin.id, taskId: ctx.task.id, from: ctx.from, to: ctx.to },
          `plugin vetoed a transition: ${reason}`,
        );
        return { plugin: plugin.id, reason };
      }
      return undefined;
    },
    attach(events) {
      if (listening.length === 0) return () => undefined;
      return events.subscribe((delivered) => {
        for (const event of delivered) {
          const change = {
            eventId: event.id,
            type: event.type,
            taskId: event.taskId,
            taskType: event.taskType,
            actorId: event.actorId,
            createdAt: event.createdAt,
          };
          for (const plugin of listening) {
            const failed = (error: unknown) =>
              log.error(
                { plugin: plugin.id, err: error, eventId: event.id },
                'plugin afterCommit hook failed; the change stays',
              );
            try {
              void Promise.resolve(plugin.hooks!.afterCommit!(change, context)).catch(failed);
            } catch (error) {
              failed(error);
            }
          }
        }
      });
    },
  };
}

/** The hook's veto reason, a reason for its throw or time-out, or undefined when it lets the move through. */
async function askWithin(ms: number, ask: () => unknown): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`did not answer within ${ms} ms`), ms);
  });
  try {
    const answer = await Promise.race([
      Promise.resolve()
        .then(ask)
        .then(vetoOf, (error: unknown) => `failed: ${error instanceof Error ? error.message : String(error)}`),
      timedOut,
    ]);
    return answer;
  } finally {
    clearTimeout(timer);
  }
}

function vetoOf(answer: unknown): string | undefined {
  if (answer === undefined || answer === null) return undefined;
  const veto = (answer as { veto?: unknown }).veto;
  return typeof veto === 'string' && veto ? veto : 'answered something other than undefined or {veto: reason}';
}
