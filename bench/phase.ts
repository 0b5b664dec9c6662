// The measuring loop the load benchmarks share: `workers` loops run `op` back to back through a
// warm-up and a measured window.
import { readFileSync } from 'node:fs';

export interface Timing {
  warmupMs: number;
  measureMs: number;
}

export interface Phase {
  /** Operations that finished inside the measured window, per second. */
  rate: number;
  /** Latency (ms) of each operation started inside the measured window. */
  latencies: number[];
  /** Failed operations, warm-up included. */
  errors: number;
  /** Every operation that finished, warm-up included. */
  operations: number;
  /** CPU time of this whole process per operation counted in the window. */
  cpuMsPerOp: number;
  /**
   * Percent of the machine's CPU time the hypervisor gave to other guests during the window ("steal",
   * from /proc/stat; NaN where there is none): on a shared machine the slow rounds are the stolen ones.
   */
  stealPercent: number;
}

/** The machine's CPU time so far, in clock ticks: all of it and the part stolen (Linux; undefined elsewhere). */
function machineTicks(): { total: number; steal: number } | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
    return { total: fields.reduce((sum, ticks) => sum + ticks, 0), steal: fields[7] ?? 0 };
  } catch {
    return undefined;
  }
}

function stealBetween(from: ReturnType<typeof machineTicks>, to: ReturnType<typeof machineTicks>): number {
  if (!from || !to || to.total === from.total) return Number.NaN;
  return (100 * (to.steal - from.steal)) / (to.total - from.total);
}

/**
 * Runs `op` in `workers` loops for the warm-up and the measured window: the rate counts what finishes in
 * the window, the latencies what starts in it. `op` returns false for a failed operation (it must leave the worker able to continue).
 */
export async function phase(workers: number, timing: Timing, op: (worker: number) => Promise<boolean>): Promise<Phase> {
  const start = performance.now();
  const from = start + timing.warmupMs;
  const until = from + timing.measureMs;
  let done = 0;
  let errors = 0;
  let operations = 0;
  const latencies: number[] = [];
  let cpuAtFrom: NodeJS.CpuUsage | undefined;
  let cpu: NodeJS.CpuUsage | undefined;
  let ticksAtFrom: ReturnType<typeof machineTicks>;
  let ticksAtUntil: ReturnType<typeof machineTicks>;
  const loop = async (worker: number) => {
    for (let began = performance.now(); began < until; began = performance.now()) {
      const ok = await op(worker);
      const ended = performance.now();
      if (!cpuAtFrom && ended >= from) {
        cpuAtFrom = process.cpuUsage();
        ticksAtFrom = machineTicks();
      }
      if (!cpu && ended >= until && cpuAtFrom) {
        cpu = process.cpuUsage(cpuAtFrom);
        ticksAtUntil = machineTicks();
      }
      if (ended >= from && ended <= until) done++;
      if (began >= from) latencies.push(ended - began);
      if (!ok) errors++;
      operations++;
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, worker) => loop(worker)));
  cpu ??= process.cpuUsage(cpuAtFrom);
  ticksAtUntil ??= machineTicks();
  return {
    rate: done / (timing.measureMs / 1000),
    latencies,
    errors,
    operations,
    cpuMsPerOp: (cpu.user + cpu.system) / 1000 / done,
    stealPercent: stealBetween(ticksAtFrom, ticksAtUntil),
  };
}
