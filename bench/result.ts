// The record every benchmark writes to bench/results/<name>.json and the table the runner prints.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BenchResult {
  name: string;
  metric: string;
  value: number;
  unit: string;
  baseline: number;
  ratio: number;
  target: string;
  met: boolean;
  /** Supporting figures measured in the same run. */
  extra?: Record<string, number | string>;
}

export interface Bench {
  name: string;
  description: string;
  run(): Promise<BenchResult>;
}

const resultsDir = fileURLToPath(new URL('./results', import.meta.url));

export function saveResult(result: BenchResult): string {
  mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${result.name}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function printTable(results: BenchResult[]): void {
  const rows = results.map((r) => ({
    name: r.name,
    metric: r.metric,
    value: `${round(r.value)} ${r.unit}`,
    baseline: `${round(r.baseline)} ${r.unit}`,
    ratio: round(r.ratio),
    target: r.target,
    met: r.met ? 'yes' : 'NO',
  }));
  console.table(rows);
  for (const r of results) if (r.extra) console.log(`${r.name}:`, r.extra);
}

function round(value: number): number {
  return Math.abs(value) >= 100 ? Math.round(value) : Math.round(value * 1000) / 1000;
}
