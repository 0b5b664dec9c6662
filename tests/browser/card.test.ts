// The card panel and creating cards: a stale edit shows what changed and keeps the person's text; a
// missing required field is named beside the field; Chinese input survives a live update mid-word.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { columnOf, openShop, screenshot, WANG, ZHAO, type Api, type Shop } from './shop.ts';

describe('the card panel', () => {
  let shop: Shop;
  let wang: Api;
  let zhao: Api;
  beforeAll(async () => {
    shop = await openShop();
    [wang, zhao] = await Promise.all([shop.api(WANG), shop.api(ZHAO)]);
  });
  afterAll(() => shop?.close());

  it("shows a stale edit as a conflict, field by field, keeping the person's text until they choose", async () => {
    const card = await wang('POST', '/api/tasks', {
      type: 'shop.copy',
      title: '主图文案',
      description: '初稿',
      fields: { sku: 'SKU-9' },
    });
    const { page, errors } = await shop.person(WANG);
    await page.goto(`${shop.server.url}/boards/shop-copy?card=${card.id}`);
    const description = page.getByTestId('description');
    await description.fill('我的版本：突出赠品');
    await screenshot(page, 'card-panel');

    // Someone else saves first; their change arrives live, and the person's typing stays.
    await zhao('PATCH', `/api/tasks/${card.id}`, {
      expectedVersion: card.version,
      description: '赵磊的版本：突出价格',
    });
    await expect.poll(() => page.locator('.activity li').count()).toBeGreaterThan(1);
    expect(await description.inputValue()).toBe('我的版本：突出赠品');

    await page.getByRole('button', { name: '保存', exact: true }).click();
    const conflict = page.getByTestId('conflict');
    await conflict.waitFor();
    expect(await conflict.getByTestId('mine').textContent()).toBe('我的版本：突出赠品');
    expect(await conflict.getByTestId('theirs').textContent()).toBe('赵磊的版本：突出价格');
    expect(await description.inputValue()).toBe('我的版本：突出赠品');
    await screenshot(page, 'card-conflict');

    await page.getByRole('button', { name: '按我的选择保存' }).click();
    await expect
      .poll(async () => (await wang<{ description: string }>('GET', `/api/tasks/${card.id}`)).description)
      .toBe('我的版本：突出赠品');
    await expect.poll(() => conflict.count()).toBe(0);
    // The 409 the save met is the only error the browser saw.
    expect(errors.filter((e) => !e.includes('409'))).toEqual([]);
  });

  it("creates a card in a column from its type's fields, naming a missing required field beside it", async () => {
    const { page, errors } = await shop.person(WANG);
    await page.goto(`${shop.server.url}/boards/shop-copy`);
    await page.getByRole('button', { name: '添加卡片: 撰写中' }).click();
    await page.getByLabel('标题').fill('新品上架文案');
    await screenshot(page, 'create-card');
    await page.getByRole('button', { name: '创建' }).click();
    await expect.poll(() => page.locator('#field-sku-error').textContent()).toBe('必填');
    expect(await page.locator('#field-sku').getAttribute('aria-invalid')).toBe('true');

    await page.locator('#field-sku').fill('SKU-NEW');
    await page.getByRole('button', { name: '创建' }).click();
    // Made in the type's first state, then moved to the column it was made in.
    await expect.poll(() => columnOf(page, '新品上架文案')).toBe('writing');
    expect(errors.filter((e) => !e.includes('400'))).toEqual([]);
  });

  it("keeps a Chinese input method's composition in the description when a live update arrives mid-word", async () => {
    const card = await wang('POST', '/api/tasks', {
      type: 'shop.copy',
      title: '详情页',
      description: '卖点：',
      fields: { sku: 'SKU-IME' },
    });
    const { page, context, errors } = await shop.person(WANG);
    await page.goto(`${shop.server.url}/boards/shop-copy?card=${card.id}`);
    const description = page.getByTestId('description');
    await description.click();
    await page.keyboard.press('End');
    const cdp = await context.newCDPSession(page);
    await cdp.send('Input.imeSetComposition', { text: 'qing', selectionStart: 4, selectionEnd: 4 });

    // Zhao renames the card and rewrites its description while Wang is still composing: the new title
    // shows; the description Wang is typing in stays his, composition and all (a save would show the conflict).
    await zhao('PATCH', `/api/tasks/${card.id}`, {
      expectedVersion: card.version,
      title: '详情页（改）',
      description: '卖点：（赵磊补充）',
    });
    await expect.poll(() => page.locator('#card-title').inputValue()).toBe('详情页（改）');
    expect(await description.inputValue()).toBe('卖点：qing');
    await cdp.send('Input.imeSetComposition', { text: 'qingbo', selectionStart: 6, selectionEnd: 6 });
    await cdp.send('Input.insertText', { text: '轻薄' });
    expect(await description.inputValue()).toBe('卖点：轻薄');

    // "/" typed into the description is text, not the search shortcut.
    await page.keyboard.type('/');
    expect(await description.inputValue()).toBe('卖点：轻薄/');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('card-description');
    expect(errors).toEqual([]);
  });
});
