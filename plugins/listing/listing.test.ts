// The listing plugin (plugins/listing) on every database, through its real task types: each go-live
// check refuses with its reason and lets the product through once it holds; a product on sale without
// stock gets one delist card and escalates to its listing owner; the 3-5 hero-product rule; the
// four-week launch timeline; and the recurring title and listing-time work per product on sale.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_PLUGINS } from '../../core/config.ts';
import { createEscalationScheduler } from '../../core/escalation/escalation-scheduler.ts';
import { seedPluginDemos } from '../../core/plugins/demo-data.ts';
import { pluginSource } from '../../core/plugins/loader.ts';
import { testDatabases } from '../../tests/helpers/databases.ts';
import { memoryLogger } from '../../tests/helpers/silent-logger.ts';
import { createTestApp, demoRoles, type TestApp } from '../../tests/helpers/test-app.ts';

const shop = `
version: 1
organization: {id: shop, name: 小店, timezone: Asia/Shanghai}
roles:
  - id: design-lead
    name: 美工主管
    can: [tasks.assign, tasks.close, escalations.view]
    kpis:
      - {id: heroes, name: 主打款3-5款, metric: listing.hero_products, target: {gte: 3, lte: 5}, period: month}
  - id: designer
    name: 美工
    reports_to: design-lead
    escalations:
      # The plugin's default goes to the owner's lead after 2 h; the shop tells the owner at once too.
      - id: listed-out-of-stock
        levels:
          - {after: PT0M, to: designer, then: [notify]}
          - {after: PT2H, to: reports_to, then: [notify, raise_priority]}
members:
  - {email: lead@shop.test, name: 吴昊, roles: [design-lead]}
  - {email: owner@shop.test, name: 郑雨桐, roles: [designer]}
`;

const DAY = 86_400_000;
const TITLE_30 = '夏季冰丝短袖T恤男宽松潮流百搭纯棉圆领上衣青年学生半袖'; // 53 bytes: 26 Chinese characters and a T

interface Card {
  id: number;
  version: number;
  status: string;
  fields: Record<string, unknown>;
  assigneeId: string | null;
  roleId: string | null;
  dueAt: string | null;
  priority: string;
}

