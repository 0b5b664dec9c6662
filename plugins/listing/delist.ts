// The delist card (下架): seed 003 仓库管理 — "避免店铺出售状态的产品实际无货情况的出现,缺货产品及时下架".
// A product on sale with no stock gets one, for its listing owner; the warehouse can open one by hand
// too (the demo organisation's former stock alert, migrations/0022).
import type { HookCard, HookContext, TaskTypeDefinition } from '#plugin-api';
import { name } from './names.ts';

export const DELIST = 'listing.delist';

export const delistType: TaskTypeDefinition = {
  id: DELIST,
  name: name('缺货下架', 'Delist (out of stock)'),
  description: 'A product on sale has no stock: delist it, or restock it.',
  fields: [
    { id: 'sku', name: name('货号', 'SKU'), type: 'text', max_length: 64, required: true },
    { id: 'stock', name: name('当前库存', 'Stock on hand'), type: 'number', required: true },
    { id: 'listed', name: name('仍在售', 'Still listed'), type: 'boolean' },
    { id: 'product_id', name: name('商品卡片', 'Product card'), type: 'number' },
  ],
  workflow: {
    initial: 'open',
    states: [
      { id: 'open', name: name('待处理', 'Open'), category: 'todo' },
      { id: 'delisted', name: name('已下架', 'Delisted'), category: 'done' },
      { id: 'restocked', name: name('已补货', 'Restocked'), category: 'done' },
    ],
    transitions: [
      { from: 'open', to: 'delisted' },
      { from: 'open', to: 'restocked' },
      { from: 'delisted', to: 'restocked' },
    ],
  },
};

/**
 * Seed 003: the warehouse tells the listing side, which delists. A delist card left open two hours goes to
 * the listing owner's lead. An organisation adds the owner's own notice by overriding the levels with its
 * listing role (the demo: roles/visual-marketing.yaml).
 */
export const outOfStockWhileListed = {
  id: 'listed-out-of-stock',
  title: '缺货商品仍在售 (Out of stock while still listed)',
  applies_to: { task_types: [DELIST], statuses: ['open'] },
  when: { and: [{ '<=': [{ var: 'task.fields.stock' }, 0] }, { '!==': [{ var: 'task.fields.listed' }, false] }] },
  levels: [{ after: 'PT2H', to: 'reports_to', then: ['notify', 'raise_priority'] }],
  tests: [
    { given: { task: { fields: { sku: 'A-100', stock: 0, listed: true } } }, expect: true },
    { given: { task: { fields: { sku: 'A-100', stock: -2 } } }, expect: true },
    { given: { task: { fields: { sku: 'A-100', stock: 0, listed: false } } }, expect: false },
    { given: { task: { fields: { sku: 'A-100', stock: 5, listed: true } } }, expect: false },
  ],
};

/**
 * One open delist card per product out of stock. Its key counts the product's delist cards, so two
 * hooks hearing the same change (or two processes) make one card, and the next shortage a new one.
 */
export async function openDelistCard(product: HookCard, plugin: HookContext): Promise<HookCard | undefined> {
  const earlier = await plugin.cards.find({ type: DELIST, fields: { product_id: product.id } });
  if (earlier.some((card) => card.category !== 'done')) return undefined;
  const sku = String(product.fields.sku ?? '');
  return plugin.cards.create(
    {
      type: DELIST,
      title: `缺货下架:${product.title} (Out of stock: delist ${sku})`,
      fields: { sku, stock: Number(product.fields.stock ?? 0), listed: true, product_id: product.id },
      assignTo: { personId: product.assigneeId, roleId: product.roleId },
    },
    { key: `${DELIST}/${product.id}/${earlier.length + 1}` },
  );
}
