// The product card (商品): what a listing needs — SKU, platform title, keywords, price, stock, product
// line, hero flag, copy approval — with the listing workflow of seed 003 as its checklist and the detail
// page's sections in the order the documents give them.
import type { TaskTypeDefinition } from '#plugin-api';
import { name } from './names.ts';

export const PRODUCT = 'listing.product';
export const LISTED = 'listed';

/** Seed 003 运营规划 "店铺的上线及日常管理": the steps before a product goes on sale. */
export const LISTING_STEPS = [
  '确定店铺整体风格 (Decide the store style)',
  "细化买家须知 (Write the buyer's notes)",
  '美工处理商品图片 (Designer prepares the images)',
  '文案编辑标题和宝贝描述 (Copywriter writes the title and description)',
  '核实价格及库存 (Verify price and stock)',
  '上架 (Publish)',
];

/** Seed 003 "商品页面", top to bottom; the good reviews are for best-sellers (热销商品) only. */
export const DETAIL_PAGE_SECTIONS = [
  '商家促销 (Promotions)',
  '收藏商品、收藏店铺 (Favourite and follow buttons)',
  '商品大图 (Large images)',
  '产品基本文字介绍 (Basic facts)',
  '商品详细描述 (Detailed description)',
  '品牌描述 (Brand story)',
  '品牌导航图 (Brand navigation)',
  '顾客常见问题问答 (FAQ)',
  '精选顾客好评(热销商品) (Selected good reviews, for best-sellers)',
];

const unticked = (items: string[]) => items.map((text) => ({ text, done: false }));

export const productType: TaskTypeDefinition = {
  id: PRODUCT,
  name: name('商品上架', 'Product listing'),
  description: 'A product from planning to sale: checked before it goes live, delisted when it runs out.',
  fields: [
    { id: 'sku', name: name('货号', 'SKU'), type: 'text', required: true, max_length: 64 },
    // Longer than the platform allows, so an over-long title is typed and refused with its byte count.
    {
      id: 'platform_title',
      name: name('宝贝标题', 'Platform title'),
      type: 'text',
      max_length: 200,
      description: 'At most 60 bytes: 30 Chinese characters (a Chinese character counts 2).',
    },
    {
      id: 'keywords',
      name: name('搜索关键词', 'Search keywords'),
      type: 'long_text',
      max_length: 1000,
      description: 'Every keyword a buyer would search for; see what the top-ranked similar products use.',
    },
    { id: 'price', name: name('售价', 'Price'), type: 'money', currency: 'CNY', min: 0 },
    { id: 'stock', name: name('库存', 'Stock'), type: 'number' },
    {
      id: 'product_line',
      name: name('产品线 (引流款/活动款/利润款)', 'Product line (traffic / campaign / profit)'),
      type: 'enum',
      options: ['traffic', 'campaign', 'profit'],
    },
    { id: 'hero', name: name('主打款', 'Hero product'), type: 'boolean', default: false },
    // Until copy review is a workflow of its own (the collaboration issue), approval is this tick.
    { id: 'copy_approved', name: name('文案已审核', 'Copy approved'), type: 'boolean', default: false },
    {
      id: 'listing_steps',
      name: name('上架流程', 'Listing steps'),
      type: 'checklist',
      default: unticked(LISTING_STEPS),
    },
    {
      id: 'detail_page',
      name: name('详情页结构(自上而下)', 'Detail page, top to bottom'),
      type: 'checklist',
      default: unticked(DETAIL_PAGE_SECTIONS),
    },
  ],
  workflow: {
    initial: 'planning',
    states: [
      { id: 'planning', name: name('待规划', 'Planning'), category: 'todo' },
      { id: 'in_production', name: name('制作中', 'In production'), category: 'active' },
      { id: 'ready', name: name('待上架', 'Ready to list'), category: 'active' },
      // On sale is ongoing work (stock changes, reviews), not a finished card.
      { id: LISTED, name: name('在售', 'Listed'), category: 'active' },
      { id: 'delisted', name: name('已下架', 'Delisted'), category: 'done', read_only: false },
    ],
    transitions: [
      { from: 'planning', to: 'in_production', label: name('开始上新', 'Start the launch') },
      { from: 'in_production', to: 'ready' },
      { from: 'ready', to: 'in_production' },
      // Going live: the plugin's checks (go-live.ts) run before the move.
      {
        from: 'ready',
        to: LISTED,
        label: name('上架', 'Publish'),
        required_fields: ['sku', 'platform_title', 'price', 'stock'],
      },
      { from: LISTED, to: 'delisted', label: name('下架', 'Delist') },
      {
        from: 'delisted',
        to: LISTED,
        label: name('重新上架', 'Relist'),
        required_fields: ['sku', 'platform_title', 'price', 'stock'],
      },
      { from: 'delisted', to: 'in_production' },
    ],
  },
};
