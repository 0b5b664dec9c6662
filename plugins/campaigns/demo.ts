// A campaigns board for a new demo database, dated from the day it is made: the promotion lead hands
// each campaign to the campaign specialist (活动专员), who proposes and runs it; the operations director
// approves; the plugin's own reactions (coordination, the customer-service briefing, effect reports)
// and the ROI escalation run on them as for people.
import type { DemoContext, PluginCards, TaskView } from '#plugin-api';
import { CAMPAIGN } from './campaign.ts';
import { addDays, addMonths, chinaDate } from './china-dates.ts';
import { FESTIVALS } from './festivals.ts';

/** The demo organisation's promotion lead, campaign specialist and operations director (roles/promotion.yaml, management.yaml). */
const LEAD = 'gao.feng@demo.dutyboard.local';
const PLANNER = 'luo.dan@demo.dutyboard.local';
const DIRECTOR = 'chen.zhiyuan@demo.dutyboard.local';

type Stage = 'draft' | 'review' | 'preparing' | 'running' | 'closed';
const PATH: Stage[] = ['draft', 'review', 'preparing', 'running', 'closed'];

interface DemoCampaign {
  title: string;
  stage: Stage;
  fields: Record<string, unknown>;
  /** Cost and revenue, entered before closing. */
  result?: { cost: number; revenue: number };
}

/** The next festival that can still be proposed (its start two months and more away), with its days. */
function nextFestival(today: string) {
  const year = Number(today.slice(0, 4));
  for (const y of [year, year + 1])
    for (const festival of FESTIVALS) {
      const days = festival.days(y);
      if (days && addMonths(days.startsOn, -2) >= addDays(today, 7)) return { festival, year: y, ...days };
    }
  return undefined;
}

function campaigns(today: string): DemoCampaign[] {
  const next = nextFestival(today);
  const day = (n: number) => addDays(today, n);
  return [
    {
      title: '会员日专享活动',
      stage: 'closed',
      fields: {
        kind: 'event',
        starts_on: day(-40),
        ends_on: day(-38),
        discount: '会员专享 85 折,满 199 送运费险',
        channels: ['membership', 'social'],
        budget: 30_000,
      },
      result: { cost: 25_000, revenue: 112_500 },
    },
    {
      title: '聚划算 冰丝T恤单品团',
      stage: 'closed',
      fields: {
        kind: 'platform',
        platform: '聚划算',
        starts_on: day(-20),
        ends_on: day(-18),
        discount: '聚划算价 49 元(日常 59 元)',
        channels: ['platform_venue', 'search_ads'],
        budget: 60_000,
      },
      // ROI 150 %: below the store's 200 %, so the operations director hears of it.
      result: { cost: 56_000, revenue: 140_000 },
    },
    {
      title: '淘抢购 防晒袖套限时抢',
      stage: 'running',
      fields: {
        kind: 'platform',
        platform: '淘抢购',
        starts_on: day(-1),
        ends_on: day(1),
        discount: '限时抢购价 12.9 元',
        channels: ['platform_venue'],
        budget: 15_000,
      },
    },
    {
      title: '秋季新品上线 加绒卫衣',
      stage: 'preparing',
      fields: {
        kind: 'new_product',
        starts_on: day(35),
        ends_on: day(41),
        discount: '新品首发前 3 天 9 折,收藏加购送优惠券',
        channels: ['search_ads', 'display_ads', 'social'],
        budget: 40_000,
      },
    },
    ...(next
      ? [
          {
            title: `${next.festival.name['zh-CN']} ${next.year} 大促方案`,
            stage: 'review' as const,
            fields: {
              kind: 'festival',
              festival: next.festival.id,
              starts_on: next.startsOn,
              ends_on: next.endsOn,
              discount: '跨店满 300 减 50,前 1 小时半价',
              channels: ['platform_venue', 'search_ads', 'display_ads', 'affiliates'],
              budget: 150_000,
              plan: '提前两个月调研竞品促销;确定折扣力度、活动时间与宣传渠道;向推广团队交代投放需求;每周协调会跟踪进度;活动前对客服进行培训。',
            },
          },
        ]
      : []),
    {
      title: '店铺三周年庆',
      stage: 'draft',
      fields: { kind: 'event', starts_on: day(24), ends_on: day(26), discount: '全场满 200 减 30', budget: 20_000 },
    },
  ];
}

async function make(
  { lead, planner, director }: Record<'lead' | 'planner' | 'director', PluginCards>,
  campaign: DemoCampaign,
): Promise<void> {
  let card: TaskView = await lead.create({
    type: CAMPAIGN,
    title: campaign.title,
    fields: campaign.fields,
    assignTo: { roleId: 'campaign-specialist' },
  });
  for (const stage of PATH.slice(1, PATH.indexOf(campaign.stage) + 1)) {
    if (stage === 'closed' && campaign.result)
      card = await planner.edit(card.id, card.version, { fields: campaign.result });
    card = await (stage === 'preparing' ? director : planner).move(card.id, card.version, stage);
  }
}

export async function demo(ctx: DemoContext): Promise<void> {
  const [lead, planner, director] = [ctx.as(LEAD), ctx.as(PLANNER), ctx.as(DIRECTOR)];
  if (!lead || !planner || !director) return; // another organisation: no demo campaigns board
  for (const campaign of campaigns(chinaDate(ctx.now()))) await make({ lead, planner, director }, campaign);
}
