// Asks the plugins' beforeTransition hooks about a move (outside any transaction): a direct move and
// one an approved request carries out ask the same question about the same card.
import type { Actor } from '../auth/actor.ts';
import type { TransitionContext } from '../plugins/contract.ts';
import type { VetoResult } from '../plugins/hooks.ts';
import type { TaskRow } from '../tasks/task.repository.ts';

export type AskBeforeTransition = (ctx: TransitionContext) => Promise<VetoResult | undefined>;

export function askBeforeTransition(
  ask: AskBeforeTransition,
  row: TaskRow,
  to: string,
  actor: Actor,
): Promise<VetoResult | undefined> {
  const task = {
    id: row.id,
    type: row.type,
    title: row.title,
    status: row.status,
    fields: { ...(row.fields as Record<string, unknown>) },
  };
  return ask({ task, from: row.status, to, actor: { id: actor.id, email: actor.email } });
}

/** How a veto reads in the card's activity and in a refusal. */
export const vetoText = (veto: VetoResult) => `Plugin "${veto.plugin}" refused the move: ${veto.reason}`;
