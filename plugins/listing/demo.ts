// A listing board for a new demo database: a summer clothing range at every step of the workflow, made
// as the demo organisation's design lead (美工主管), so the go-live checks and the plugin's own reactions
// (launch timelines, recurring work, a delist card) run on it as they would for people.
import type { DemoContext, PluginCards, TaskView } from '#plugin-api';
import { DETAIL_PAGE_SECTIONS, LISTING_STEPS, PRODUCT } from './product.ts';

/** The demo organisation's design lead (roles/visual-marketing.yaml); products go to the designers. */
const LEAD = 'wu.hao@demo.dutyboard.local';

type Stage = 'planning' | 'in_production' | 'ready' | 'listed' | 'delisted';
const PATH: Stage[] = ['planning', 'in_production', 'ready', 'listed'];

interface DemoProduct {
  name: string;
  stage: Stage;
  fields: Record<string, unknown>;
  /** Stock after going live: 0 shows a delist card. */
  stockAfter?: number;
}

const summer = (
  sku: string,
  title: string,
  keywords: string,
  price: number,
  stock: number,
  line: string,
  hero = false,
) => ({
  sku,
  platform_title: title,
  keywords,
  price,
  stock,
  product_line: line,
  hero,
  copy_approved: true,
});

const PRODUCTS: DemoProduct[] = [
  {
    name: '冰丝短袖T恤',
    stage: 'listed',
    fields: summer(
      'YS-T2601',
      '2026夏季冰丝短袖T恤男宽松圆领纯色速干半袖上衣',
      '冰丝T恤 短袖 男 夏季 速干 宽松 圆领',
      59,
      320,
      'traffic',
      true,
    ),
  },
  {
    name: '高腰阔腿牛仔裤',
    stage: 'listed',
    fields: summer(
      'YS-J2602',
      '高腰阔腿牛仔裤女2026新款宽松显瘦垂感直筒拖地裤',
      '阔腿裤 牛仔裤 女 高腰 显瘦 直筒',
      129,
      180,
      'profit',
      true,
    ),
  },
  {
    name: '冰丝防晒袖套',
    stage: 'listed',
    fields: summer(
      'YS-A2603',
      '冰丝防晒袖套男女夏季户外骑行开车防紫外线冰袖',
      '冰袖 防晒袖套 骑行 开车 防紫外线',
      19.9,
      800,
      'campaign',
      true,
    ),
  },
  {
    name: '真丝睡衣套装',
    stage: 'listed',
    fields: summer(
      'YS-H2604',
      '真丝睡衣女夏季短袖两件套桑蚕丝家居服套装',
      '真丝睡衣 桑蚕丝 家居服 两件套 女',
      299,
      60,
      'profit',
      true,
    ),
  },
  {
    name: '亚麻衬衫',
    stage: 'listed',
    fields: summer(
      'YS-S2605',
      '亚麻衬衫男长袖夏季薄款宽松休闲棉麻衬衣',
      '亚麻衬衫 棉麻 男 长袖 薄款',
      89,
      12,
      'traffic',
    ),
    stockAfter: 0,
  },
  {
    name: '2025春款风衣',
    stage: 'delisted',
    fields: summer('YS-C2506', '2025春季风衣女中长款韩版气质外套', '风衣 女 中长款 春季 外套', 259, 8, 'profit'),
  },
  {
    name: '法式碎花连衣裙',
    stage: 'ready',
    fields: {
      ...summer(
        'YS-D2607',
        '雪纺连衣裙女2026夏季新款法式碎花收腰长裙',
        '连衣裙 雪纺 碎花 法式 收腰',
        159,
        90,
        'campaign',
      ),
      copy_approved: false,
    },
  },
  {
    name: '儿童防晒衣',
    stage: 'in_production',
    fields: { sku: 'YS-K2608', platform_title: '儿童防晒衣夏季薄款男女童UPF50+防紫外线外套', product_line: 'traffic' },
  },
  { name: '运动速干裤', stage: 'in_production', fields: { sku: 'YS-P2609', product_line: 'campaign' } },
  { name: '羊毛围巾', stage: 'planning', fields: { sku: 'YS-W2610', product_line: 'profit' } },
  { name: '加绒连帽卫衣', stage: 'planning', fields: { sku: 'YS-W2611', product_line: 'traffic' } },
];

/** The checklists as far as the stage has come: on sale, every listing step and the page done. */
function checklists(stage: Stage) {
  const stepsDone = { planning: 0, in_production: 2, ready: 5, listed: 6, delisted: 6 }[stage];
  const sectionsDone = { planning: 0, in_production: 3, ready: 8, listed: 9, delisted: 9 }[stage];
  return {
    listing_steps: LISTING_STEPS.map((text, i) => ({ text, done: i < stepsDone })),
    detail_page: DETAIL_PAGE_SECTIONS.map((text, i) => ({ text, done: i < sectionsDone })),
  };
}

async function make(cards: PluginCards, product: DemoProduct): Promise<void> {
  let card: TaskView = await cards.create({
    type: PRODUCT,
    title: product.name,
    fields: { ...product.fields, ...checklists(product.stage) },
    assignTo: { roleId: 'designer' },
  });
  const target = product.stage === 'delisted' ? 'listed' : product.stage;
  for (const stage of PATH.slice(1, PATH.indexOf(target) + 1)) card = await cards.move(card.id, card.version, stage);
  if (product.stage === 'delisted') card = await cards.move(card.id, card.version, 'delisted');
  if (product.stockAfter !== undefined)
    await cards.edit(card.id, card.version, { fields: { stock: product.stockAfter } });
}

export async function demo(ctx: DemoContext): Promise<void> {
  const cards = ctx.as(LEAD);
  if (!cards) return; // another organisation: no demo listing board
  for (const product of PRODUCTS) await make(cards, product);
}