describe.each(testDatabases)('the listing plugin on $kind', (database) => {
  let t: TestApp;
  let owner: string;
  let lead: string;
  let ownerId: string;
  let clock = new Date('2026-06-01T02:00:00Z');

  beforeAll(async () => {
    t = await createTestApp(database, [{ name: 'shop.yaml', text: shop }], {
      plugins: [pluginSource('./plugins/listing')],
      now: () => clock,
    });
    [owner, lead] = await Promise.all([t.signIn('owner@shop.test'), t.signIn('lead@shop.test')]);
    ownerId = (await (await t.call('GET', '/api/me', { cookie: owner })).json()).id;
  });
  afterAll(() => t.dispose());

  const get = async (id: number): Promise<Card> => (await t.call('GET', `/api/tasks/${id}`, { cookie: owner })).json();
  const edit = async (card: Card, fields: Record<string, unknown>): Promise<Card> => {
    const response = await t.call('PATCH', `/api/tasks/${card.id}`, {
      cookie: owner,
      body: { expectedVersion: card.version, fields },
    });
    expect(response.status, await response.clone().text()).toBe(200);
    return response.json();
  };
  const move = (card: Card, to: string) =>
    t.call('PATCH', `/api/tasks/${card.id}/transition`, { cookie: owner, body: { to, expectedVersion: card.version } });
  const moved = async (card: Card, to: string): Promise<Card> => {
    const response = await move(card, to);
    expect(response.status, await response.clone().text()).toBe(200);
    return (await response.json()).task;
  };
  const product = async (title: string, fields: Record<string, unknown>): Promise<Card> => {
    const response = await t.call('POST', '/api/tasks', {
      cookie: owner,
      body: { type: 'listing.product', title, fields, assignTo: { personId: ownerId, roleId: 'designer' } },
    });
    expect(response.status, await response.clone().text()).toBe(201);
    return response.json();
  };
  const ready = async (title: string, fields: Record<string, unknown>) =>
    moved(await moved(await product(title, fields), 'in_production'), 'ready');
  const onSale = async (title: string, fields: Record<string, unknown> = {}) =>
    moved(
      await ready(title, {
        sku: title,
        platform_title: TITLE_30,
        price: 59,
        stock: 20,
        copy_approved: true,
        ...fields,
      }),
      'listed',
    );
  const cardsOf = (type: string, productId: number) =>
    t.services.db.kysely
      .selectFrom('tasks')
      .selectAll()
      .where('type', '=', type)
      .where(sql<boolean>`fields @> ${JSON.stringify({ product_id: productId })}::jsonb`)
      .orderBy('id')
      .execute();
  const refusal = async (card: Card) => {
    const response = await move(card, 'listed');
    expect(response.status).toBe(422);
    return (await response.json()).error as {
      message: string;
      details: { reason: string; plugin?: string; message?: string };
    };
  };

  it('gives a new product the listing steps and the detail-page sections, top to bottom, as checklists', async () => {
    const card = await product('亚麻衬衫', { sku: 'LX-01' });
    expect((card.fields.detail_page as { text: string }[]).map((item) => item.text.split(' ')[0])).toEqual([
      '商家促销',
      '收藏商品、收藏店铺',
      '商品大图',
      '产品基本文字介绍',
      '商品详细描述',
      '品牌描述',
      '品牌导航图',
      '顾客常见问题问答',
      '精选顾客好评(热销商品)',
    ]);
    expect((card.fields.listing_steps as { done: boolean }[]).length).toBe(6);
    expect(card.fields).toMatchObject({ hero: false, copy_approved: false });
  });

  it('refuses to go live without a price, stock, a title within 60 bytes or approved copy, each with its reason, and lets it through once all hold', async () => {
    let card = await ready('冰丝T恤', { sku: 'BS-01', platform_title: TITLE_30, price: 0, stock: 0 });
    expect(await refusal(card)).toMatchObject({
      details: {
        reason: 'plugin_veto',
        plugin: 'listing',
        message: '售价必须大于 0 才能上架 (The price must be above 0 to go live)',
      },
    });
    card = await edit(card, { price: 59.9 });
    expect((await refusal(card)).details.message).toBe('库存为 0,不能上架 (There is no stock; it cannot go live)');
    card = await edit(card, { stock: 30, platform_title: `${TITLE_30}新款特价` });
    expect((await refusal(card)).details.message).toContain('宝贝标题 61 字节,超过平台上限 60 字节');
    expect((await refusal(card)).details.message).toContain('The platform title is 61 bytes');
    card = await edit(card, { platform_title: `${TITLE_30}ab` });
    expect((await refusal(card)).details.message).toBe(
      '文案尚未审核通过,不能上架 (The copy is not approved yet; it cannot go live)',
    );
    expect((await get(card.id)).status).toBe('ready');
    card = await edit(card, { copy_approved: true });
    expect((await moved(card, 'listed')).status).toBe('listed');
  });

  it('asks for the missing facts before the checks run', async () => {
    const card = await ready('空白商品', { sku: 'EMPTY-1' });
    expect((await refusal(card)).details.reason).toBe('missing_fields');
  });

  it('opens one delist card for a product that runs out while on sale, escalated to its listing owner, and a new one the next time', async () => {
    let card = await onSale('速干运动裤', { sku: 'SG-02' });
    card = await edit(card, { stock: 0 });
    await vi.waitFor(async () => expect(await cardsOf('listing.delist', card.id)).toHaveLength(1), { timeout: 5000 });
    card = await edit(card, { stock: -1 });
    const [delist] = await cardsOf('listing.delist', card.id);
    expect(delist).toMatchObject({
      status: 'open',
      role_id: 'designer',
      fields: { sku: 'SG-02', stock: 0, listed: true, product_id: card.id },
    });
    expect(delist!.assignee_id).toBe(ownerId);
    const ledger = async () =>
      (await t.services.escalations.ledger({ taskId: delist!.id })).map((firing) => [
        firing.rule,
        firing.level,
        firing.target_role,
      ]);
    expect(await ledger()).toEqual([['listing/listed-out-of-stock', 0, 'designer']]);
    const inbox = await (await t.call('GET', '/api/notifications', { cookie: owner })).json();
    expect(inbox.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ taskId: delist!.id, kind: 'escalation' })]),
    );
    // Still open two hours on: the plugin's default level, to the owner's lead, more urgent.
    clock = new Date(clock.getTime() + 2 * 3_600_000 + 60_000);
    await createEscalationScheduler({
      db: t.services.db,
      org: t.services.org,
      engine: t.services.engine,
      announce: t.services.events.announce,
      log: memoryLogger().log,
    }).tick(clock);
    expect(await ledger()).toEqual([
      ['listing/listed-out-of-stock', 1, 'design-lead'],
      ['listing/listed-out-of-stock', 0, 'designer'],
    ]);
    expect((await get(delist!.id)).priority).toBe('high');

    // Restocked: the card closes; out again later, a second card.
    const open = await get(delist!.id);
    await moved(open, 'restocked');
    card = await edit(card, { stock: 5 });
    card = await edit(card, { stock: 0 });
    await vi.waitFor(async () => expect(await cardsOf('listing.delist', card.id)).toHaveLength(2), { timeout: 5000 });
    expect((await cardsOf('listing.delist', card.id)).map((row) => row.status)).toEqual(['restocked', 'open']);
  });

  it('keeps to five hero products on sale: the sixth is refused with the reason, and the KPI flags fewer than three', async () => {
    const kpis = async () =>
      Object.fromEntries(
        (
          (await (await t.call('GET', '/api/kpis', { cookie: lead })).json()) as {
            kpi: { id: string };
            value: number;
            status: string;
          }[]
        ).map((r) => [r.kpi.id, [r.value, r.status]]),
      );
    await onSale('主打款 1', { hero: true });
    await onSale('主打款 2', { hero: true });
    expect(await kpis()).toMatchObject({ heroes: [2, 'missed'] });
    for (const n of [3, 4, 5]) await onSale(`主打款 ${n}`, { hero: true });
    expect(await kpis()).toMatchObject({ heroes: [5, 'met'] });
    const sixth = await ready('主打款 6', {
      sku: 'HERO-6',
      platform_title: TITLE_30,
      price: 99,
      stock: 9,
      copy_approved: true,
      hero: true,
    });
    expect((await refusal(sixth)).details.message).toBe(
      '在售主打款已有 5 款,先取消一款的主打标记 (5 hero products are already on sale; unmark one first)',
    );
    expect((await moved(await edit(sixth, { hero: false }), 'listed')).status).toBe('listed');
  });

  it('makes the four-week launch timeline when a launch starts, once, due at the end of each week', async () => {
    clock = new Date('2026-07-01T01:00:00Z');
    let card = await product('真丝睡衣', { sku: 'ZS-07' });
    card = await moved(card, 'in_production');
    await vi.waitFor(async () => expect(await cardsOf('listing.launch-step', card.id)).toHaveLength(4), {
      timeout: 5000,
    });
    card = await moved(await moved(card, 'ready'), 'in_production');
    const steps = await cardsOf('listing.launch-step', card.id);
    expect(steps.map((step) => [step.fields.week, step.due_at!.getTime() - clock.getTime(), step.role_id])).toEqual([
      [1, 7 * DAY, 'designer'],
      [2, 14 * DAY, 'designer'],
      [3, 21 * DAY, 'designer'],
      [4, 28 * DAY, 'designer'],
    ]);
    expect(steps[3]!.title).toContain('核实价格及库存,上架');
  });

  it('gives a product on sale its monthly title review and weekly listing-time test; a finished one makes the next while it is on sale', async () => {
    clock = new Date('2026-08-03T01:00:00Z');
    const card = await onSale('羊毛围巾', { sku: 'YM-08' });
    await vi.waitFor(
      async () =>
        expect(
          (await cardsOf('listing.listing-test', card.id)).length +
            (await cardsOf('listing.title-review', card.id)).length,
        ).toBe(2),
      { timeout: 5000 },
    );
    const [review] = await cardsOf('listing.title-review', card.id);
    const [test] = await cardsOf('listing.listing-test', card.id);
    expect(review!.due_at!.getTime() - clock.getTime()).toBe(30 * DAY);
    expect(test!.due_at!.getTime() - clock.getTime()).toBe(7 * DAY);

    await moved(await get(test!.id), 'done');
    await vi.waitFor(async () => expect(await cardsOf('listing.listing-test', card.id)).toHaveLength(2), {
      timeout: 5000,
    });
    expect((await cardsOf('listing.listing-test', card.id))[1]!.due_at!.getTime() - clock.getTime()).toBe(14 * DAY);

    // Off sale, the chain stops.
    await moved(await get(card.id), 'delisted');
    await moved(await get((await cardsOf('listing.listing-test', card.id))[1]!.id), 'done');
    await moved(await get(review!.id), 'done');
    // A later launch's timeline arriving means the hook has heard the moves before it.
    const later = await moved(await product('后来的商品', { sku: 'LATER-1' }), 'in_production');
    await vi.waitFor(async () => expect(await cardsOf('listing.launch-step', later.id)).toHaveLength(4), {
      timeout: 5000,
    });
    expect(await cardsOf('listing.listing-test', card.id)).toHaveLength(2);
    expect(await cardsOf('listing.title-review', card.id)).toHaveLength(1);
  });
});

