// The measuring loop the load benchmarks share: `workers` loops run `op` back to back through a
// warm-up and a measured window.

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
  const loop = async (worker: number) => {
    for (let began = performance.now(); began < until; began = performance.now()) {
      const ok = await op(worker);
      const ended = performance.now();
      if (!cpuAtFrom && ended >= from) cpuAtFrom = process.cpuUsage();
      if (!cpu && ended >= until && cpuAtFrom) cpu = process.cpuUsage(cpuAtFrom);
      if (ended >= from && ended <= until) done++;
      if (began >= from) latencies.push(ended - began);
      if (!ok) errors++;
      operations++;
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, worker) => loop(worker)));
  cpu ??= process.cpuUsage(cpuAtFrom);
  return { rate: done / (timing.measureMs / 1000), latencies, errors, operations, cpuMsPerOp: (cpu.user + cpu.system) / 1000 / done };
}
