// The promotion plugin's import page: a channel report pasted for a plan comes back, when any row is bad,
// with every problem by line and column and nothing written; a good one sets the plan's figures, which
// the plan's card face then shows against its budget. In zh-CN and English, from the keyboard, axe clean.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './axe.ts';
import { cardOn, openShop, screenshot, type Card, type Shop } from './shop.ts';

const ANN = 'ann@promo.test';
const BAD = [
  '日期,花费,展现,点击',
  '2026-06-01,1200,50000,900',
  '2026-06-31,800,40000,700',
  '2026-06-02,abc,1000,2000',
].join('\n');
const GOOD = ['日期,花费,展现,点击', '2026-06-01,1200,50000,900', '2026-06-02,"1,050.50",42000,760'].join('\r\n');

/** Console errors besides the browser's own line for each refused import (a 422 the page shows). */
const unexpected = (errors: string[]) => errors.filter((error) => !error.includes('status of 422'));

describe('the promotion import page', () => {
  let shop: Shop;
  let plan: Card;
  beforeAll(async () => {
    shop = await openShop({ rolesDir: 'tests/browser/roles-promotion' });
    const lead = await shop.api('lead@promo.test');
    plan = await lead('POST', '/api/tasks', {
      type: 'promotion.plan',
      title: '直通车:六月连衣裙',
      fields: { channel: 'ztc', from: '2026-06-01', to: '2026-06-30', budget: 2000 },
      assignTo: { roleId: 'ppc' },
    });
    const fin = await shop.api('fin@promo.test');
    for (const [who, to] of [
      [lead, 'submitted'],
      [fin, 'approved'],
      [lead, 'running'],
    ] as const)
      plan = (
        await who<{ task: Card }>('PATCH', `/api/tasks/${plan.id}/transition`, { to, expectedVersion: plan.version })
      ).task;
  });
  afterAll(() => shop?.close());

  it('lists a bad report’s problems by line and column, writes nothing, then imports a good one (zh-CN)', async () => {
    const { page, errors } = await shop.person(ANN);
    await page.goto(`${shop.server.url}/plugins/promotion?plan=${plan.id}`);
    await page.getByTestId('promotion-import').waitFor();
    expect(await page.locator('h1').textContent()).toBe('推广数据导入');
    expect(await page.getByLabel('推广计划卡片编号').inputValue()).toBe(String(plan.id));
    await page.getByLabel('或粘贴报表内容').fill(BAD);
    await page.getByRole('button', { name: '导入' }).click();
    const rows = page.locator('.import-problems tbody tr');
    await rows.first().waitFor();
    expect(await rows.allTextContents()).toEqual([
      '3日期「2026-06-31」不是日期,应写作 2026-05-01',
      '4花费「abc」不是非负数字',
      '4点击点击量大于展现量',
    ]);
    expect(await page.getByTestId('import-outcome').getAttribute('role')).toBe('status');
    expect(await page.locator('.import-problems caption').textContent()).toBe('逐行问题');
    await screenshot(page, 'promotion-import-problems-zh-CN');
    expect(await seriousViolations(page)).toEqual([]);
    expect((await (await shop.api(ANN))('GET', `/api/tasks/${plan.id}`)).version).toBe(plan.version);

    await page.getByLabel('或粘贴报表内容').fill(GOOD);
    await page.getByRole('button', { name: '导入' }).click();
    await expect.poll(() => page.getByTestId('import-outcome').textContent()).toContain('已导入 2 天的数据');
    expect(await page.getByTestId('import-outcome').textContent()).toContain('花费 2,250.5');

    // Over budget now (¥2,250.50 of ¥2,000): the plan's face says so, in full to a screen reader.
    await page.goto(`${shop.server.url}/boards/promotion-plan`);
    const face = cardOn(page, '直通车:六月连衣裙').locator('[data-plugin="promotion"][data-slot="cardFace"]');
    await face.waitFor();
    expect(await face.locator('[aria-hidden="true"]').textContent()).toBe('¥2,250.5/¥2,000');
    expect(await face.locator('.visually-hidden').textContent()).toBe('花费 ¥2,250.5,预算 ¥2,000,已超预算');
    await screenshot(page, 'promotion-board-zh-CN');
    expect(unexpected(errors)).toEqual([]);
  });

  it('is used from the keyboard and speaks English when asked', async () => {
    const { page, errors } = await shop.person(ANN, { locale: 'en-US' });
    await page.getByTestId('language').selectOption('en');
    await page.goto(`${shop.server.url}/plugins/promotion`);
    const entry = page.locator('.nav a[data-plugin="promotion"]');
    expect(await entry.textContent()).toBe('Promotion import');
    await page.getByLabel('Promotion plan card no.').focus();
    await page.keyboard.type(String(plan.id));
    await page.keyboard.press('Tab'); // the file chooser
    await page.keyboard.press('Tab'); // the report
    await page.keyboard.type('date,spend\n2026-07-01,10');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    const rows = page.locator('.import-problems tbody tr');
    await rows.first().waitFor();
    expect(await rows.allTextContents()).toEqual([
      "2date2026-07-01 is outside the plan's period 2026-06-01 to 2026-06-30",
    ]);
    expect(await page.locator('.form-error').textContent()).toContain('nothing was imported');
    await screenshot(page, 'promotion-import-problems-en');
    expect(await seriousViolations(page)).toEqual([]);
    expect(unexpected(errors)).toEqual([]);
  });
});
