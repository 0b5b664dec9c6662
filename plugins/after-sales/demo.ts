// An after-sales board for a new demo database: the cases a clothing shop's customer service has on a
// normal week — returns, an exchange, a refund, a complaint, a negative review, a lost parcel, a missing
// item — with a couple of price requests and shipments, handed out by the demo organisation's CS manager
// and warehouse keeper to their agents and packers, so the policy guard and the default escalations (a
// claim beyond policy to the store manager, a shipment late after payment) act on them as for people.
import type { DemoContext, PluginCards, TaskView } from '#plugin-api';

/** The demo organisation's leads who hand work to their teams (roles/customer-service.yaml, roles/logistics.yaml). */
const CS_MANAGER = 'xu.ting@demo.dutyboard.local';
const WAREHOUSE_KEEPER = 'zeng.qiang@demo.dutyboard.local';

interface DemoCard {
  type: string;
  title: string;
  role: string;
  fields: Record<string, unknown>;
  /** The states it is moved through after it is made (none: it stays where it starts). */
  path?: string[];
}

const order = (n: number) => `TB-20260${n}`;

const CASES: DemoCard[] = [
  {
    type: 'after-sales.case',
    title: '七天无理由退货:亚麻衬衫尺码偏大',
    role: 'after-sales-agent',
    fields: { case_type: 'return', order_no: order(3021), claim_amount: 89, policy_covered: true },
    path: ['in_progress', 'waiting_customer'],
  },
  {
    type: 'after-sales.case',
    title: '换货:高腰牛仔裤换大一码,等快递上门取件',
    role: 'after-sales-agent',
    fields: { case_type: 'exchange', order_no: order(3022), policy_covered: true, courier: '中通快递' },
    path: ['in_progress', 'waiting_courier'],
  },
  {
    type: 'after-sales.case',
    title: '未发货申请退款:冰丝短袖T恤',
    role: 'after-sales-agent',
    fields: { case_type: 'refund', order_no: order(3023), claim_amount: 59, policy_covered: true },
    path: ['in_progress', 'resolved'],
  },
  {
    type: 'after-sales.case',
    title: '中差评:买家说真丝睡衣洗后起球,补偿 ¥30 请求改评',
    role: 'after-sales-agent',
    fields: { case_type: 'negative_review', order_no: order(3024), claim_amount: 30, policy_covered: true },
    path: ['in_progress'],
  },
  {
    type: 'after-sales.case',
    title: '漏发:两件套只收到一件,补发',
    role: 'after-sales-agent',
    fields: { case_type: 'missing_item', order_no: order(3025), claim_amount: 0, policy_covered: true },
  },
  // Beyond policy: the default escalation hands these to the store manager as they are made.
  {
    type: 'after-sales.case',
    title: '快递丢件,买家索赔 ¥800(羊毛大衣)',
    role: 'after-sales-agent',
    fields: {
      case_type: 'lost_parcel',
      order_no: order(3026),
      claim_amount: 800,
      policy_covered: true,
      courier: '圆通速递',
      tracking_no: 'YT7788123456',
      courier_claim_status: 'filed',
    },
  },
  {
    type: 'after-sales.case',
    title: '投诉:物流慢了三天,买家要求补偿误工费',
    role: 'after-sales-agent',
    fields: { case_type: 'complaint', order_no: order(3027), claim_amount: 50, policy_covered: false },
  },
];

const PRICE_REQUESTS: DemoCard[] = [
  {
    type: 'after-sales.price-request',
    title: '老顾客买三件冰丝T恤,问能否打九折',
    role: 'pre-sales-agent',
    fields: { discount_pct: 10, order_no: order(3031) },
    path: ['approved'],
  },
  {
    type: 'after-sales.price-request',
    title: '公司团购 30 件防晒袖套,要求八折',
    role: 'pre-sales-agent',
    fields: { discount_pct: 20, note: '公司夏季团建采购,30 件,希望八折并开发票' },
  },
];

/** Shipments paid some hours before the demo starts: one on time, one held and late, one shipped. */
function shipments(now: Date): DemoCard[] {
  const paid = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * 3_600_000).toISOString();
  return [
    {
      type: 'after-sales.shipment',
      title: `订单 ${order(3041)} 发货`,
      role: 'packer-shipper',
      fields: { order_no: order(3041), paid_at: paid(3), address_verified: true },
      path: ['to_ship'],
    },
    {
      type: 'after-sales.shipment',
      title: `订单 ${order(3042)} 发货(地址不全,待买家确认)`,
      role: 'packer-shipper',
      fields: { order_no: order(3042), paid_at: paid(30), hold_reason: 'unclear_address' },
      path: ['on_hold'],
    },
    {
      type: 'after-sales.shipment',
      title: `订单 ${order(3043)} 发货`,
      role: 'packer-shipper',
      fields: {
        order_no: order(3043),
        paid_at: paid(8),
        address_verified: true,
        courier: '顺丰速运',
        tracking_no: 'SF1409872233',
      },
      path: ['to_ship', 'shipped'],
    },
  ];
}

async function make(cards: PluginCards, demo: DemoCard): Promise<void> {
  let card: TaskView = await cards.create({
    type: demo.type,
    title: demo.title,
    fields: demo.fields,
    assignTo: { roleId: demo.role },
  });
  for (const state of demo.path ?? []) card = await cards.move(card.id, card.version, state);
}

export async function demo(ctx: DemoContext): Promise<void> {
  const csManager = ctx.as(CS_MANAGER);
  const warehouseKeeper = ctx.as(WAREHOUSE_KEEPER);
  if (!csManager || !warehouseKeeper) return; // another organisation: no demo after-sales board
  for (const card of [...CASES, ...PRICE_REQUESTS]) await make(csManager, card);
  for (const card of shipments(ctx.now())) await make(warehouseKeeper, card);
}
