// The browser tests' world: the real server (built UI, embedded database) with the test shop's roles,
// Debian's Chromium, people signed in through the sign-in page, the API for setting scenes, and
// screenshots saved to test-output/browser/.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startServer, type ServerProcess } from '../helpers/server-process.ts';
import { launchBrowser } from './browser.ts';

export const PASSWORD = 'dutyboard-demo';
export const LI = 'li@shop.test';
export const WANG = 'wang@shop.test';
export const ZHAO = 'zhao@shop.test';
export const SCREENSHOTS = path.resolve('test-output/browser');

export interface Shop {
  server: ServerProcess;
  browser: Browser;
  /** A new browser context (a separate person) at 1280×800 unless told, with console errors collected. */
  person(email: string, options?: { locale?: string; width?: number; height?: number }): Promise<Person>;
  api(email: string): Promise<Api>;
  close(): Promise<void>;
}

export interface Person {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions seen on the page. */
  errors: string[];
}

export type Api = <T = Card>(method: string, path: string, body?: unknown) => Promise<T>;

/** The parts of a card the tests look at. */
export interface Card {
  id: number;
  version: number;
  title: string;
  status: string;
}

/** The test shop's server; `rolesDir` and `env` (PLUGINS…) set up another world for a test that needs one. */
export async function openShop(options: { rolesDir?: string; env?: Record<string, string> } = {}): Promise<Shop> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'dutyboard-browser-'));
  // Generous: a first start initialises the database, slow on a busy machine.
  const server = await startServer(
    { DATA_DIR: dataDir, ROLES_DIR: options.rolesDir ?? 'tests/browser/roles', ...options.env },
    120_000,
  );
  const browser = await launchBrowser();
  mkdirSync(SCREENSHOTS, { recursive: true });
  const contexts: BrowserContext[] = [];
  return {
    server,
    browser,
    async person(email, options = {}) {
      const context = await browser.newContext({
        locale: options.locale ?? 'zh-CN',
        viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
      });
      contexts.push(context);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${server.url}/sign-in`);
      await page.getByLabel(/邮箱|Email/).fill(email);
      await page.getByLabel(/密码|Password/).fill(PASSWORD);
      await page.getByRole('button', { name: /^(登录|Sign in)$/ }).click();
      await page.waitForSelector('[data-testid="person-name"]', { state: 'attached' });
      return { context, page, errors };
    },
    async api(email) {
      const response = await fetch(`${server.url}/api/auth/sign-in`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email, password: PASSWORD }),
      });
      if (!response.ok) throw new Error(`sign-in of ${email}: ${response.status}`);
      const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
      return async (method, route, body) => {
        const answer = await fetch(`${server.url}${route}`, {
          method,
          headers: { Cookie: cookie, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        if (answer.status >= 300) throw new Error(`${method} ${route}: ${answer.status} ${await answer.text()}`);
        return answer.status === 204 ? undefined : answer.json();
      };
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close();
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const screenshot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });

/** The card on the board with this title. */
export const cardOn = (page: Page, title: string) => page.locator(`[data-testid="card"][data-title="${title}"]`);

/** The column (cell) that holds the card with this title, by its column id. */
export async function columnOf(page: Page, title: string): Promise<string | null> {
  return cardOn(page, title)
    .evaluate((element) => element.closest<HTMLElement>('[data-cell]')?.dataset.column ?? null)
    .catch(() => null);
}

/** Drags a card with the mouse onto a column's cell, in small steps as a person's hand would. */
export async function dragTo(page: Page, title: string, column: string): Promise<void> {
  const from = (await cardOn(page, title).boundingBox())!;
  const cell = (await page.locator(`[data-cell][data-column="${column}"]`).first().boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  const to = { x: cell.x + cell.width / 2, y: cell.y + 40 };
  for (let step = 1; step <= 12; step++) {
    await page.mouse.move(
      from.x + from.width / 2 + ((to.x - from.x - from.width / 2) * step) / 12,
      from.y + from.height / 2 + ((to.y - from.y - from.height / 2) * step) / 12,
    );
    await page.waitForTimeout(16);
  }
  await page.mouse.up();
}
