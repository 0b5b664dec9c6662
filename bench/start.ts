// start: how long `npm start` (bin/start.mjs) takes to listen, on an existing embedded database (a later
// start) and on a new one (a first start), and the server's memory then. Baselines measured in the same
// run, alternating: a bare `node -e 0`, and a plain PGlite open of an existing data folder.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { prepare } from '../bin/prepare.mjs';
import { median, type Bench, type BenchResult } from './result.ts';

const ROUNDS = 3;
const TARGETS = { laterMs: 3000, firstMs: 10_000, rssMb: 400 };

function timed(args: string[], env: Record<string, string> = {}): number {
  const started = performance.now();
  const run = spawnSync(process.execPath, args, { env: { ...process.env, ...env }, stdio: 'ignore' });
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} exited ${run.status}`);
  return performance.now() - started;
}

const rssMb = (child: ChildProcess) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024;

/** Spawns the server as `npm start` does; resolves once it listens, with the time taken and its memory. */
async function start(dataDir: string): Promise<{ ms: number; rssMb: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, ['bin/start.mjs'], {
    env: { ...process.env, PORT: '0', DATA_DIR: dataDir, LOG_FORMAT: 'json', DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  const listening = new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk;
      if (output.includes('is listening on')) resolve(performance.now() - started);
    });
    child.once('exit', (code) => reject(new Error(`server exited ${code} before listening:\n${output}`)));
  });
  const ms = await listening;
  const rss = rssMb(child);
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
  return { ms, rssMb: rss };
}

export const startBench: Bench = {
  name: 'start',
  description:
    'npm start until listening: a later start (existing embedded database) and a first start (new one), and the memory then',
  async run(): Promise<BenchResult> {
    // What `npm start` would build is built first (usually nothing): the starts measure starting.
    await prepare({ log: (line: string) => console.log(`  ${line}`) });
    const scratch = mkdtempSync(path.join(tmpdir(), 'bench-start-'));
    try {
      const existing = path.join(scratch, 'existing');
      await start(existing);
      const rounds = {
        node: [] as number[],
        pglite: [] as number[],
        later: [] as number[],
        first: [] as number[],
        laterRss: [] as number[],
        firstRss: [] as number[],
      };
      const openPglite = `const { PGlite } = await import('@electric-sql/pglite'); const db = await PGlite.create({ dataDir: process.env.DIR }); await db.query('select 1'); await db.close();`;
      for (let round = 0; round < ROUNDS; round++) {
        rounds.node.push(timed(['-e', '0']));
        rounds.pglite.push(timed(['--input-type=module', '-e', openPglite], { DIR: existing }));
        const later = await start(existing);
        rounds.later.push(later.ms);
        rounds.laterRss.push(later.rssMb);
        const first = await start(path.join(scratch, `first-${round}`));
        rounds.first.push(first.ms);
        rounds.firstRss.push(first.rssMb);
      }
      const [node, pglite, later, first] = [
        median(rounds.node),
        median(rounds.pglite),
        median(rounds.later),
        median(rounds.first),
      ];
      const rss = Math.max(...rounds.laterRss, ...rounds.firstRss);
      const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0]!;
      return {
        name: 'start',
        metric: 'later start until listening (baseline: a plain PGlite open of the same data)',
        value: later,
        unit: 'ms',
        baseline: pglite,
        ratio: later / pglite,
        target: `later < ${TARGETS.laterMs} ms, first < ${TARGETS.firstMs} ms, RSS < ${TARGETS.rssMb} MB`,
        met: later < TARGETS.laterMs && first < TARGETS.firstMs && rss < TARGETS.rssMb,
        extra: {
          firstStartMs: Math.round(first),
          firstVsPgliteOpen: Math.round((first / pglite) * 100) / 100,
          bareNodeMs: Math.round(node),
          laterVsBareNode: Math.round((later / node) * 100) / 100,
          laterStartRssMb: Math.round(median(rounds.laterRss)),
          firstStartRssMb: Math.round(median(rounds.firstRss)),
          loadAverage: load,
        },
      };
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  },
};
