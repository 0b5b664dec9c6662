// board-load: how long opening a 10,000-card board takes over HTTP, against the bare SELECT of the same
// rows through pg; supporting figures: the service alone, and the bare SELECT of only the columns a board reads.
import { BOARD_CARD_SOURCE } from '../core/tasks/task-view.ts';
import { quantile, round2, seedCards, startBenchApp } from './bench-app.ts';
import { median, type Bench, type BenchResult } from './result.ts';

const CARDS = 10_000;
const WARMUPS = 3;
const RUNS = 30;
const TARGET_MS = 150;
const TARGET_RATIO = 3;
const BOARD = 'core-task';
const BARE_SELECT = `SELECT * FROM tasks WHERE type = 'core.task' AND archived_at IS NULL ORDER BY position, id`;

async function timed(fn: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

async function timeRuns(fn: () => Promise<void>): Promise<number[]> {
  for (let i = 0; i < WARMUPS; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(await timed(fn));
  return times;
}

/** Both warmed up, then RUNS rounds of one of each, so a busy neighbour slows both alike. */
async function timeAlternating(a: () => Promise<void>, b: () => Promise<void>): Promise<[number[], number[]]> {
  for (let i = 0; i < WARMUPS; i++) {
    await a();
    await b();
  }
  const [timesA, timesB]: [number[], number[]] = [[], []];
  for (let i = 0; i < RUNS; i++) {
    timesA.push(await timed(a));
    timesB.push(await timed(b));
  }
  return [timesA, timesB];
}

export const boardLoad: Bench = {
  name: 'board-load',
  description: `GET /api/boards/${BOARD} with ${CARDS.toLocaleString('en')} cards over HTTP vs the bare SELECT through pg`,
  async run(): Promise<BenchResult> {
    const app = await startBenchApp();
    try {
      await seedCards(app, CARDS);
      const pool = app.rawPool(1);
      let bytes = 0;
      let selected = 0;
      const getBoard = async () => {
        const response = await app.call('GET', `/api/boards/${BOARD}`);
        if (response.status !== 200) throw new Error(`GET /api/boards/${BOARD}: ${response.status} ${response.text()}`);
        bytes = response.bytes;
      };
      const bareSelect = async () => {
        selected = (await pool.query(BARE_SELECT)).rowCount ?? 0;
      };
      const [api, bare] = await timeAlternating(getBoard, bareSelect);
      const { cards } = (await app.call('GET', `/api/boards/${BOARD}`)).json<{ cards: { position: string }[] }>();
      if (cards.length !== CARDS) throw new Error(`the board showed ${cards.length} cards, expected ${CARDS}`);
      if (cards.some((card, i) => i > 0 && cards[i - 1]!.position >= card.position))
        throw new Error("the board's cards are not in position order");
      if (selected !== CARDS) throw new Error(`the bare SELECT returned ${selected} rows, expected ${CARDS}`);

      // Where the API's time goes, measured in-process: the service (the database builds the cards'
      // JSON). The baseline reads every column; a board reads those a card face needs: the bare SELECT of
      // just those, for comparison.
      const service = await timeRuns(async () => void (await app.services.boards.loadJson(BOARD, {})));
      const columns = Object.values(BOARD_CARD_SOURCE).map((source) => source.column);
      const narrow = await timeRuns(
        async () =>
          void (await pool.query(`SELECT ${columns.join(', ')} ${BARE_SELECT.slice(BARE_SELECT.indexOf('FROM'))}`)),
      );

      const value = median(api);
      const baseline = median(bare);
      const ratio = value / baseline;
      return {
        name: 'board-load',
        metric: `median ms to GET a ${CARDS.toLocaleString('en')}-card board over HTTP (baseline: the bare SELECT through pg)`,
        value,
        unit: 'ms',
        baseline,
        ratio,
        target: `≤ ${TARGET_MS} ms and ≤ ${TARGET_RATIO}× the SELECT`,
        met: value <= TARGET_MS && ratio <= TARGET_RATIO,
        extra: {
          apiP90Ms: round2(quantile(api, 0.9)),
          apiMaxMs: round2(Math.max(...api)),
          responseKb: Math.round(bytes / 1024),
          selectP90Ms: round2(quantile(bare, 0.9)),
          selectOfBoardColumnsMs: round2(median(narrow)),
          serviceLoadMs: round2(median(service)),
          cards: CARDS,
          runs: RUNS,
        },
      };
    } finally {
      await app.close();
    }
  },
};
