// board-render: a 5,000-card board on PostgreSQL in headless Chromium. Time from navigation until the
// board is interactive (cards visible in every column, a frame later so a drag can start), against the
// same run's baseline: the same 5,000 titles as a plain server-built HTML list in the same browser.
// Also: the work per frame while a card is dragged across the columns, and the JS the board loads.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../tests/browser/browser.ts';
import { quantile, round2, seedCards, startBenchApp } from './bench-app.ts';
import { median, type Bench, type BenchResult } from './result.ts';

const CARDS = 5_000;
const ROUNDS = 7;
const BOARD = 'core-task';
const UI_DIR = path.resolve('dist/ui');
const TARGET_RATIO = 3;
const TARGET_MS = 1500;
const TARGET_FRAME_MS = 16;
const TARGET_JS_KB = 200;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The baseline: the titles as one server-built page, the way a plain list would be served. */
function baselineServer(titles: string[]): Promise<{ server: Server; url: string }> {
  const html = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>list</title></head><body><ul id="list">${titles.map((t) => `<li>${escapeHtml(t)}</li>`).join('')}</ul></body></html>`;
  const server = createServer((_, response) =>
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html),
  );
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/` }),
    ),
  );
}

/** ms from navigation start until `ready` holds, plus one frame (the page can take input). */
async function timeToReady(page: Page, url: string, ready: (cards: number) => boolean): Promise<number> {
  await page.goto(url, { waitUntil: 'commit' });
  // A function, not a string: the app's Content-Security-Policy allows no eval.
  await page.waitForFunction(ready, CARDS, { polling: 'raf', timeout: 30_000 });
  return page.evaluate(() => new Promise<number>((resolve) => requestAnimationFrame(() => resolve(performance.now()))));
}

const BOARD_READY = () => {
  const cells = [...document.querySelectorAll('[data-cell]')];
  return cells.length === 4 && cells.every((cell) => cell.querySelector('[data-testid="card"]') !== null);
};
const LIST_READY = (cards: number) => document.querySelectorAll('#list li').length === cards;

/**
 * The work of each frame while a card is dragged from the first column to the last: from the frame's
 * animation callback to the first task after it (style, layout and paint happen between the two).
 */
async function dragFrames(page: Page): Promise<number[]> {
  await page.evaluate(() => {
    const state = window as unknown as { frames: number[]; recording: boolean };
    state.frames = [];
    state.recording = true;
    const channel = new MessageChannel();
    let started = 0;
    channel.port1.onmessage = () => state.frames.push(performance.now() - started);
    const frame = () => {
      if (!state.recording) return;
      started = performance.now();
      channel.port2.postMessage(null);
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
  const first = (await page.locator('[data-cell][data-column="todo"] [data-testid="card"]').first().boundingBox())!;
  const last = (await page.locator('[data-cell][data-column="done"]').boundingBox())!;
  const from = { x: first.x + first.width / 2, y: first.y + first.height / 2 };
  const to = { x: last.x + last.width / 2, y: last.y + 200 };
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  const steps = 120;
  for (let step = 1; step <= steps; step++) {
    // Across and down and back up a little, so the drop place changes inside columns too.
    const wobble = Math.sin((step / steps) * Math.PI * 4) * 120;
    await page.mouse.move(
      from.x + ((to.x - from.x) * step) / steps,
      from.y + ((to.y - from.y) * step) / steps + wobble,
    );
    await page.waitForTimeout(8);
  }
  await page.keyboard.press('Escape');
  await page.mouse.up();
  return page.evaluate(() => {
    const state = window as unknown as { frames: number[]; recording: boolean };
    state.recording = false;
    return state.frames;
  });
}

export const boardRender: Bench = {
  name: 'board-render',
  description: `a ${CARDS.toLocaleString('en')}-card board on PostgreSQL in headless Chromium: time to interactive vs a plain server-built HTML list; frame work while dragging; JS shipped`,
  async run(): Promise<BenchResult> {
    const build = spawnSync('npx', ['vite', 'build', '--logLevel', 'error'], { stdio: 'inherit' });
    if (build.status !== 0) throw new Error('vite build failed');
    const app = await startBenchApp({ uiDir: UI_DIR });
    const browser = await launchBrowser();
    let baseline: { server: Server; url: string } | undefined;
    try {
      await seedCards(app, CARDS);
      const titles = (
        await app
          .rawPool(1)
          .query<{ title: string }>(`SELECT title FROM tasks WHERE archived_at IS NULL ORDER BY position, id`)
      ).rows.map((row) => row.title);
      baseline = await baselineServer(titles);

      const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN' });
      const [name, value] = app.cookie.split('=') as [string, string];
      await context.addCookies([{ name, value, url: app.url }]);
      // tsx keeps function names with a `__name` helper that the page does not have.
      await context.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
      const page = await context.newPage();
      const scripts = new Set<string>();
      page.on('response', (response) => {
        if (response.url().endsWith('.js')) scripts.add(new URL(response.url()).pathname);
      });

      // Alternating rounds, each a fresh navigation, so a busy neighbour slows both alike.
      const boardTimes: number[] = [];
      const listTimes: number[] = [];
      await timeToReady(page, `${app.url}/boards/${BOARD}`, BOARD_READY);
      await timeToReady(page, baseline.url, LIST_READY);
      for (let round = 0; round < ROUNDS; round++) {
        boardTimes.push(await timeToReady(page, `${app.url}/boards/${BOARD}`, BOARD_READY));
        listTimes.push(await timeToReady(page, baseline.url, LIST_READY));
      }
      await timeToReady(page, `${app.url}/boards/${BOARD}`, BOARD_READY);
      const shownCards = await page.locator('[data-testid="card"]').count();
      const frames = await dragFrames(page);
      const jsBytes = [...scripts].reduce(
        (sum, file) => sum + gzipSync(readFileSync(path.join(UI_DIR, file))).length,
        0,
      );

      const interactive = median(boardTimes);
      const list = median(listTimes);
      const ratio = interactive / list;
      const p95Frame = quantile(frames, 0.95);
      const jsKb = jsBytes / 1024;
      const met =
        ratio <= TARGET_RATIO && interactive <= TARGET_MS && p95Frame <= TARGET_FRAME_MS && jsKb <= TARGET_JS_KB;
      return {
        name: 'board-render',
        metric: `median ms from navigation to an interactive ${CARDS.toLocaleString('en')}-card board (baseline: the titles as a plain server-built HTML list)`,
        value: round2(interactive),
        unit: 'ms',
        baseline: round2(list),
        ratio: round2(ratio),
        target: `≤ ${TARGET_RATIO}× baseline and ≤ ${TARGET_MS} ms; p95 frame during a drag ≤ ${TARGET_FRAME_MS} ms; board JS ≤ ${TARGET_JS_KB} KB gzipped`,
        met,
        extra: {
          cards: CARDS,
          rounds: ROUNDS,
          boardRoundsMs: boardTimes.map(round2).join(' '),
          listRoundsMs: listTimes.map(round2).join(' '),
          cardElementsInPage: shownCards,
          dragFrames: frames.length,
          p50FrameMs: round2(quantile(frames, 0.5)),
          p95FrameMs: round2(p95Frame),
          maxFrameMs: round2(Math.max(...frames)),
          boardJsKbGzip: round2(jsKb),
          boardJsFiles: [...scripts].map((file) => path.basename(file)).join(' '),
        },
      };
    } finally {
      await browser.close();
      baseline?.server.close();
      await app.close();
    }
  },
};
