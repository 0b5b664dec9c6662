// The launch timeline (上新计划): seed 003 gives the product page four weeks with the designer and the
// copywriter (时间:4 个星期内 人员:美工,文案), and the order of the work (运营规划 1-4). Starting a
// launch makes one card per week, due at the end of its week, for the product's listing owner.
import type { HookCard, HookContext, TaskTypeDefinition } from '#plugin-api';
import { name } from './names.ts';

export const LAUNCH_STEP = 'listing.launch-step';
const DAY_MS = 86_400_000;

export const LAUNCH_WEEKS = [
  "确定店铺风格,细化买家须知 (Store style and buyer's notes)",
  '美工处理商品图片 (Designer prepares the product images)',
  '文案撰写标题与宝贝描述,排版详情页 (Title, description and the detail page)',
  '核实价格及库存,上架 (Verify price and stock, then publish)',
];

export const launchStepType: TaskTypeDefinition = {
  id: LAUNCH_STEP,
  name: name('上新计划', 'Launch step'),
  description: 'One week of a product launch (4 weeks in all).',
  fields: [
    { id: 'product_id', name: name('商品卡片', 'Product card'), type: 'number', required: true },
    { id: 'week', name: name('第几周', 'Week'), type: 'number', min: 1, max: LAUNCH_WEEKS.length, required: true },
  ],
  workflow: {
    initial: 'todo',
    states: [
      { id: 'todo', name: name('待办', 'To do'), category: 'todo' },
      { id: 'doing', name: name('进行中', 'Doing'), category: 'active' },
      { id: 'done', name: name('已完成', 'Done'), category: 'done' },
    ],
    transitions: [
      { from: 'todo', to: 'doing' },
      { from: 'doing', to: 'done' },
      { from: 'todo', to: 'done' },
      { from: 'doing', to: 'todo' },
    ],
  },
};

/**
 * A product past planning has started its launch. The hook sees the product as it is when it runs,
 * which may already be on sale, so every state past planning counts (the timeline is keyed: made once).
 */
export const launchStarted = (status: string): boolean => status !== 'planning';

/** The four week cards, once per product (keyed), due 7, 14, 21 and 28 days after `startedAt`. */
export async function startTimeline(product: HookCard, plugin: HookContext, startedAt: Date): Promise<HookCard[]> {
  const made: HookCard[] = [];
  for (const [i, step] of LAUNCH_WEEKS.entries()) {
    const card = await plugin.cards.create(
      {
        type: LAUNCH_STEP,
        title: `第${i + 1}周 ${step}:${product.title}`,
        fields: { product_id: product.id, week: i + 1 },
        dueAt: new Date(startedAt.getTime() + (i + 1) * 7 * DAY_MS),
        assignTo: { personId: product.assigneeId, roleId: product.roleId },
      },
      { key: `${LAUNCH_STEP}/${product.id}/${i + 1}` },
    );
    if (card) made.push(card);
  }
  return made;
}
