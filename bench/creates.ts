// creates: how many cards per second the HTTP API makes for 16 concurrent people, against the database
// alone doing the bare minimum (a one-row INSERT) at the same concurrency. The two alternate over several
// rounds, so a slow spell of this shared machine falls on both; the ratio is the median of the rounds'.
// The board holds 10,000 other cards, as a busy shop's would. No escalation rule watches the cards, so
// creates made meanwhile share statements through the writer (core/tasks/card-creates.ts).
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { quantile, round2, seedCards, startBenchApp, type BenchApp } from './bench-app.ts';
import type { CreateClientsMessage } from './create-clients.ts';
import { phase, type Phase, type Timing } from './phase.ts';
import { median, type Bench, type BenchResult } from './result.ts';

const CLIENTS = 16;
const OTHER_CARDS = 10_000;
const ROUNDS = 5;
const ROUND: Timing = { warmupMs: 1_000, measureMs: 4_000 };
/** Before the rounds, both sides run this long unmeasured: the JIT compilers of server and clients warm up. */
const WARMUP: Timing = { warmupMs: 3_000, measureMs: 0 };
const TARGET_RATIO = 0.2;

/** The people: a process of their own (bench/create-clients.ts), asked for one round of creates at a time. */
async function startClients(app: BenchApp) {
  const child: ChildProcess = fork(fileURLToPath(new URL('./create-clients.ts', import.meta.url)), {
    execArgv: ['--import', 'tsx'],
  });
  const ask = <T>(message: CreateClientsMessage) =>
    new Promise<T>((resolve, reject) => {
      const exited = (code: number | null) =>
        reject(new Error(`the create clients exited with ${code} before answering`));
      child.once('exit', exited);
      child.once('message', (answer) => {
        child.off('exit', exited);
        resolve(answer as T);
      });
      child.send(message);
    });
  await ask<'ready'>({ setup: { url: app.url, cookie: app.cookie, clients: CLIENTS } });
  return {
    round: (timing = ROUND) => ask<Phase>({ round: timing }),
    stop: () => void child.send({ done: true } satisfies CreateClientsMessage),
  };
}

/** One-row INSERTs of a card, as bare as a card can be. */
async function bareInserts(pool: pg.Pool, timing = ROUND): Promise<Phase> {
  let n = 0;
  return phase(CLIENTS, timing, async () => {
    try {
      await pool.query(
        `INSERT INTO tasks (type, title, status, category, position) VALUES ('core.task', $1, 'todo', 'todo', 'a0')`,
        [`bare ${++n}`],
      );
      return true;
    } catch {
      return false;
    }
  });
}

const sum = (phases: Phase[]) => phases.reduce((total, p) => total + p.errors, 0);

export const creates: Bench = {
  name: 'creates',
  description: `${CLIENTS} concurrent people creating cards over HTTP vs bare one-row INSERTs, alternating in ${ROUNDS} rounds of ${ROUND.measureMs / 1000} s`,
  async run(): Promise<BenchResult> {
    const app = await startBenchApp({ maxConnections: 20 });
    try {
      await seedCards(app, OTHER_CARDS);
      const pool = app.rawPool(CLIENTS);
      const clients = await startClients(app);
      const api: Phase[] = [];
      const bare: Phase[] = [];
      try {
        await clients.round(WARMUP);
        await bareInserts(pool, WARMUP);
        for (let round = 0; round < ROUNDS; round++) {
          api.push(await clients.round());
          await app.services.events.settled();
          bare.push(await bareInserts(pool));
        }
      } finally {
        clients.stop();
      }
      const ratios = api.map((p, round) => p.rate / bare[round]!.rate);
      const ratio = median(ratios);
      const errors = sum(api);
      const latencies = api.flatMap((p) => p.latencies);
      const perRound = (values: number[]) => values.map((value) => round2(value)).join(' / ');
      return {
        name: 'creates',
        metric: `cards created/s over HTTP, ${CLIENTS} concurrent clients (baseline: one-row INSERTs/s through pg, ${CLIENTS} workers); rate and ratio are medians of ${ROUNDS} alternating rounds`,
        value: median(api.map((p) => p.rate)),
        unit: 'ops/s',
        baseline: median(bare.map((p) => p.rate)),
        ratio,
        target: `≥ ${TARGET_RATIO}`,
        met: ratio >= TARGET_RATIO && errors === 0 && sum(bare) === 0,
        extra: {
          ratioPerRound: perRound(ratios),
          createsPerSecondPerRound: perRound(api.map((p) => p.rate)),
          insertsPerSecondPerRound: perRound(bare.map((p) => p.rate)),
          p50Ms: round2(quantile(latencies, 0.5)),
          p99Ms: round2(quantile(latencies, 0.99)),
          stealPercentPerRound: perRound(api.map((p) => p.stealPercent)),
          errors,
          baselineErrors: sum(bare),
          clients: CLIENTS,
          otherCards: OTHER_CARDS,
          rounds: ROUNDS,
          measureMsPerRound: ROUND.measureMs,
        },
      };
    } finally {
      await app.close();
    }
  },
};
