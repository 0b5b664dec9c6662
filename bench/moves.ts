// moves: how many card moves per second the HTTP API sustains for 16 concurrent people, and how long
// each takes, against the database alone doing the bare minimum (a one-row UPDATE) at the same concurrency.
import type pg from 'pg';
import { quantile, round2, startBenchApp, type BenchApp } from './bench-app.ts';
import type { BenchResponse } from './http-client.ts';
import type { Bench, BenchResult } from './result.ts';

const CLIENTS = 16;
const CARDS_PER_CLIENT = 4;
const WARMUP_MS = 2_000;
const MEASURE_MS = 10_000;
const TARGET_RATIO = 0.25;
const TARGET_P99_MS = 25;

interface Card {
  id: number;
  version: number;
  status: string;
}

interface Phase {
  /** Operations that finished inside the measured window, per second. */
  rate: number;
  /** Latency (ms) of each operation started inside the measured window. */
  latencies: number[];
  /** Failed operations, warm-up included. */
  errors: number;
  /** CPU time of this whole process (clients and server) per operation counted in the window. */
  cpuMsPerOp: number;
}

/**
 * Runs `op` in `workers` loops for the warm-up and the measured window: the rate counts what finishes in
 * the window, the latencies what starts in it. `op` returns false for a failed operation (it must leave the worker able to continue).
 */
async function phase(workers: number, op: (worker: number) => Promise<boolean>): Promise<Phase> {
  const start = performance.now();
  const from = start + WARMUP_MS;
  const until = from + MEASURE_MS;
  let done = 0;
  let errors = 0;
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
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, worker) => loop(worker)));
  cpu ??= process.cpuUsage(cpuAtFrom);
  return { rate: done / (MEASURE_MS / 1000), latencies, errors, cpuMsPerOp: (cpu.user + cpu.system) / 1000 / done };
}

function json<T>(response: BenchResponse, expected: number, what: string): T {
  if (response.status !== expected) throw new Error(`${what}: ${response.status} ${response.text()}`);
  return response.json<T>();
}

/** Each client's own cards, created and started (todo → in_progress) through the API. */
async function createCards(app: BenchApp): Promise<Card[][]> {
  const owned: Card[][] = [];
  for (let client = 0; client < CLIENTS; client++) {
    const cards: Card[] = [];
    for (let n = 0; n < CARDS_PER_CLIENT; n++) {
      const created = json<Card>(await app.call('POST', '/api/tasks', { type: 'core.task', title: `Bench card ${client}-${n}` }), 201, 'create card');
      const moved = json<{ task: Card }>(
        await app.call('PATCH', `/api/tasks/${created.id}/transition`, { to: 'in_progress', expectedVersion: created.version }),
        200,
        'start card',
      );
      cards.push({ id: moved.task.id, version: moved.task.version, status: moved.task.status });
    }
    owned.push(cards);
  }
  return owned;
}

async function apiMoves(app: BenchApp, owned: Card[][]): Promise<Phase> {
  const turn = new Array<number>(CLIENTS).fill(0);
  return phase(CLIENTS, async (client) => {
    const cards = owned[client]!;
    const card = cards[turn[client]!++ % cards.length]!;
    const to = card.status === 'in_progress' ? 'done' : 'in_progress';
    try {
      const response = await app.call('PATCH', `/api/tasks/${card.id}/transition`, { to, expectedVersion: card.version });
      if (response.status === 200) {
        const { task } = response.json<{ task: Card }>();
        card.version = task.version;
        card.status = task.status;
        return true;
      }
    } catch {
      // A network failure counts like any other non-200 answer.
    }
    // Re-read the card so the next move of it sends its real version.
    const fresh = (await app.call('GET', `/api/tasks/${card.id}`)).json<Card>();
    Object.assign(card, { version: fresh.version, status: fresh.status });
    return false;
  });
}

/** The same moves through the task service, without HTTP: how much of a move's cost is the web layer. */
async function serviceMoves(app: BenchApp, owned: Card[][]): Promise<Phase> {
  const actor = (await app.services.auth.actorForToken(app.cookie.slice(app.cookie.indexOf('=') + 1)))!.actor;
  const turn = new Array<number>(CLIENTS).fill(0);
  return phase(CLIENTS, async (client) => {
    const cards = owned[client]!;
    const card = cards[turn[client]!++ % cards.length]!;
    try {
      const { task } = await app.services.tasks.move(actor, card.id, card.version, { to: card.status === 'in_progress' ? 'done' : 'in_progress' });
      Object.assign(card, { version: task.version, status: task.status });
      return true;
    } catch {
      const fresh = await app.services.tasks.get(card.id);
      Object.assign(card, { version: fresh.version, status: fresh.status });
      return false;
    }
  });
}

async function bareUpdates(pool: pg.Pool, owned: Card[][]): Promise<Phase> {
  const turn = new Array<number>(CLIENTS).fill(0);
  return phase(CLIENTS, async (worker) => {
    const cards = owned[worker]!;
    const card = cards[turn[worker]!++ % cards.length]!;
    try {
      await pool.query('UPDATE tasks SET version = version + 1, updated_at = now() WHERE id = $1', [card.id]);
      return true;
    } catch {
      return false;
    }
  });
}

export const moves: Bench = {
  name: 'moves',
  description: `${CLIENTS} concurrent people moving their own cards (in_progress ↔ done) over HTTP for ${MEASURE_MS / 1000} s vs bare one-row UPDATEs (and, for reference, the same moves through the service without HTTP)`,
  async run(): Promise<BenchResult> {
    const app = await startBenchApp({ maxConnections: 20 });
    try {
      const owned = await createCards(app);
      const api = await apiMoves(app, owned);
      await app.services.events.settled();
      const service = await serviceMoves(app, owned);
      await app.services.events.settled();
      const pool = app.rawPool(CLIENTS);
      const bare = await bareUpdates(pool, owned);

      const p50 = quantile(api.latencies, 0.5);
      const p99 = quantile(api.latencies, 0.99);
      const ratio = api.rate / bare.rate;
      return {
        name: 'moves',
        metric: `card moves/s over HTTP, ${CLIENTS} concurrent clients (baseline: one-row UPDATEs/s through pg, ${CLIENTS} workers)`,
        value: api.rate,
        unit: 'ops/s',
        baseline: bare.rate,
        ratio,
        target: `≥ ${TARGET_RATIO} and p99 ≤ ${TARGET_P99_MS} ms`,
        met: ratio >= TARGET_RATIO && p99 <= TARGET_P99_MS && api.errors === 0 && bare.errors === 0,
        extra: {
          p50Ms: round2(p50),
          p99Ms: round2(p99),
          maxMs: round2(Math.max(...api.latencies)),
          errors: api.errors,
          processCpuMsPerMove: round2(api.cpuMsPerOp),
          serviceMovesPerSecond: service.rate,
          serviceP99Ms: round2(quantile(service.latencies, 0.99)),
          serviceProcessCpuMsPerMove: round2(service.cpuMsPerOp),
          movesTimed: api.latencies.length,
          baselineP50Ms: round2(quantile(bare.latencies, 0.5)),
          baselineP99Ms: round2(quantile(bare.latencies, 0.99)),
          baselineErrors: bare.errors,
          baselineProcessCpuMsPerUpdate: round2(bare.cpuMsPerOp),
          clients: CLIENTS,
          cards: CLIENTS * CARDS_PER_CLIENT,
          warmupMs: WARMUP_MS,
          measureMs: MEASURE_MS,
        },
      };
    } finally {
      await app.close();
    }
  },
};