describe.each(testDatabases)('the listing demo board on $kind', (database) => {
  let t: TestApp;
  beforeAll(async () => {
    // The demo roles use the default plugins' types (after-sales and listing).
    const plugins = DEFAULT_PLUGINS.map((entry) => pluginSource(entry));
    t = await createTestApp(database, demoRoles(), { plugins });
  });
  afterAll(() => t.dispose());

  it("fills an empty demo database with a clothing range at every step, made through the go-live checks and the plugin's reactions", async () => {
    await seedPluginDemos({ ...t.services, plugins: t.services.plugins.plugins, log: memoryLogger().log });
    const cards = await t.services.db.kysely
      .selectFrom('tasks')
      .select(['type', 'status', 'title', 'fields', 'role_id'])
      .orderBy('id')
      .execute();
    const products = cards.filter((card) => card.type === 'listing.product');
    const count = (rows: typeof cards) =>
      rows.reduce<Record<string, number>>((n, row) => {
        n[row.status] = (n[row.status] ?? 0) + 1;
        return n;
      }, {});
    expect(count(products)).toEqual({ listed: 5, delisted: 1, ready: 1, in_production: 2, planning: 2 });
    expect(products.every((card) => card.role_id === 'designer')).toBe(true);
    expect(products.filter((card) => card.status === 'listed' && card.fields.hero === true)).toHaveLength(4);
    await vi.waitFor(
      async () => {
        const all = await t.services.db.kysely.selectFrom('tasks').select(['id', 'type', 'status', 'fields']).execute();
        const onSale = all.filter((card) => card.type === 'listing.product' && card.status === 'listed');
        expect(all.filter((card) => card.type === 'listing.delist').map((card) => card.fields.sku)).toEqual([
          'YS-S2605',
        ]);
        expect(all.filter((card) => card.type === 'listing.launch-step')).toHaveLength(4 * 9); // every product past planning
        // Each product on sale has its listing test (the delisted one may or may not, depending on whether the
        // hook heard it go on sale before it was delisted: a delisted product gets no new recurring work).
        const tested = all.filter((card) => card.type === 'listing.listing-test').map((card) => card.fields.product_id);
        expect(onSale.map((card) => card.id).filter((id) => !tested.includes(id))).toEqual([]);
      },
      { timeout: 10_000 },
    );
  });
});
