// Plugins' UI on the board: the warehouse example's count on each receipt's face and in its panel, a test
// plugin's toolbar button, navigation page and dashboard widget — in zh-CN and English, reachable from the
// keyboard, axe clean. A card face that throws is contained (the card and the board work on), a plugin
// that failed on the server shows nothing and is named, with its reason, to the people who manage the
// organisation.
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './axe.ts';
import { BROWSER_TEST_PLUGINS } from './build-ui.ts';
import { cardOn, openShop, screenshot, type Card, type Shop } from './shop.ts';

const KEEPER = 'keeper@depot.test';
const PORTER = 'porter@depot.test';
const BOARD = '/boards/warehouse-receipt';
const THROWN = 'plugin "slot-probe": cardFace failed: the probe blew up on this card';

/** Presses Tab until `target` has the focus; fails when it is not reached in `max` presses. */
async function tabTo(page: Page, target: Locator, max = 60): Promise<void> {
  for (let presses = 0; presses < max; presses++) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`not reached with ${max} presses of Tab`);
}

describe('plugins on the board', () => {
  let shop: Shop;
  let a1: Card;
  beforeAll(async () => {
    shop = await openShop({
      rolesDir: 'tests/browser/roles-plugins',
      env: { PLUGINS: BROWSER_TEST_PLUGINS.join(',') },
    });
    const keeper = await shop.api(KEEPER);
    a1 = await keeper('POST', '/api/tasks', {
      type: 'warehouse.receipt',
      title: '到货 A-100',
      fields: { sku: 'A-100', expected: 10, counted: 8 },
    });
    await keeper('POST', '/api/tasks', {
      type: 'warehouse.receipt',
      title: 'boom 爆炸卡',
      fields: { sku: 'B-200', expected: 5 },
    });
    await keeper('POST', '/api/tasks', { type: 'warehouse.receipt', title: '到货 C-300', fields: { sku: 'C-300' } });
  });
  afterAll(() => shop?.close());

  it('renders each slot in zh-CN, contains the throwing card face, and names the failed plugin to the keeper', async () => {
    const { page, errors } = await shop.person(KEEPER);
    await page.goto(`${shop.server.url}${BOARD}`);
    await cardOn(page, '到货 A-100').waitFor();

    // The warehouse's badge: counted/expected, said in full to a screen reader; none without an expected count.
    const badge = cardOn(page, '到货 A-100').locator('[data-plugin="warehouse"][data-slot="cardFace"]');
    expect(await badge.locator('[aria-hidden="true"]').textContent()).toBe('8/10');
    expect(await badge.locator('.visually-hidden').textContent()).toBe('实收 8，应收 10');
    expect(await cardOn(page, '到货 C-300').locator('[data-plugin="warehouse"] .chip').count()).toBe(0);

    // The probe throws on one card only: that card says so in the probe's place and keeps the warehouse badge.
    const boom = cardOn(page, 'boom 爆炸卡');
    expect(await boom.locator('[data-plugin="slot-probe"]').textContent()).toBe('插件「插槽探针」无法显示这部分。');
    expect(await boom.locator('[data-plugin="warehouse"] [aria-hidden="true"]').textContent()).toBe('–/5');
    expect(await cardOn(page, '到货 A-100').locator('[data-plugin="slot-probe"]').textContent()).toBe('探针');

    // A plugin the server did not load shows nothing; the keeper is told which and why.
    expect(await page.locator('.nav').textContent()).toContain('探针');
    expect(await page.locator('.nav').textContent()).not.toContain('不该出现');
    const notice = page.getByTestId('plugin-notice');
    expect(await notice.locator('h2').textContent()).toBe('部分插件未能正常工作');
    const reasons = await notice.locator('li').allTextContents();
    expect(reasons).toContain('too-new 未能加载: plugin "too-new": core: needs core ^9.0, this is 0.1.0');
    expect(reasons).toContain(`slot-probe 卡片上的显示出错: the probe blew up on this card`);
    expect(await page.getByTestId('probe-tool').isVisible()).toBe(true);
    await screenshot(page, 'plugin-slots-board-zh-CN');
    expect(await seriousViolations(page), 'board').toEqual([]);

    // The board still works around the failure: the card opens, with the warehouse's part of the panel.
    await boom.click();
    await page.getByTestId('card-panel').getByText('尚未清点。').waitFor();
    await cardOn(page, '到货 A-100').click();
    expect(await page.getByTestId('warehouse-count').textContent()).toBe(
      '实收 8，应收 10，差 -2。 超过 2%，请重新清点。',
    );
    await screenshot(page, 'plugin-slots-panel-zh-CN');
    expect(await seriousViolations(page), 'card panel').toEqual([]);
    // The one error the page logged is the report of the probe's throw.
    expect(errors).toEqual([THROWN]);
  });

  it('reaches the plugins by keyboard and speaks English when asked', async () => {
    const { page, errors } = await shop.person(KEEPER, { locale: 'en-US' });
    await page.getByTestId('language').selectOption('en');
    await page.goto(`${shop.server.url}${BOARD}`);
    await cardOn(page, '到货 A-100').waitFor();
    const tool = page.getByTestId('probe-tool');
    expect(await tool.textContent()).toBe('Probe switch');
    await tabTo(page, tool);
    await page.keyboard.press('Enter');
    expect(await tool.getAttribute('aria-pressed')).toBe('true');
    expect(await cardOn(page, '到货 A-100').locator('[data-plugin="warehouse"] .visually-hidden').textContent()).toBe(
      'Counted 8 of 10 expected',
    );
    expect(await page.getByTestId('plugin-notice').locator('h2').textContent()).toBe('Some plugins are not working');

    await cardOn(page, '到货 A-100').focus();
    await page.keyboard.press('Enter');
    expect(await page.getByTestId('warehouse-count').textContent()).toBe(
      'Counted 8 of 10 expected (-2). More than 2 % off: count again.',
    );
    await screenshot(page, 'plugin-slots-panel-en');

    // The navigation entry, from the keyboard, opens the plugin's page; the home page shows its widget.
    await page.goto(`${shop.server.url}/`);
    const entry = page.locator('.nav a[data-plugin="slot-probe"]');
    await entry.waitFor();
    expect(await entry.textContent()).toBe('Probe');
    expect(await page.locator('[data-slot="dashboard"] h2').textContent()).toBe('Probe widget');
    expect(await page.getByTestId('probe-widget').textContent()).toBe('All is well.');
    await screenshot(page, 'plugin-slots-home-en');
    expect(await seriousViolations(page), 'home').toEqual([]);
    await tabTo(page, entry);
    await page.keyboard.press('Enter');
    expect(await page.getByTestId('probe-page').textContent()).toBe('The probe page.');
    expect(await page.locator('h1').textContent()).toBe('Probe');
    expect(await seriousViolations(page), 'plugin page').toEqual([]);
    expect(errors).toEqual([THROWN]);
  });

  it('shows plugins to a porter who cannot see the organisation, without the notice, following live edits', async () => {
    const { page } = await shop.person(PORTER);
    await page.goto(`${shop.server.url}${BOARD}`);
    const count = cardOn(page, '到货 A-100').locator('[data-plugin="warehouse"] [aria-hidden="true"]');
    await count.waitFor();
    expect(await page.getByTestId('probe-tool').isVisible()).toBe(true);
    expect(await page.getByTestId('plugin-notice').count()).toBe(0);

    // Someone recounts: the badge on the porter's board follows.
    await (await shop.api(KEEPER))('PATCH', `/api/tasks/${a1.id}`, {
      expectedVersion: a1.version,
      fields: { counted: 10 },
    });
    await expect.poll(() => count.textContent()).toBe('10/10');
  });
});
