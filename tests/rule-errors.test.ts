// A roles-file rule that throws or runs out of its work budget is a clear, logged rule error, never a
// 500 or a stall: a guard refuses the move naming the rule, an escalation records the failure in its
// run log, a dry run reports it per card, and validation refuses rules whose fixed work is over budget.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coreCatalogue } from '../core/org/catalogue.ts';
import { loadOrg } from '../core/org/load-org.ts';
import { testDatabases } from './helpers/databases.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

/** Doubles the card's label list once per label: 20 labels would make 20 million items. */
const DOUBLING =
  '{some: [{reduce: [{var: task.labels}, {merge: [{var: accumulator}, {var: accumulator}]}, {var: task.labels}]}, {"==": [{var: ""}, urgent]}]}';

const org = `
version: 1
organization: {id: rules-shop, name: Rules shop}
roles:
  - id: clerk
    name: Clerk
    can: [org.view, roles.edit, boards.view, tasks.create, tasks.edit, tasks.move, tasks.assign, escalations.view]
    escalations:
      - id: doubling
        applies_to: {task_types: [shop.claim]}
        when: ${DOUBLING}
        levels: [{after: PT0M, to: clerk, then: [notify]}]
task_types:
  - id: shop.claim
    name: Claim
    fields: [{id: amount, name: Amount, type: number}]
    workflow:
      initial: open
      states:
        - {id: open, name: Open, category: todo}
        - {id: checked, name: Checked, category: active}
        - {id: doubled, name: Doubled, category: active}
        - {id: done, name: Done, category: done}
      transitions:
        - {from: open, to: checked, guard: {">": [{var: task.fields}, 3]}, guard_message: never shown}
        - {from: open, to: doubled, guard: ${DOUBLING}}
        - {from: open, to: done}
members:
  - {email: clerk@rules.test, name: Clerk, roles: [clerk]}
`;

const LABELS = Array.from({ length: 20 }, (_, i) => `l${i}`);

interface Card {
  id: number;
  version: number;
  status: string;
}

