// Signing in, the shell around every screen, the language switch, and deep links with the back button.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openShop, screenshot, WANG, type Shop } from './shop.ts';

describe('sign-in and the app shell', () => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await openShop();
  });
  afterAll(() => shop?.close());

  it('signs in, shows the person with their roles, in the organisation language, then switches to English and remembers it', async () => {
    const context = await shop.browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    await page.goto(`${shop.server.url}/boards/shop-copy`);
    await page.waitForURL(/\/sign-in\?next=/);
    await screenshot(page, 'sign-in');
    await page.getByLabel('Email').fill(WANG);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Email or password is not right.');
    await page.getByLabel('Password').fill('dutyboard-demo');
    await page.getByRole('button', { name: 'Sign in' }).click();

    // Back where they were going; the organisation speaks zh-CN, so the app does until the person chooses.
    await page.waitForURL(/\/boards\/shop-copy$/);
    await expect.poll(() => page.getByTestId('person-name').textContent()).toBe('王芳');
    await expect.poll(() => page.locator('.person-roles').textContent()).toBe('运营专员');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await expect
      .poll(() => page.locator('.column-head h2').allTextContents())
      .toEqual(['草稿', '撰写中', '待审核', '已上线']);

    await page.getByTestId('language').selectOption('en');
    await expect
      .poll(() => page.locator('.column-head h2').allTextContents())
      .toEqual(['Draft', 'Writing', 'In review', 'Live']);
    expect(await page.locator('.person-roles').textContent()).toBe('Operations agent');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.reload();
    await expect.poll(() => page.getByRole('link', { name: 'My work' }).count()).toBe(1);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    // 401 from the wrong password is the only console error: the sign-in request itself.
    expect(errors.filter((e) => !e.includes('401'))).toEqual([]);
    await context.close();
  });

  it('opens screens by deep link, and the back button returns to the board', async () => {
    const { page } = await shop.person(WANG);
    await page.goto(`${shop.server.url}/me`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('我的工作');
    await page.getByRole('link', { name: '看板' }).first().click();
    await page.getByRole('link', { name: /文案/ }).click();
    await page.waitForURL(/\/boards\/shop-copy$/);
    await page.goBack();
    await page.waitForURL(`${shop.server.url}/`);
    await page.goBack();
    await page.waitForURL(/\/me$/);
    const api = await fetch(`${shop.server.url}/api/boards-that-do-not-exist`);
    expect(api.status).toBe(404);
    expect((await api.json()).error.code).toBe('NOT_FOUND');
  });

  it('signs out and sends the person back to the sign-in page', async () => {
    const { page } = await shop.person(WANG);
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.waitForURL(/\/sign-in/);
    await page.goto(`${shop.server.url}/me`);
    await page.waitForURL(/\/sign-in\?next=%2Fme/);
  });
});
