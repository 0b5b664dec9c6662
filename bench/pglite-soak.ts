// pglite-soak: does the embedded database keep its write rate, memory and start time over a long session?
// Runs the soak twice in fresh processes: the product's way of opening PGlite, and the naive way.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median, type Bench, type BenchResult } from './result.ts';

interface SoakRun {
  freshStartMs: number;
  restartMs: number;
  rssAfterStartMb: number;
  rssAfterSoakMb: number;
  rates: number[];
}

const worker = fileURLToPath(new URL('./pglite-soak-worker.ts', import.meta.url));

function soak(mode: 'product' | 'naive'): SoakRun {
  const output = execFileSync(process.execPath, ['--import', 'tsx', worker, mode], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(output) as SoakRun;
}

export const pgliteSoak: Bench = {
  name: 'pglite-soak',
  description: '20,000 card-sized writes on the embedded database; last-1,000 vs first-1,000 write rate',
  async run(): Promise<BenchResult> {
    const product = soak('product');
    const naive = soak('naive');
    const first = product.rates[0]!;
    const last = product.rates.at(-1)!;
    const ratio = last / first;
    return {
      name: 'pglite-soak',
      metric: 'write rate of the last 1,000 writes (baseline: the first 1,000)',
      value: last,
      unit: 'writes/s',
      baseline: first,
      ratio,
      target: '≥ 0.7',
      met: ratio >= 0.7,
      extra: {
        freshStartMs: Math.round(product.freshStartMs),
        restartMs: Math.round(product.restartMs),
        rssAfterStartMb: product.rssAfterStartMb,
        rssAfterSoakMb: product.rssAfterSoakMb,
        naiveFreshStartMs: Math.round(naive.freshStartMs),
        naiveRssAfterStartMb: naive.rssAfterStartMb,
        naiveRssAfterSoakMb: naive.rssAfterSoakMb,
        naiveLastToFirstRatio: Math.round((naive.rates.at(-1)! / naive.rates[0]!) * 1000) / 1000,
        medianRate: Math.round(median(product.rates)),
        rates: product.rates.map(Math.round).join(' '),
      },
    };
  },
};