describe.each(testDatabases)('rule errors on $kind', (database) => {
  let t: TestApp;
  let clerk: string;

  beforeAll(async () => {
    t = await createTestApp(database, [{ name: 'rules.yaml', text: org }]);
    clerk = await t.signIn('clerk@rules.test');
  });
  afterAll(() => t.dispose());

  const create = async (labels: string[]): Promise<Card> => {
    const response = await t.call('POST', '/api/tasks', {
      cookie: clerk,
      body: { type: 'shop.claim', title: 'claim', labels, fields: { amount: 5 }, assignTo: { roleId: 'clerk' } },
    });
    expect(response.status, await response.clone().text()).toBe(201);
    return response.json();
  };
  const move = (card: Card, to: string) =>
    t.call('PATCH', `/api/tasks/${card.id}/transition`, { cookie: clerk, body: { to, expectedVersion: card.version } });
  const current = async (card: Card): Promise<Card> =>
    (await t.call('GET', `/api/tasks/${card.id}`, { cookie: clerk })).json();

  it('a guard that throws refuses the move with 422, naming the rule and the error, logs it, and leaves the card as it was', async () => {
    const card = await create([]);
    const response = await move(card, 'checked');
    expect(response.status).toBe(422);
    const { error } = await response.json();
    expect(error).toMatchObject({
      code: 'UNPROCESSABLE',
      details: {
        reason: 'guard_failed',
        rule: 'shop.claim "open" → "checked" guard',
        ruleError: expect.stringMatching(/^operation ">" could not use its values/),
      },
    });
    expect(error.message).toMatch(
      /^The rule for moving from "open" to "checked" could not be evaluated \(shop\.claim "open" → "checked" guard: operation ">"/,
    );
    expect(await current(card)).toMatchObject({ status: 'open', version: card.version });
    expect(t.logLines()).toContainEqual(
      expect.objectContaining({
        level: 40,
        msg: 'a rule failed to evaluate',
        rule: 'shop.claim "open" → "checked" guard',
      }),
    );
    expect((await move(card, 'done')).status).toBe(200);
  });

  it('a guard that runs out of its work budget refuses the move the same way; with a small list it runs', async () => {
    const heavy = await create(LABELS);
    const refused = await move(heavy, 'doubled');
    expect(refused.status).toBe(422);
    expect((await refused.json()).error.details).toEqual({
      reason: 'guard_failed',
      rule: 'shop.claim "open" → "doubled" guard',
      ruleError:
        'the rule built too much: one evaluation allows 1,000,000 characters built in total (a list item counts as 8)',
    });
    expect(await current(heavy)).toMatchObject({ status: 'open' });
    const light = await create(['urgent']);
    expect((await move(light, 'doubled')).status).toBe(200);
  });

  it('an escalation that runs out of its work budget records the failure in the run log and fires nothing', async () => {
    const card = await create(LABELS);
    const runs = await (await t.call('GET', `/api/escalations/runs?task=${card.id}`, { cookie: clerk })).json();
    expect(runs).toEqual([
      expect.objectContaining({
        rule: 'clerk/doubling',
        outcome: 'failed',
        reason:
          'the rule built too much: one evaluation allows 1,000,000 characters built in total (a list item counts as 8)',
      }),
    ]);
    expect(await (await t.call('GET', `/api/escalations?task=${card.id}`, { cookie: clerk })).json()).toEqual([]);
    const urgent = await create(['urgent']);
    const fired = await (await t.call('GET', `/api/escalations/runs?task=${urgent.id}`, { cookie: clerk })).json();
    expect(fired.map((run: { outcome: string }) => run.outcome).sort()).toEqual(['fired', 'started']);
  });

  it('a dry run reports the failure per card, and stops evaluating once its shared budget is used up', async () => {
    for (let i = 0; i < 24; i++) await create(LABELS);
    const response = await t.call('POST', '/api/escalations/dry-run', {
      cookie: clerk,
      body: { rule: 'clerk/doubling' },
    });
    expect(response.status).toBe(200);
    const rows: { falseParts: string[] }[] = await response.json();
    const failed = rows.filter((row) => row.falseParts[0]?.startsWith('fails: the rule built too much'));
    const skipped = rows.filter((row) =>
      row.falseParts[0]?.startsWith('not evaluated: one dry run (all cards together) may take'),
    );
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect(failed.length).toBeLessThanOrEqual(20);
    expect(skipped.length).toBeGreaterThanOrEqual(5);
  });

  it('POST /api/org/validate refuses seven nested filters over ten items (92 nodes) at file:line:column without running it', async () => {
    const text = readFileSync('tests/fixtures/roles-invalid/94-rule-nested-filters-over-budget.yaml', 'utf8').replace(
      'levels:',
      'tests: [{given: {task: {}}, expect: true}]\n        levels:',
    );
    const response = await t.call('POST', '/api/org/validate', {
      cookie: clerk,
      body: { files: [{ name: 'filters.yaml', text }] },
    });
    expect(response.status).toBe(200);
    expect((await response.json()).errors).toEqual([
      expect.objectContaining({
        file: 'filters.yaml',
        line: 14,
        column: 13,
        kind: 'rule',
        path: 'roles[0].escalations[0].when.filter[1].filter[1].filter[1]',
        message: expect.stringMatching(/"filter" would take about 93,382 evaluation steps.*at most 50,000/),
      }),
    ]);
  });
});

describe('fixtures of guards and escalations at validation', () => {
  const load = (name: string) =>
    loadOrg([{ name, text: readFileSync(`tests/fixtures/roles-invalid/${name}`, 'utf8') }], coreCatalogue()).errors;

  it("a guard's fixture that gives the wrong answer fails validation, named", () => {
    expect(load('95-guard-test-failed.yaml')).toEqual([
      expect.objectContaining({
        kind: 'rule_test_failed',
        path: 'task_types[0].workflow.transitions[0].tests[1]',
        message: '"guard" gave false for this fixture, the test expects true (large refund)',
      }),
    ]);
  });

  it("a guard's fixture on which the guard throws fails validation with the error", () => {
    expect(load('97-guard-test-throws.yaml')).toEqual([
      expect.objectContaining({
        kind: 'rule_test_failed',
        message: expect.stringMatching(/^"guard" failed on this fixture: operation ">" could not use its values/),
      }),
    ]);
  });

  it('a fixture on which the rule runs out of budget fails validation; the cheap fixture beside it passes', () => {
    expect(load('96-rule-test-out-of-budget.yaml')).toEqual([
      expect.objectContaining({
        kind: 'rule_test_failed',
        path: 'roles[0].escalations[0].tests[1]',
        message:
          '"when" failed on this fixture: the rule built too much: one evaluation allows 1,000,000 characters built in total (a list item counts as 8) (thirty labels)',
      }),
    ]);
  });

  it('many fixtures share one budget: past it they fail, naming the shared budget, instead of stalling validation', async () => {
    // Each fixture takes about 40,000 steps (10,000 items, 4 steps each): two fit in the shared 100,000.
    const grid = JSON.stringify(Array.from({ length: 10 }, () => Array.from({ length: 1000 }, () => 1)));
    const fixture = `          - {given: {task: {labels: ${grid}}}, expect: false}\n`;
    const text = `version: 1
organization: {id: many, name: Many}
roles:
  - id: boss
    name: Boss
    escalations:
      - id: scan
        when: {some: [{var: task.labels}, {some: [{var: ""}, {"==": [{var: ""}, 2]}]}]}
        levels: [{after: PT0M, to: boss, then: [notify]}]
        tests:
${fixture.repeat(6)}`;
    const errors = loadOrg([{ name: 'many.yaml', text }], coreCatalogue()).errors;
    expect(errors.map((error) => error.path)).toEqual([2, 3, 4, 5].map((i) => `roles[0].escalations[0].tests[${i}]`));
    expect(
      errors.every((error) =>
        /this validation's fixtures together allows 100,000 evaluation steps/.test(error.message),
      ),
    ).toBe(true);
  });
});
