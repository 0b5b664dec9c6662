// The scheduler's SQL pass picks exactly the cards whose escalation state the engine would change now,
// on every database: random cards (roles, types, statuses, fields, ages, open cycles; with a role, with
// only a person, with neither) against rules with and without applies_to, stop_when and enabled,
// checked against the engine's own rules in Node.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockSlices, sliceCount, tableBlocks } from '../core/db/block-slices.ts';
import { migrateToLatest } from '../core/db/migrate.ts';
import { rulesWatching, statusApplies } from '../core/escalation/applicable-rules.ts';
import { planStateChangeScan } from '../core/escalation/state-change-scan.ts';
import type { OrgCatalogue } from '../core/org/catalogue.ts';
import type { Escalation, OrgDefinition } from '../core/org/format.schema.ts';
import { OrgModel } from '../core/org/org-model.ts';
import { evaluateRule, isTruthy } from '../core/rules/json-logic.ts';
import { ruleTask } from '../core/workflow/rule-context.ts';
import { testDatabases, type TestDb } from './helpers/databases.ts';

const NOW = new Date('2026-03-02T08:00:00.000Z');
const HOUR = 3_600_000;
const SEED = Number(process.env.STATE_SCAN_SEED ?? Date.now() % 1_000_000);
const level = [{ after: 'PT0M', to: 'reports_to', then: ['notify'] }];
const rule = (id: string, extra: Omit<Partial<Escalation>, 'id'>): Escalation =>
  ({ id, when: true, levels: level, ...extra }) as Escalation;
const ROLES = {
  a: [
    rule('old', { when: { '>': [{ var: 'task.age_hours' }, 10] } }),
    rule('big', {
      applies_to: { task_types: ['t1'], statuses: ['todo', 'blocked'] },
      when: { '>': [{ var: 'task.fields.n' }, 5] },
      stop_when: { '==': [{ var: 'task.status' }, 'blocked'] },
    }),
    rule('business', { when: { '>': [{ var: 'task.business_age_hours' }, 1] } }),
    rule('off', { enabled: false, when: { '<': [{ var: 'task.idle_hours' }, 5] } }),
  ],
  b: [
    rule('late', {
      when: { or: [{ '>': [{ var: 'task.overdue_hours' }, 0] }, { '==': [{ var: 'task.fields.n' }, '7'] }] },
      stop_when: { in: [{ var: 'task.status' }, ['done', 'blocked']] },
    }),
    rule('unowned', {
      applies_to: { task_types: ['t2'] },
      when: { '!': { var: 'task.assignee' } },
      stop_when: { '>': [{ var: 'task.fields.n' }, { var: 'policy.cap' }] },
    }),
  ],
};
const definition = {
  organization: { id: 'o', name: 'O' },
  departments: [],
  task_types: [],
  policies: { cap: 100 },
  roles: Object.entries(ROLES).map(([id, escalations]) => ({ id, name: id, can: [], escalations })),
};
const model = new OrgModel(
  1,
  definition as unknown as OrgDefinition,
  { taskTypes: new Map(), escalations: new Map() } as unknown as OrgCatalogue,
);
const KEYS = ['a/old', 'a/big', 'a/business', 'a/off', 'b/late', 'b/unowned', 'gone/rule'];
const STATUSES = [
  ['todo', 'todo'],
  ['in_progress', 'active'],
  ['blocked', 'blocked'],
  ['done', 'done'],
] as const;

const cardArb = fc.record({
  role: fc.constantFrom('a', 'b', 'c', null),
  type: fc.constantFrom('t1', 't2'),
  status: fc.constantFrom(...STATUSES),
  assigned: fc.boolean(),
  archived: fc.nat(9).map((n) => n === 0),
  n: fc.oneof(fc.integer({ min: 0, max: 200 }), fc.constantFrom('7', ' 7 ', 'x', null, [6], true)),
  age: fc.double({ min: 0, max: 30, noNaN: true }),
  due: fc.option(fc.double({ min: -5, max: 5, noNaN: true }), { nil: null }),
  open: fc.subarray(KEYS, { maxLength: 3 }),
});

