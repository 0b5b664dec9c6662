// Escalation cycles, firings (the ledger) and inbox notifications.
import type { Page } from '../http/page.ts';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';

type Executor = Kysely<Database> | Transaction<Database>;

export function createEscalationRepository(db: Kysely<Database>) {
  return {
    openCycles: (tx: Executor, taskId: number) =>
      tx
        .selectFrom('escalation_cycles')
        .selectAll()
        .where('task_id', '=', taskId)
        .where('ended_at', 'is', null)
        .execute(),
    async lastCycle(tx: Executor, taskId: number, rule: string): Promise<number> {
      const row = await tx
        .selectFrom('escalation_cycles')
        .select((eb) => eb.fn.max('cycle').as('n'))
        .where('task_id', '=', taskId)
        .where('rule', '=', rule)
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },
    /** Undefined when another check opened this rule's cycle first. */
    startCycle: (
      tx: Executor,
      values: { task_id: number; rule: string; cycle: number; org_version_id: number; started_at: Date },
    ) =>
      tx
        .insertInto('escalation_cycles')
        .values(values)
        .onConflict((oc) => oc.doNothing())
        .returningAll()
        .executeTakeFirst(),
    endCycle: (tx: Executor, id: number, at: Date) =>
      tx
        .updateTable('escalation_cycles')
        .set({ ended_at: at })
        .where('id', '=', id)
        .where('ended_at', 'is', null)
        .execute(),
    firedLevels: async (tx: Executor, taskId: number, rule: string, cycle: number) =>
      await tx
        .selectFrom('escalation_firings')
        .select(['level', 'target_role'])
        .where('task_id', '=', taskId)
        .where('rule', '=', rule)
        .where('cycle', '=', cycle)
        .orderBy('level')
        .execute(),
    /** Undefined when this level of this cycle already fired (the unique key decides, on any process). */
    fire: (
      tx: Executor,
      values: {
        task_id: number;
        rule: string;
        cycle: number;
        level: number;
        target_role: string | null;
        skipped_roles: string[];
        actions: string[];
        fired_at: Date;
      },
    ) =>
      tx
        .insertInto('escalation_firings')
        .values(values)
        .onConflict((oc) => oc.doNothing())
        .returning('id')
        .executeTakeFirst(),
    log: (
      tx: Executor,
      entry: {
        task_id: number;
        rule: string;
        outcome: 'started' | 'ended' | 'fired' | 'failed';
        level?: number;
        inputs: Record<string, unknown>;
        reason: string;
        at: Date;
      },
    ) =>
      tx
        .insertInto('escalation_runs')
        .values({ ...entry, level: entry.level ?? null, inputs: JSON.stringify(entry.inputs) })
        .execute(),
    /** Firings since `since` whose level names a plugin's action (`<plugin id>.<action>`), oldest first. */
    firingsWithPluginActions: (tx: Executor, since: Date) =>
      tx
        .selectFrom('escalation_firings')
        .selectAll()
        .where('fired_at', '>=', since)
        .where(sql<boolean>`EXISTS (SELECT 1 FROM unnest(actions) AS action WHERE action ~ '^[a-z][a-z0-9-]*\.')`)
        .orderBy('id')
        .limit(500)
        .execute(),
    /** Which plugin actions of these firings have run (or failed): "<firing id> <action>" (read by the cards' index). */
    async actionsRun(tx: Executor, firings: { id: number; task_id: number }[]): Promise<Set<string>> {
      const rows = await tx
        .selectFrom('escalation_runs')
        .select(sql<string>`(inputs->>'firing') || ' ' || (inputs->>'action')`.as('done'))
        .where('task_id', 'in', [...new Set(firings.map((firing) => firing.task_id))])
        .where(sql<boolean>`(inputs->>'firing')::int8 = ANY(${firings.map((firing) => firing.id)}::int8[])`)
        .execute();
      return new Set(rows.map((row) => row.done));
    },
    runs(filter: { taskId?: number; rule?: string }) {
      let query = db.selectFrom('escalation_runs').selectAll();
      if (filter.taskId !== undefined) query = query.where('task_id', '=', filter.taskId);
      if (filter.rule !== undefined) query = query.where('rule', '=', filter.rule);
      return query.orderBy('id', 'desc').limit(500).execute();
    },
    notify: (tx: Executor, rows: { user_id: string; task_id: number; kind: string; title: string }[]) =>
      rows.length ? tx.insertInto('notifications').values(rows).execute() : Promise.resolve([]),
    ledger(filter: { taskId?: number; rule?: string; role?: string }) {
      let query = db.selectFrom('escalation_firings').selectAll();
      if (filter.taskId !== undefined) query = query.where('task_id', '=', filter.taskId);
      if (filter.rule !== undefined) query = query.where('rule', '=', filter.rule);
      if (filter.role !== undefined) query = query.where('target_role', '=', filter.role);
      return query.orderBy('id', 'desc').limit(500).execute();
    },
    /** Newest first: the latest `limit`, or those before the cursor `before`. */
    inbox: (userId: string, page: Page = {}) =>
      db
        .selectFrom('notifications')
        .selectAll()
        .where('user_id', '=', userId)
        .$if(page.before !== undefined, (query) => query.where('id', '<', page.before!))
        .orderBy('id', 'desc')
        .limit(page.limit ?? 200)
        .execute(),
    unread: async (userId: string) =>
      Number(
        (
          await db
            .selectFrom('notifications')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('user_id', '=', userId)
            .where('read_at', 'is', null)
            .executeTakeFirstOrThrow()
        ).n,
      ),
    markRead: (userId: string, id: number) =>
      db
        .updateTable('notifications')
        .set({ read_at: new Date() })
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .where('read_at', 'is', null)
        .execute(),
  };
}

export type EscalationRepository = ReturnType<typeof createEscalationRepository>;
