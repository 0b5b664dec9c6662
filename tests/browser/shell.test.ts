// The UI shell in a real browser: product name, live server status, and the zh-CN / en switch.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServerProcess } from '../helpers/server-process.ts';
import { launchBrowser } from './browser.ts';

describe('UI shell', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'dutyboard-ui-'));
  let server: ServerProcess;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer({ DATA_DIR: dataDir });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows the product, the server status, and switches language, remembering the choice', async () => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(server.url);

    await expect.poll(() => page.locator('h1').textContent()).toBe('Dutyboard');
    await expect.poll(() => page.locator('.status').textContent()).toBe('运行中');
    expect(await page.getByTestId('database').textContent()).toBe('pglite');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');

    await page.getByRole('combobox').selectOption('en');
    expect(await page.locator('.status').textContent()).toBe('Running');
    expect(await page.locator('.tagline').textContent()).toBe('The workflow board for online-store teams');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');

    await page.reload();
    await expect.poll(() => page.locator('.status').textContent()).toBe('Running');
    await page.screenshot({ path: path.join(os.tmpdir(), 'dutyboard-shell.png') });
    await context.close();
  });

  it('serves the app for client-side routes and keeps /api errors as JSON', async () => {
    const page = await browser.newPage();
    const response = await page.goto(`${server.url}/boards/some-board`);
    expect(response?.status()).toBe(200);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Dutyboard');
    const api = await fetch(`${server.url}/api/boards-that-do-not-exist`);
    expect(api.status).toBe(404);
    expect((await api.json()).error.code).toBe('NOT_FOUND');
    await page.close();
  });
});
