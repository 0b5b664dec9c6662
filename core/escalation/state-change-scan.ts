// The time path's SQL pass: one statement over the open cards finds those whose escalation state must
// change now — a watching rule's `when` is true (and `stop_when` false) with no cycle open, or a cycle is
// open and `when` turned false or `stop_when` true — so rules that read the clock act on the next tick
// instead of the engine's periodic recheck. Rules the compiler refuses (business_age_hours needs the
// calendar, escalation_level the ledger) keep that recheck. The pass only picks cards: engine.check
// decides, so a card picked for nothing costs a check, never a wrong firing.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Escalation } from '../org/format.schema.ts';
import type { OrgModel } from '../org/org-model.ts';
import { compileRule } from '../rules/json-logic-sql.ts';
import { RowInputs } from '../rules/sql/row-inputs.ts';

export interface StateChangeScan {
  /** Rule keys (`<role>/<id>`) the pass evaluates in SQL. */
  compiled: string[];
  /** Rule keys left to the recheck, with the compiler's reason. */
  refused: { key: string; reason: string }[];
  /** Ids of the cards to check now, at most `limit`; with block slices, each scanned at once in its own transaction. */
  run(db: Kysely<Database>, limit: number, slices?: RawBuilder<boolean>[]): Promise<number[]>;
}

const list = (values: string[]) => sql.join(values.map((value) => sql`${value}`));
const scanned = new WeakMap<Escalation, boolean>();

/** Whether every tick's pass evaluates this rule, so the engine need not recheck its cards on a timer. */
export function scannedInSql(rule: Escalation, model: OrgModel): boolean {
  let known = scanned.get(rule); // a version's rules are frozen objects: compiled once per version
  if (known === undefined) {
    const options = { now: new Date(), policy: { ...model.policies } };
    known = [rule.when, ...(rule.stop_when === undefined ? [] : [rule.stop_when])].every(
      (part) => !('unsupported' in compileRule(part, options)),
    );
    scanned.set(rule, known);
  }
  return known;
}

export function planStateChangeScan(model: OrgModel, now: Date): StateChangeScan {
  const inputs = new RowInputs();
  const compile = (rule: unknown) => compileRule(rule, { now, policy: { ...model.policies }, inputs });
  const clauses: RawBuilder<boolean>[] = [];
  const compiled: string[] = [];
  const refused: { key: string; reason: string }[] = [];

  for (const { key, role, rule } of model.escalations) {
    const when = compile(rule.when);
    const stop =
      rule.stop_when === undefined ? { sql: sql<boolean>`(tasks.category = 'done')` } : compile(rule.stop_when);
    if ('unsupported' in when || 'unsupported' in stop) {
      refused.push({
        key,
        reason: 'unsupported' in when ? when.unsupported : (stop as { unsupported: string }).unsupported,
      });
      continue;
    }
    compiled.push(key);
    // As the engine: outside applies_to.statuses `when` counts as false; a cycle ends whoever watches the card now.
    const holds = rule.applies_to?.statuses
      ? sql<boolean>`(tasks.status IN (${list(rule.applies_to.statuses)}) AND ${when.sql})`
      : when.sql;
    // As rulesWatching: a plugin's default, its task types' cards; a role's, the role's cards, its holders'
    // cards without a role, and (for a rule naming task types) cards with neither role nor person.
    const types = rule.applies_to?.task_types;
    const sitsWith =
      role === null
        ? sql`true`
        : sql`(tasks.role_id = ${role} OR (tasks.role_id IS NULL AND tasks.assignee_id IN (SELECT user_id FROM role_assignments WHERE role_id = ${role}))${
            types ? sql` OR (tasks.role_id IS NULL AND tasks.assignee_id IS NULL)` : sql``
          })`;
    const watches = types ? sql`${sitsWith} AND tasks.type IN (${list(types)})` : sitsWith;
    const open = sql`COALESCE(${key} = ANY(open_cycles.rules), false)`;
    // A switched-off rule starts nothing, but the engine still ends a cycle it left open.
    if (rule.enabled !== false)
      clauses.push(sql<boolean>`(${watches} AND NOT ${open} AND ${holds} AND NOT ${stop.sql})`);
    clauses.push(sql<boolean>`(${open} AND (${stop.sql} OR NOT ${holds}))`);
  }

  return {
    compiled,
    refused,
    async run(db, limit, slices = [sql<boolean>`true`]) {
      if (!clauses.length) return [];
      const found = await Promise.all(
        slices.map((slice) =>
          db.transaction().execute(async (tx) => {
            // The expressions are long: JIT would spend longer compiling them than the scan takes.
            await sql`SET LOCAL jit = off`.execute(tx);
            const { rows } = await sql<{
              id: number;
            }>`SELECT tasks.id FROM ${inputs.from(sql`tasks.archived_at IS NULL AND ${slice}`)}
          LEFT JOIN (SELECT task_id, array_agg(rule) AS rules FROM escalation_cycles WHERE ended_at IS NULL GROUP BY task_id) AS open_cycles ON open_cycles.task_id = tasks.id
          WHERE ${sql.join(clauses, sql` OR `)} ORDER BY tasks.id LIMIT ${limit}`.execute(tx);
            return rows.map((row) => Number(row.id));
          }),
        ),
      );
      return found
        .flat()
        .sort((a, b) => a - b)
        .slice(0, limit);
    },
  };
}