describe.each(testDatabases)('state-change scan on $kind', (database) => {
  let db: TestDb;
  let expected: number[];

  beforeAll(async () => {
    db = await database.create();
    await migrateToLatest(db.kysely);
    const [user] = await db.kysely
      .insertInto('users')
      .values({ email: 'u@example.test', display_name: 'U', password_hash: 'x' })
      .returning('id')
      .execute();
    // The assignee holds role a: a card of theirs without a role is watched by a's rules.
    await db.kysely.insertInto('role_assignments').values({ user_id: user!.id, role_id: 'a' }).execute();
    const cards = fc.sample(cardArb, { numRuns: 300, seed: SEED });
    const rows = await db.kysely
      .insertInto('tasks')
      .values(
        cards.map((c, i) => ({
          type: c.type,
          title: `c${i}`,
          status: c.status[0],
          category: c.status[1],
          position: `a${i}`,
          priority: 'normal',
          role_id: c.role,
          assignee_id: c.assigned ? user!.id : null,
          labels: [],
          fields: JSON.stringify(c.n === null ? {} : { n: c.n }),
          created_at: new Date(NOW.getTime() - c.age * HOUR),
          updated_at: new Date(NOW.getTime() - (c.age * HOUR) / 2),
          due_at: c.due === null ? null : new Date(NOW.getTime() - c.due * HOUR),
          archived_at: c.archived ? NOW : null,
        })),
      )
      .returningAll()
      .execute();
    const cycles = rows.flatMap((row, i) =>
      cards[i]!.open.map((key) => ({ task_id: row.id, rule: key, cycle: 1, org_version_id: 1, started_at: NOW })),
    );
    if (cycles.length) await db.kysely.insertInto('escalation_cycles').values(cycles).execute();

    // What engine.check would change now, for the rules the pass compiles.
    const compiled = new Set(planStateChangeScan(model, NOW).compiled);
    const holds = (expression: unknown, data: unknown) => {
      try {
        return isTruthy(evaluateRule(expression, data));
      } catch {
        return false;
      }
    };
    expected = rows
      .filter(
        (row, i) =>
          row.archived_at === null &&
          KEYS.filter((key) => compiled.has(key)).some((key) => {
            const definition = model.escalation(key)?.rule;
            if (!definition) return false;
            const data = { task: ruleTask(row, NOW), policy: model.policies, now: NOW.toISOString() };
            const when = statusApplies(definition, row.status) && holds(definition.when, data);
            const stop =
              definition.stop_when === undefined ? row.category === 'done' : holds(definition.stop_when, data);
            const open = cards[i]!.open.includes(key);
            const watching = rulesWatching(model, row, ['a']).some((w) => w.key === key);
            return open ? stop || !when : watching && when && !stop;
          }),
      )
      .map((row) => row.id);
  });
  afterAll(() => db?.dispose());

  it('compiles what it can and names what it leaves to the recheck', () => {
    const scan = planStateChangeScan(model, NOW);
    expect(scan.compiled).toEqual(['a/old', 'a/big', 'a/off', 'b/late', 'b/unowned']);
    expect(scan.refused.map((r) => r.key)).toEqual(['a/business']);
  });

  it(`picks exactly the cards whose state the engine would change (seed ${SEED})`, async () => {
    expect(expected.length).toBeGreaterThan(20); // the sample exercises the pass
    expect(await planStateChangeScan(model, NOW).run(db.kysely, 10_000)).toEqual(expected);
  });

  it('picks the same cards when the table is scanned in block ranges at once, and keeps the limit', async () => {
    const blocks = await tableBlocks(db.kysely, 'tasks');
    expect(blocks).toBeGreaterThan(3); // the cards span enough blocks for every range to hold some
    const scan = planStateChangeScan(model, NOW);
    expect(await scan.run(db.kysely, 10_000, blockSlices(blocks, 3))).toEqual(expected);
    expect(await scan.run(db.kysely, 5, blockSlices(blocks, 3))).toEqual(expected.slice(0, 5));
  });

  it('splits only on PostgreSQL (PGlite has one connection), and only a table of the given size', async () => {
    const blocks = await tableBlocks(db.kysely, 'tasks');
    const split = await sliceCount(db, 'tasks', { slices: 3, fromBlocks: blocks });
    expect(split.count).toBe(db.kind === 'postgres' ? 3 : 1);
    expect((await sliceCount(db, 'tasks', { slices: 3, fromBlocks: blocks + 1 })).count).toBe(1);
  });
});
