// Every screen, at 1280×800 (and the board at 390 px wide): axe finds no serious or critical
// accessibility violation, the browser logs no error, and a screenshot goes to test-output/browser/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './axe.ts';
import { cardOn, openShop, screenshot, LI, WANG, type Shop } from './shop.ts';

describe('every screen', () => {
  let shop: Shop;
  let cardId: number;
  beforeAll(async () => {
    shop = await openShop();
    const wang = await shop.api(WANG);
    const wangId = (await wang<{ id: string }>('GET', '/api/me')).id;
    const card = await wang('POST', '/api/tasks', {
      type: 'shop.copy',
      title: '618 详情页',
      description: '突出轻薄。',
      fields: { sku: 'SKU-618', budget: 300 },
      labels: ['大促'],
      checklist: [
        { text: '初稿', done: true },
        { text: '校对', done: false },
      ],
      dueAt: '2030-06-18T10:00:00Z',
      assignTo: { personId: wangId },
    });
    cardId = card.id;
    await wang('POST', `/api/tasks/${card.id}/comments`, { body: '初稿已完成，请看。' });
    const moved = await wang<{ task: { version: number } }>('PATCH', `/api/tasks/${card.id}/transition`, {
      to: 'review',
      expectedVersion: card.version,
    });
    await wang('PATCH', `/api/tasks/${card.id}/transition`, { to: 'live', expectedVersion: moved.task.version });
    // An escalated card, on the board and in the lead's inbox and work.
    await (await shop.api(LI))('POST', '/api/tasks', {
      type: 'shop.copy',
      title: '超预算',
      fields: { sku: 'SKU-X', budget: 9000 },
      assignTo: { roleId: 'agent' },
    });
  });
  afterAll(() => shop?.close());

  it('has no serious accessibility problem, nor console error, on any screen; each is photographed', async () => {
    const context = await shop.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    const anonymous = await context.newPage();
    await anonymous.goto(`${shop.server.url}/sign-in`);
    await anonymous.getByLabel('邮箱').waitFor();
    expect(await seriousViolations(anonymous), 'sign-in').toEqual([]);
    await context.close();

    const { page, errors } = await shop.person(LI);
    const screens: [string, string, () => Promise<unknown>][] = [
      ['boards', '/', () => page.locator('.board-link').first().waitFor()],
      ['board-1280', '/boards/shop-copy', () => cardOn(page, '618 详情页').waitFor()],
      [
        'card-panel-1280',
        `/boards/shop-copy?card=${cardId}`,
        () => page.getByTestId('card-panel').locator('.comments li').first().waitFor(),
      ],
      ['card-page', `/cards/${cardId}`, () => page.locator('.activity li').first().waitFor()],
      ['me', '/me', () => page.locator('.work-list').first().waitFor()],
      ['inbox-screen', '/inbox', () => page.getByTestId('inbox-list').waitFor()],
      ['approvals-screen', '/approvals', () => page.getByTestId('approval-request').first().waitFor()],
    ];
    for (const [name, path, ready] of screens) {
      await page.goto(`${shop.server.url}${path}`);
      await ready();
      await screenshot(page, name);
      expect(await seriousViolations(page), name).toEqual([]);
    }
    await page.goto(`${shop.server.url}/boards/shop-copy`);
    await page.getByRole('button', { name: '添加卡片: 草稿' }).click();
    await page.getByRole('dialog').waitFor();
    await screenshot(page, 'create-card-dialog');
    expect(await seriousViolations(page), 'create card').toEqual([]);
    expect(errors).toEqual([]);
  });

  it('works on a phone: the board scrolls by column and the card opens full screen', async () => {
    const { page, errors } = await shop.person(WANG, { width: 390, height: 844 });
    await page.goto(`${shop.server.url}/boards/shop-copy`);
    await cardOn(page, '超预算').waitFor();
    await screenshot(page, 'board-390');
    expect(await seriousViolations(page), 'board at 390 px').toEqual([]);
    await cardOn(page, '超预算').click();
    const panel = page.getByTestId('card-panel');
    await panel.locator('#card-title').waitFor();
    expect((await panel.boundingBox())!.width).toBe(390);
    await screenshot(page, 'card-panel-390');
    // Nothing wider than the screen but the board's own sideways scroll.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(errors).toEqual([]);
  });
});
