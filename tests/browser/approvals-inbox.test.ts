// Approvals and the inbox across browsers: a move requested in one context and decided in another, the
// requester's board following; an escalation arriving live in the lead's inbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { columnOf, openShop, screenshot, LI, WANG, type Api, type Shop } from './shop.ts';

describe('approvals and the inbox', () => {
  let shop: Shop;
  let wang: Api;
  beforeAll(async () => {
    shop = await openShop();
    wang = await shop.api(WANG);
  });
  afterAll(() => shop?.close());

  it('decides in one browser an approval requested in another, and the requester sees the card move', async () => {
    let card = await wang('POST', '/api/tasks', {
      type: 'shop.copy',
      title: '大促海报文案',
      fields: { sku: 'SKU-A', budget: 880 },
    });
    card = (
      await wang<{ task: typeof card }>('PATCH', `/api/tasks/${card.id}/transition`, {
        to: 'review',
        expectedVersion: card.version,
      })
    ).task;
    const requester = await shop.person(WANG);
    await requester.page.goto(`${shop.server.url}/boards/shop-copy?card=${card.id}`);
    await requester.page.getByRole('button', { name: '申请审批：已上线' }).click();
    await expect
      .poll(() => requester.page.getByTestId('toast').last().textContent())
      .toBe('已申请移到「已上线」，审批通过前卡片保持原位。');
    expect(await columnOf(requester.page, '大促海报文案')).toBe('review');

    const lead = await shop.person(LI);
    await lead.page.goto(`${shop.server.url}/approvals`);
    const request = lead.page.getByTestId('approval-request').filter({ hasText: '大促海报文案' });
    await request.waitFor();
    expect(await request.locator('.chip').first().textContent()).toBe('待审核 → 已上线');
    await expect.poll(() => request.locator('.covered dd').allTextContents()).toEqual(['SKU-A', '¥880.00']);
    await screenshot(lead.page, 'approvals');
    await request.getByLabel('意见（可选）').fill('文案可以，上线吧');
    await request.getByRole('button', { name: '批准' }).click();
    await expect
      .poll(() => lead.page.getByTestId('approval-request').filter({ hasText: '大促海报文案' }).count())
      .toBe(0);

    await expect.poll(() => columnOf(requester.page, '大促海报文案'), { timeout: 3000 }).toBe('live');
    expect([...requester.errors, ...lead.errors]).toEqual([]);
  });

  it("brings an escalation into the lead's inbox live, with the unread count", async () => {
    const lead = await shop.person(LI);
    await lead.page.goto(`${shop.server.url}/inbox`);
    const unread = async () =>
      (await lead.page.getByTestId('unread').count()) ? Number(await lead.page.getByTestId('unread').textContent()) : 0;
    await lead.page.getByRole('heading', { name: /收件箱/ }).waitFor();
    const before = await unread();

    // Budget over the policy on a card with the agents: the rule fires at once, to their lead.
    const li = await shop.api(LI);
    await li('POST', '/api/tasks', {
      type: 'shop.copy',
      title: '超预算投放',
      fields: { sku: 'SKU-B', budget: 5000 },
      assignTo: { roleId: 'agent' },
    });
    await expect.poll(unread, { timeout: 3000 }).toBe(before + 1);
    const item = lead.page.locator('[data-testid="inbox-list"] li[data-kind="escalation"]').first();
    await item.waitFor();
    expect(await item.locator('.chip').textContent()).toBe('升级提醒');
    await screenshot(lead.page, 'inbox');
    await item.getByRole('button', { name: '标为已读' }).click();
    await expect.poll(unread).toBe(before);
    expect(lead.errors).toEqual([]);
  });
});
