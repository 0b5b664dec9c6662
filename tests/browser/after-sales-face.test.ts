// The after-sales card face on the board: each case's kind, its claim against the organisation's limit
// (max_claim_cny ¥200) flagged while the store manager's approval is needed, and whom it waits for — in
// zh-CN and English, said in full to screen readers, axe clean. And the default escalations this team
// cannot staff (no shipping policies), named to whoever edits the roles.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './axe.ts';
import { cardOn, openShop, screenshot, type Card, type Shop } from './shop.ts';

const AGENT = 'amy@cs.test';
const MANAGER = 'boss@cs.test';
const BOARD = '/boards/after-sales-case';

const faceOf = (page: Page, title: string) =>
  cardOn(page, title).locator('[data-plugin="after-sales"][data-slot="cardFace"]');
/** The chips as seen (a chip with a spoken form shows its aria-hidden part). */
const chips = (page: Page, title: string) =>
  faceOf(page, title)
    .locator('.chip')
    .evaluateAll((elements) =>
      elements.map((element) => (element.querySelector('[aria-hidden="true"]') ?? element).textContent?.trim()),
    );

describe('the after-sales card face', () => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await openShop({ rolesDir: 'tests/browser/roles-after-sales' });
    // The store manager hands the cases to the agents (an agent may not hand a card to a role).
    const manager = await shop.api(MANAGER);
    const open = (title: string, fields: Record<string, unknown>) =>
      manager<Card>('POST', '/api/tasks', {
        type: 'after-sales.case',
        title,
        fields: { order_no: 'TB-20260301', ...fields },
        assignTo: { roleId: 'after-sales-agent' },
      });
    await open('快递丢件索赔', { case_type: 'lost_parcel', claim_amount: 800, policy_covered: true });
    await open('误工费投诉', { case_type: 'complaint', claim_amount: 30, policy_covered: false });
    let waiting = await open('七天无理由退货', { case_type: 'return', claim_amount: 89, policy_covered: true });
    for (const to of ['in_progress', 'waiting_customer'])
      waiting = (
        await manager<{ task: Card }>('PATCH', `/api/tasks/${waiting.id}/transition`, {
          to,
          expectedVersion: waiting.version,
        })
      ).task;
  });
  afterAll(() => shop?.close());

  it('flags the claims beyond the limit or with no policy, and shows whom a case waits for (zh-CN)', async () => {
    const { page, errors } = await shop.person(AGENT);
    await page.goto(`${shop.server.url}${BOARD}`);
    await faceOf(page, '七天无理由退货').waitFor();
    expect(await chips(page, '快递丢件索赔')).toEqual(['快递丢件', '¥800/¥200', '需店长审批']);
    expect(await faceOf(page, '快递丢件索赔').locator('.visually-hidden').first().textContent()).toBe(
      '索赔 ¥800,规定上限 ¥200',
    );
    expect(await faceOf(page, '快递丢件索赔').locator('.chip.warning').count()).toBe(2);
    expect(await chips(page, '误工费投诉')).toEqual(['投诉', '¥30/¥200', '无规定可依', '需店长审批']);
    expect(await chips(page, '七天无理由退货')).toEqual(['退货', '¥89/¥200', '等买家回复']);
    expect(await faceOf(page, '七天无理由退货').locator('.chip.warning').count()).toBe(0);
    await screenshot(page, 'after-sales-board-zh-CN');
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('tells the store manager, who edits the roles, which default escalations are not in force here and why', async () => {
    const { page, errors } = await shop.person(MANAGER);
    await page.goto(`${shop.server.url}${BOARD}`);
    const notice = page.getByTestId('plugin-inactive');
    await notice.waitFor();
    expect(await notice.locator('h2').textContent()).toBe('插件的默认升级规则在本组织未启用');
    expect(await notice.locator('li').allTextContents()).toContain(
      'after-sales/shipment-late-48h: 未设置规定「ship_hard_limit_hours」, 未设置规定「ship_within_hours」',
    );
    await screenshot(page, 'plugin-inactive-escalations-zh-CN');
    expect(await seriousViolations(page)).toEqual([]);
    await notice.getByRole('button', { name: '隐藏' }).click();
    await expect.poll(() => notice.count()).toBe(0);
    expect(errors).toEqual([]);

    // An agent, who does not edit the roles, is not told.
    const agent = await shop.person(AGENT);
    await agent.page.goto(`${shop.server.url}${BOARD}`);
    await faceOf(agent.page, '七天无理由退货').waitFor();
    expect(await agent.page.getByTestId('plugin-inactive').count()).toBe(0);
  });

  it('speaks English when asked', async () => {
    const { page, errors } = await shop.person(AGENT, { locale: 'en-US' });
    await page.getByTestId('language').selectOption('en');
    await page.goto(`${shop.server.url}${BOARD}`);
    await faceOf(page, '七天无理由退货').waitFor();
    expect(await chips(page, '快递丢件索赔')).toEqual(['Lost parcel', '¥800/¥200', 'Needs store manager approval']);
    expect(await faceOf(page, '快递丢件索赔').locator('.visually-hidden').first().textContent()).toBe(
      'Claim ¥800 of a ¥200 limit',
    );
    expect(await chips(page, '七天无理由退货')).toEqual(['Return', '¥89/¥200', 'Waiting for the buyer']);
    await screenshot(page, 'after-sales-board-en');
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
