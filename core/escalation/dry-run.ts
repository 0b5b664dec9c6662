// Runs one escalation rule against the open cards it watches, changing nothing: which would start a
// cycle and fire its first level now, and for the others which sub-conditions were false.
import type { Kysely } from 'kysely';
import { addDuration } from '../duties/cadence.ts';
import type { Database } from '../db/schema.ts';
import type { EscalationRule } from '../org/escalation-rules.ts';
import type { OrgModel } from '../org/org-model.ts';
import { RULE_BUDGET, WorkPool } from '../rules/rule-budget.ts';
import { ruleTask } from '../workflow/rule-context.ts';
import { statusApplies } from './applicable-rules.ts';
import { explainRule } from './explain.ts';

export interface DryRunResult {
  taskId: number;
  title: string;
  when: boolean;
  stop: boolean;
  /** The first level would fire on the next check. */
  firesNow: boolean;
  falseParts: string[];
}

const LIMIT = 500;
/** A dry run's evaluations share this much work; cards past it are reported as not evaluated. */
export const DRY_RUN_POOL = { steps: 20 * RULE_BUDGET.steps, built: 20 * RULE_BUDGET.built };
/** Work between two turns of the event loop, so other requests never wait long behind a dry run. */
const SLICE_MS = 10;

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The dry run on one database, for the routes (the composition root binds it; routes hold no database handle). */
export const createDryRun =
  (db: Kysely<Database>) => (model: OrgModel, rule: Pick<EscalationRule, 'role' | 'rule'>, now: Date) =>
    dryRunRule(db, model, rule, now);
export type DryRun = ReturnType<typeof createDryRun>;

/** A role's rule runs on the role's cards; a plugin's default, on its task types' cards wherever they sit. */
export async function dryRunRule(
  db: Kysely<Database>,
  model: OrgModel,
  { role, rule }: Pick<EscalationRule, 'role' | 'rule'>,
  now: Date,
): Promise<DryRunResult[]> {
  let query = db
    .selectFrom('tasks')
    .selectAll()
    .$if(role !== null, (q) => q.where('role_id', '=', role))
    .where('archived_at', 'is', null)
    .where('category', '!=', 'done');
  if (rule.applies_to?.task_types) query = query.where('type', 'in', rule.applies_to.task_types);
  const cards = await query.orderBy('id').limit(LIMIT).execute();
  const firstDue = (from: Date) => addDuration(from, rule.levels[0]!.after, model.definition.organization.timezone);
  const pool = new WorkPool(DRY_RUN_POOL, 'one dry run (all cards together)');
  const results: DryRunResult[] = [];
  let sliceStarted = performance.now();
  for (const card of cards) {
    if (performance.now() - sliceStarted > SLICE_MS) {
      await turn();
      sliceStarted = performance.now();
    }
    if (pool.exhausted) {
      results.push({
        taskId: card.id,
        title: card.title,
        when: false,
        stop: false,
        firesNow: false,
        falseParts: [
          `not evaluated: ${pool.owner} may take ${pool.limits.steps.toLocaleString('en')} evaluation steps`,
        ],
      });
      continue;
    }
    const context = {
      task: { ...ruleTask(card, now, model.calendar), escalation_level: 0 },
      policy: model.policies,
      now: now.toISOString(),
    };
    const safe = (expression: unknown) => {
      try {
        return explainRule(expression, context, pool);
      } catch (error) {
        return { value: false, falseParts: [`fails: ${(error as Error).message}`] };
      }
    };
    const when = statusApplies(rule, card.status)
      ? safe(rule.when)
      : { value: false, falseParts: [`status "${card.status}" is outside applies_to.statuses`] };
    const stop = rule.stop_when === undefined ? false : safe(rule.stop_when).value;
    results.push({
      taskId: card.id,
      title: card.title,
      when: when.value,
      stop,
      firesNow: when.value && !stop && firstDue(now) <= now,
      falseParts: when.falseParts,
    });
  }
  return results;
}
