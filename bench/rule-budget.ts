// rule-budget: POST /api/org/validate of the reviewer's rule (seven nested filters over ten items, 92
// nodes, with a fixture, which used to freeze the server for seconds) vs the same file with a plain
// rule; supporting figures: the longest one evaluation can run (that rule run past the static check
// until its budget stops it), a validation whose fixtures use up their whole shared budget, and how
// long GET /api/health waits while such validations run back to back.
import { readFileSync } from 'node:fs';
import { applyBudgeted } from '../core/rules/budgeted-apply.ts';
import { RuleBudgetError } from '../core/rules/rule-budget.ts';
import { quantile, round2, startBenchApp, type BenchApp } from './bench-app.ts';
import type { Bench, BenchResult } from './result.ts';

const WARMUPS = 5;
const RUNS = 40;
const EXHAUSTING_RUNS = 10;
const TARGET_MS = 100;
const TARGET_RATIO = 2;
const HEALTH_PINGS = 200;

const fixture = readFileSync(
  new URL('../tests/fixtures/roles-invalid/94-rule-nested-filters-over-budget.yaml', import.meta.url),
  'utf8',
).replace('levels:', 'tests: [{given: {task: {}}, expect: true}]\n        levels:');
const RULE_LINES = /^( +)filter: \[\[1, 2[^\n]*\n[^\n]*\n[^\n]*\n/m;
if (!RULE_LINES.test(fixture)) throw new Error('rule-budget: the 92-node rule was not found in fixture 94');
const hostile = [{ name: 'filters.yaml', text: fixture }];
/** The same file, the same fixture, a one-line rule in place of the 92-node one. */
const plain = [{ name: 'filters.yaml', text: fixture.replace(RULE_LINES, '$1in: [1, [1, 2, 3, 4]]\n') }];

/**
 * A small file whose fixtures each use up one evaluation's whole budget (15 labels doubled 15 times:
 * ~983,000 items built, then 50,000 steps of scanning them) until the validation's shared pool runs out.
 */
function exhaustingFile(): { name: string; text: string }[] {
  const labels = JSON.stringify(Array.from({ length: 15 }, (_, i) => `l${i}`));
  const text = `version: 1
organization: {id: bench, name: Bench}
roles:
  - id: mover
    name: Mover
    escalations:
      - id: doubling
        when: {some: [{reduce: [{var: task.labels}, {merge: [{var: accumulator}, {var: accumulator}]}, {var: task.labels}]}, {"==": [{var: ""}, x]}]}
        levels: [{after: PT0M, to: mover, then: [notify]}]
        tests:
${`          - {given: {task: {labels: ${labels}}}, expect: false}\n`.repeat(8)}`;
  return [{ name: 'exhausting.yaml', text }];
}

async function validate(app: BenchApp, files: { name: string; text: string }[], expectOk: boolean): Promise<number> {
  const started = performance.now();
  const response = await app.call('POST', '/api/org/validate', { files });
  const elapsed = performance.now() - started;
  if (response.status !== 200 || response.json<{ ok: boolean }>().ok !== expectOk) {
    throw new Error(`POST /api/org/validate: ${response.status} ${response.text().slice(0, 300)}`);
  }
  return elapsed;
}

/** The 92-node rule run without the static check: as long as one evaluation can take. */
function longestEvaluationMs(): number {
  const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  let nested: unknown = { in: [{ var: '' }, [1, 2, 3, 4]] };
  for (let level = 0; level < 7; level++) nested = { filter: [ten, nested] };
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const started = performance.now();
    try {
      applyBudgeted(nested, {});
      throw new Error('rule-budget: the 92-node rule finished within the budget');
    } catch (error) {
      if (!(error instanceof RuleBudgetError)) throw error;
    }
    times.push(performance.now() - started);
  }
  return quantile(times.slice(5), 0.5);
}

async function healthTimes(app: BenchApp): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < HEALTH_PINGS; i++) {
    const started = performance.now();
    const response = await app.call('GET', '/api/health');
    if (response.status !== 200) throw new Error(`GET /api/health: ${response.status}`);
    times.push(performance.now() - started);
  }
  return times;
}

export const ruleBudget: Bench = {
  name: 'rule-budget',
  description:
    'POST /api/org/validate of seven nested filters over ten items (92 nodes, with a fixture) vs the same file with a plain rule; /api/health while rules use up their budgets',
  async run(): Promise<BenchResult> {
    const app = await startBenchApp({ can: ['roles.edit'] });
    try {
      for (let i = 0; i < WARMUPS; i++) {
        await validate(app, hostile, false);
        await validate(app, plain, true);
      }
      const [hostileTimes, plainTimes]: [number[], number[]] = [[], []];
      for (let i = 0; i < RUNS; i++) {
        hostileTimes.push(await validate(app, hostile, false));
        plainTimes.push(await validate(app, plain, true));
      }
      const exhausting = exhaustingFile();
      const exhaustingTimes: number[] = [];
      for (let i = 0; i < EXHAUSTING_RUNS; i++) exhaustingTimes.push(await validate(app, exhausting, false));

      const idleHealth = await healthTimes(app);
      let loading = true;
      const loaders = [0, 1].map(async () => {
        while (loading) await validate(app, exhausting, false);
      });
      const busyHealth = await healthTimes(app);
      loading = false;
      await Promise.all(loaders);

      const value = quantile(hostileTimes, 0.5);
      const baseline = quantile(plainTimes, 0.5);
      return {
        name: 'rule-budget',
        metric:
          'median ms of POST /api/org/validate with the 92-node rule and a fixture (baseline: the same file with a plain rule)',
        value: round2(value),
        unit: 'ms',
        baseline: round2(baseline),
        ratio: round2(value / baseline),
        target: `< ${TARGET_MS} ms and ≤ ${TARGET_RATIO}× the plain rule`,
        met: value < TARGET_MS && value / baseline <= TARGET_RATIO,
        extra: {
          p99HostileMs: round2(quantile(hostileTimes, 0.99)),
          longestEvaluationMs: round2(longestEvaluationMs()),
          exhaustingValidationMedianMs: round2(quantile(exhaustingTimes, 0.5)),
          healthIdleP99Ms: round2(quantile(idleHealth, 0.99)),
          healthDuringExhaustingValidationsP50Ms: round2(quantile(busyHealth, 0.5)),
          healthDuringExhaustingValidationsP99Ms: round2(quantile(busyHealth, 0.99)),
          healthDuringExhaustingValidationsMaxMs: round2(Math.max(...busyHealth)),
        },
      };
    } finally {
      await app.close();
    }
  },
};
