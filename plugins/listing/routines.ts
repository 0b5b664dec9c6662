// Recurring work per product on sale, from seed 003 店铺内功: "定期对宝贝标题做搜索优化;以周为单位,测试
// 产品上下架时间的合理性" — a title search review every month and a listing-time test every week. Each
// product on sale has one open card of each; finishing it makes the next, due a period later, while the
// product is still on sale. The key names the product and the period, so a period gets one card.
import type { HookCard, HookContext, TaskTypeDefinition } from '#plugin-api';
import { name, type Bilingual } from './names.ts';

const DAY_MS = 86_400_000;

interface Routine {
  type: string;
  name: Bilingual;
  description: string;
  days: number;
  /** The period a due date falls in, for the card's key. */
  periodOf(due: Date): string;
}

const isoWeek = (date: Date): string => {
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  day.setUTCDate(day.getUTCDate() + 4 - (day.getUTCDay() || 7));
  const week = Math.ceil(((day.getTime() - Date.UTC(day.getUTCFullYear(), 0, 1)) / DAY_MS + 1) / 7);
  return `${day.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
};

export const ROUTINES: Routine[] = [
  {
    type: 'listing.title-review',
    name: name('标题搜索优化', 'Title search review'),
    description: 'Check the title against what buyers search for now; keep it within 60 bytes.',
    days: 30,
    periodOf: (due) => due.toISOString().slice(0, 7),
  },
  {
    type: 'listing.listing-test',
    name: name('上下架时间测试', 'Listing-time test'),
    description: "Test whether the product's listing and delisting times suit its buyers this week.",
    days: 7,
    periodOf: isoWeek,
  },
];

export const routineTypes: TaskTypeDefinition[] = ROUTINES.map((routine) => ({
  id: routine.type,
  name: routine.name,
  description: routine.description,
  fields: [{ id: 'product_id', name: name('商品卡片', 'Product card'), type: 'number', required: true }],
  workflow: {
    initial: 'todo',
    states: [
      { id: 'todo', name: name('待办', 'To do'), category: 'todo' },
      { id: 'done', name: name('已完成', 'Done'), category: 'done' },
    ],
    transitions: [{ from: 'todo', to: 'done' }],
  },
}));

export const routineOf = (type: string | null): Routine | undefined =>
  ROUTINES.find((routine) => routine.type === type);

/** The routine's next card for a product on sale, unless one is open; due a period after `from` (never in the past). */
export async function scheduleRoutine(
  routine: Routine,
  product: HookCard,
  plugin: HookContext,
  from: Date,
): Promise<HookCard | undefined> {
  const open = await plugin.cards.find({
    type: routine.type,
    statuses: ['todo'],
    fields: { product_id: product.id },
    limit: 1,
  });
  if (open.length) return undefined;
  const start = Math.max(from.getTime(), plugin.now().getTime());
  const due = new Date(start + routine.days * DAY_MS);
  return plugin.cards.create(
    {
      type: routine.type,
      title: `${routine.name['zh-CN']}:${product.title} (${routine.name.en})`,
      fields: { product_id: product.id },
      dueAt: due,
      assignTo: { personId: product.assigneeId, roleId: product.roleId },
    },
    { key: `${routine.type}/${product.id}/${routine.periodOf(due)}` },
  );
}
