// `npm run bench [-- name ...]`: runs the named benchmarks (all by default), saves and prints results.
import { boardLoad } from './board-load.ts';
import { boardRender } from './board-render.ts';
import { creates } from './creates.ts';
import { escalationScan } from './escalation-scan.ts';
import { eventPath } from './event-path.ts';
import { moves } from './moves.ts';
import { pgliteSoak } from './pglite-soak.ts';
import { printTable, saveResult, type Bench, type BenchResult } from './result.ts';
import { ruleBudget } from './rule-budget.ts';
import { startBench } from './start.ts';
import { signInBurst } from './sign-in-burst.ts';

// The million-card scan goes last: PostgreSQL spends a while after it writing and vacuuming what it
// left behind, which would land on the next benchmark's rounds (measured: event-path +2.6 ms right after
// it, +1.5–1.7 ms on its own).
const benches: Bench[] = [
  startBench,
  pgliteSoak,
  moves,
  creates,
  boardLoad,
  boardRender,
  eventPath,
  ruleBudget,
  signInBurst,
  escalationScan,
];

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !benches.some((bench) => bench.name === name));
if (unknown.length) {
  console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Available: ${benches.map((b) => b.name).join(', ')}`);
  process.exit(2);
}

const results: BenchResult[] = [];
for (const bench of benches.filter((b) => wanted.length === 0 || wanted.includes(b.name))) {
  console.log(`▶ ${bench.name}: ${bench.description}`);
  const result = await bench.run();
  console.log(`  saved ${saveResult(result)}`);
  results.push(result);
}
printTable(results);
process.exit(results.every((result) => result.met) ? 0 : 1);
