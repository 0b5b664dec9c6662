// The campaign card (活动): festival, event, new-product and platform campaigns (DOMAIN §4, seed 000's
// 活动策划). A plan is proposed for team review (提交立项, at least two or one month ahead: lead-time.ts),
// approved by a holder of campaigns.approve, prepared, run and closed with its cost and revenue.
import type { TaskTypeDefinition } from '#plugin-api';
import { FESTIVALS } from './festivals.ts';
import { KINDS } from './kinds.ts';
import { name } from './names.ts';

export const CAMPAIGN = 'campaigns.campaign';
// What was approved cannot change while it is prepared and run; closing records cost and revenue.
const APPROVED_PLAN = ['kind', 'festival', 'starts_on', 'ends_on', 'discount', 'channels', 'budget', 'roi_target_pct'];
const CHANNELS = ['search_ads', 'display_ads', 'affiliates', 'platform_venue', 'social', 'membership'];

export const campaignType: TaskTypeDefinition = {
  id: CAMPAIGN,
  name: name('营销活动', 'Campaign'),
  description:
    'A campaign from its proposal to its close: team review, approval, preparation, running, cost and revenue.',
  fields: [
    {
      id: 'kind',
      name: name('活动类型', 'Kind'),
      type: 'enum',
      options: [...KINDS],
      required: true,
      description: 'festival 节日 / event 事件 / new_product 新品上线 / platform 平台活动 (聚划算, 淘抢购…)',
    },
    {
      id: 'festival',
      name: name('节日', 'Festival'),
      type: 'enum',
      options: FESTIVALS.map((festival) => festival.id),
    },
    {
      id: 'platform',
      name: name('平台活动名称', 'Platform campaign'),
      type: 'text',
      max_length: 64,
      description: 'e.g. 聚划算, 淘抢购, 京东秒杀',
    },
    { id: 'starts_on', name: name('开始日期', 'Starts on'), type: 'date' },
    { id: 'ends_on', name: name('结束日期', 'Ends on'), type: 'date' },
    {
      id: 'discount',
      name: name('优惠力度', 'Discount'),
      type: 'text',
      max_length: 200,
      description: 'e.g. 满300减50, 全场8折, 前1小时半价',
    },
    {
      id: 'channels',
      name: name('宣传渠道', 'Channels'),
      type: 'multi_enum',
      options: CHANNELS,
      description:
        'search_ads 直通车 / display_ads 钻展 / affiliates 淘宝客 / platform_venue 平台会场 / social 微博微信 / membership 会员营销',
    },
    { id: 'budget', name: name('预算', 'Budget'), type: 'money', currency: 'CNY', min: 0 },
    { id: 'cost', name: name('实际花费', 'Cost'), type: 'money', currency: 'CNY', min: 0 },
    { id: 'revenue', name: name('活动销售额', 'Revenue'), type: 'money', currency: 'CNY', min: 0 },
    {
      id: 'roi_target_pct',
      name: name('ROI 目标', 'ROI target'),
      type: 'percent',
      min: 0,
      default: 200,
      description:
        "This campaign's planned ROI, (revenue − cost) / cost, 200 % unless the plan says otherwise (seed 001: ROI≥200%); the organisation's minimum is its policy campaign_roi_min_pct.",
    },
    { id: 'plan', name: name('活动方案', 'Plan'), type: 'long_text', max_length: 20_000 },
  ],
  workflow: {
    initial: 'draft',
    states: [
      { id: 'draft', name: name('策划中', 'Drafting'), category: 'todo' },
      { id: 'review', name: name('团队审核', 'Team review'), category: 'active', locked_fields: APPROVED_PLAN },
      { id: 'preparing', name: name('筹备中', 'Preparing'), category: 'active', locked_fields: APPROVED_PLAN },
      { id: 'running', name: name('进行中', 'Running'), category: 'active', locked_fields: APPROVED_PLAN },
      { id: 'closed', name: name('已结束', 'Closed'), category: 'done' },
      { id: 'cancelled', name: name('已取消', 'Cancelled'), category: 'done' },
    ],
    transitions: [
      {
        from: 'draft',
        to: 'review',
        label: name('提交立项', 'Propose'),
        requires: 'campaigns.plan',
        required_fields: ['kind', 'starts_on', 'ends_on'],
      },
      { from: 'review', to: 'draft', label: name('退回修改', 'Send back') },
      { from: 'review', to: 'preparing', label: name('批准', 'Approve'), requires: 'campaigns.approve' },
      { from: 'preparing', to: 'running', label: name('活动开始', 'Start') },
      {
        from: 'running',
        to: 'closed',
        label: name('活动结束', 'Close'),
        required_fields: ['cost', 'revenue'],
      },
      { from: 'draft', to: 'cancelled', label: name('取消', 'Cancel') },
      { from: 'review', to: 'cancelled', label: name('否决', 'Reject') },
      { from: 'preparing', to: 'cancelled', label: name('取消', 'Cancel'), requires: 'campaigns.approve' },
    ],
  },
};
