// A promotion board for a new demo database: last month's plans reviewed and closed (one 钻展 plan over
// its budget and under its ROI target, left in review), this month's running per channel, one waiting
// for finance and next month's in draft; and the store's sales records. Made as the demo organisation's
// people (roles/promotion.yaml, finance.yaml, store-operations.yaml), so finance's approval, the field
// locks and the escalations run on it as they would for them.
import type { DemoContext, PluginCards, TaskView } from '#plugin-api';
import { PLAN } from './plan.ts';
import { SALES_RECORD } from './sales-record.ts';

const PEOPLE = {
  lead: 'gao.feng@demo.dutyboard.local', // 推广主管
  ppc: 'liang.chao@demo.dutyboard.local', // 直通车专员
  display: 'song.jia@demo.dutyboard.local', // 钻展专员
  promoter: 'tang.ning@demo.dutyboard.local', // 推广专员: 淘宝客, SEO/SEM, social
  finance: 'yuan.fang@demo.dutyboard.local', // 财务组长
  store: 'li.na@demo.dutyboard.local', // 店长
};
type Who = keyof typeof PEOPLE;

const ROLE_OF: Record<string, { who: Who; role: string }> = {
  ztc: { who: 'ppc', role: 'ppc-specialist' },
  zuanzhan: { who: 'display', role: 'display-ads-specialist' },
  taobaoke: { who: 'promoter', role: 'promotion-specialist' },
  seo_sem: { who: 'promoter', role: 'promotion-specialist' },
  social: { who: 'promoter', role: 'promotion-specialist' },
};

type Stage = 'draft' | 'submitted' | 'approved' | 'running' | 'review' | 'closed';
const PATH: Stage[] = ['submitted', 'approved', 'running', 'review', 'closed'];

interface DemoPlan {
  title: string;
  channel: string;
  month: -1 | 0 | 1;
  budget: number;
  stage: Stage;
  figures?: Record<string, number>;
  note?: string;
}

const PLANS: DemoPlan[] = [
  {
    title: '直通车:夏季T恤关键词推广',
    channel: 'ztc',
    month: -1,
    budget: 20000,
    stage: 'closed',
    figures: { spend: 19650, impressions: 986000, clicks: 14790, visitors: 12380, orders: 498, revenue: 68720 },
  },
  {
    title: '钻展:首页焦点图(防晒系列)',
    channel: 'zuanzhan',
    month: -1,
    budget: 10000,
    stage: 'review',
    figures: { spend: 10680, impressions: 1520000, clicks: 6080, visitors: 5210, orders: 96, revenue: 21600 },
    note: '焦点图点击率偏低,下月换素材并收窄人群定向',
  },
  {
    title: '淘宝客:冰丝系列佣金推广',
    channel: 'taobaoke',
    month: -1,
    budget: 9000,
    stage: 'closed',
    figures: { spend: 8200, impressions: 0, clicks: 5400, visitors: 5100, orders: 410, revenue: 41000 },
  },
  {
    title: '直通车:连衣裙新品测款',
    channel: 'ztc',
    month: 0,
    budget: 22000,
    stage: 'running',
    figures: { spend: 8460, impressions: 402000, clicks: 6230, visitors: 5270, orders: 201, revenue: 27740 },
  },
  {
    title: '钻展:618 预热人群投放',
    channel: 'zuanzhan',
    month: 0,
    budget: 8000,
    stage: 'running',
    figures: { spend: 2150, impressions: 318000, clicks: 1590, visitors: 1340, orders: 31, revenue: 6890 },
  },
  { title: '淘宝客:阔腿裤招商团长合作', channel: 'taobaoke', month: 0, budget: 9000, stage: 'approved' },
  {
    title: 'SEO/SEM:站外搜索品牌词',
    channel: 'seo_sem',
    month: 0,
    budget: 3000,
    stage: 'running',
    figures: { spend: 860, impressions: 52000, clicks: 1310, visitors: 1190, orders: 22, revenue: 3460 },
  },
  { title: '微信/微博:夏季穿搭内容推广', channel: 'social', month: 0, budget: 5000, stage: 'submitted' },
  { title: '直通车:秋季新品预热', channel: 'ztc', month: 1, budget: 25000, stage: 'draft' },
];

/** The first and last day of the month `offset` months from `now`'s, in the demo's time zone. */
function monthOf(now: Date, offset: number): { from: string; to: string } {
  const [year, month] = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
  })
    .format(now)
    .split('-')
    .map(Number) as [number, number];
  const first = new Date(Date.UTC(year, month - 1 + offset, 1));
  const last = new Date(Date.UTC(year, month + offset, 0));
  return { from: first.toISOString().slice(0, 10), to: last.toISOString().slice(0, 10) };
}

async function makePlan(as: (who: Who) => PluginCards, plan: DemoPlan, now: Date): Promise<void> {
  const owner = ROLE_OF[plan.channel]!;
  // The lead hands each plan to its channel's specialist, who runs it.
  let card: TaskView = await as('lead').create({
    type: PLAN,
    title: plan.title,
    fields: { channel: plan.channel, ...monthOf(now, plan.month), budget: plan.budget, roi_target_pct: 200 },
    assignTo: { roleId: owner.role },
  });
  for (const stage of PATH.slice(0, PATH.indexOf(plan.stage as Stage) + 1)) {
    const who: Who = stage === 'approved' ? 'finance' : stage === 'closed' ? 'lead' : owner.who;
    card = await as(who).move(card.id, card.version, stage);
    // Figures are recorded once the plan runs, before its review.
    if (stage === 'running' && plan.figures)
      card = await as(owner.who).edit(card.id, card.version, {
        fields: { ...plan.figures, ...(plan.note ? { note: plan.note } : {}) },
      });
  }
}

export async function demo(ctx: DemoContext): Promise<void> {
  const people = Object.fromEntries(Object.entries(PEOPLE).map(([who, email]) => [who, ctx.as(email)])) as Record<
    Who,
    PluginCards | undefined
  >;
  if (Object.values(people).some((cards) => !cards)) return; // another organisation: no demo promotion board
  const as = (who: Who) => people[who]!;
  const now = ctx.now();
  for (const plan of PLANS) await makePlan(as, plan, now);
  const last = await as('store').create({
    type: SALES_RECORD,
    title: '上月店铺销售',
    fields: {
      ...monthOf(now, -1),
      target: 200000,
      sales: 236400,
      gross_profit: 122900,
      visitors: 71200,
      orders: 2980,
      buyers: 2760,
      repeat_buyers: 870,
    },
    assignTo: { roleId: 'store-manager' },
  });
  await as('store').move(last.id, last.version, 'recorded');
  await as('store').create({
    type: SALES_RECORD,
    title: '本月店铺销售',
    // Sales so far this month; the rest is recorded when the month's books close.
    fields: { ...monthOf(now, 0), target: 200000, sales: 98600 },
    assignTo: { roleId: 'store-manager' },
  });
}
