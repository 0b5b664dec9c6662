// The work a campaign brings (seed 001's Double 11 case: "每周召开协调会议 … 与客服团队沟通,确保活动期间
// 能快速响应客户咨询"; every campaign ends with an effect report): a weekly coordination card while it is
// prepared, a customer-service briefing before it starts, an effect report after it ends. Each is keyed
// by the campaign (and the week), so hearing a change twice or a second process makes it once.
import type { HookCard, HookContext, TaskTypeDefinition } from '#plugin-api';
import { addDays, chinaDate, endOfWorkday, isoWeek } from './china-dates.ts';
import { name, type Bilingual } from './names.ts';

export const COORDINATION = 'campaigns.coordination';
export const CS_BRIEFING = 'campaigns.cs-briefing';
export const EFFECT_REPORT = 'campaigns.effect-report';

/** The briefing is due this many days before the campaign starts: time to rehearse the replies. */
export const BRIEFING_DAYS_BEFORE = 3;
/** The effect report is due this many days after the campaign's last day: late refunds and reviews are in. */
export const REPORT_DAYS_AFTER = 7;
/** A coordination meeting's notes are due two days after its card is made. */
const COORDINATION_DAYS = 2;

const unticked = (items: string[]) => items.map((text) => ({ text, done: false }));

const BRIEFING_ITEMS = [
  '活动规则、优惠与时间 (Rules, discounts and times)',
  '常见问题统一话术 (Agreed replies to common questions)',
  '活动期间客服排班 (Shifts for the rush)',
  '库存与发货时效 (Stock and shipping times)',
];
const REPORT_ITEMS = [
  '销售额与目标对比 (Sales against the target)',
  '流量与转化率 (Traffic and conversion)',
  '投入产出 ROI (Cost, revenue and ROI)',
  '客户满意度与售后 (Satisfaction and after-sales)',
  '经验与改进 (Lessons and changes)',
];

const simple = (id: string, typeName: Bilingual, description: string, items?: string[]): TaskTypeDefinition => ({
  id,
  name: typeName,
  description,
  fields: [
    { id: 'campaign_id', name: name('活动卡片', 'Campaign card'), type: 'number', required: true },
    ...(items
      ? [{ id: 'items', name: name('要点', 'Points'), type: 'checklist' as const, default: unticked(items) }]
      : []),
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
});

export const followUpTypes: TaskTypeDefinition[] = [
  simple(
    COORDINATION,
    name('活动周协调会', 'Weekly campaign coordination'),
    'Track every department against the campaign plan this week.',
  ),
  simple(
    CS_BRIEFING,
    name('客服活动培训', 'Customer-service campaign briefing'),
    'Brief customer service on the campaign before the rush.',
    BRIEFING_ITEMS,
  ),
  simple(
    EFFECT_REPORT,
    name('活动效果报告', 'Campaign effect report'),
    'The campaign against its plan: sales, traffic, ROI, satisfaction.',
    REPORT_ITEMS,
  ),
];

const campaignOwner = (campaign: HookCard) => ({ personId: campaign.assigneeId, roleId: campaign.roleId });
const later = (due: Date, now: Date) =>
  due.getTime() > now.getTime() ? due : endOfWorkday(addDays(chinaDate(now), 1));

/** This week's coordination card of a campaign being prepared. */
export function coordinate(campaign: HookCard, plugin: HookContext) {
  const today = chinaDate(plugin.now());
  const week = isoWeek(today);
  return plugin.cards.create(
    {
      type: COORDINATION,
      title: `活动周协调会 ${week}:${campaign.title} (Weekly coordination)`,
      fields: { campaign_id: campaign.id },
      dueAt: endOfWorkday(addDays(today, COORDINATION_DAYS)),
      assignTo: campaignOwner(campaign),
    },
    { key: `${COORDINATION}/${campaign.id}/${week}` },
  );
}

/** The briefing of customer service (the roles holding campaigns.brief), due before the campaign starts. */
export async function briefCustomerService(campaign: HookCard, plugin: HookContext) {
  const startsOn = campaign.fields.starts_on;
  if (typeof startsOn !== 'string') return undefined;
  const [cs] = await plugin.roles.holding('campaigns.brief');
  return plugin.cards.create(
    {
      type: CS_BRIEFING,
      title: `客服活动培训:${campaign.title} (Customer-service briefing)`,
      fields: { campaign_id: campaign.id },
      dueAt: later(endOfWorkday(addDays(startsOn, -BRIEFING_DAYS_BEFORE)), plugin.now()),
      assignTo: cs === undefined ? campaignOwner(campaign) : { roleId: cs },
    },
    { key: `${CS_BRIEFING}/${campaign.id}` },
  );
}

/** The effect report, due REPORT_DAYS_AFTER the campaign's last day. */
export function reportEffect(campaign: HookCard, plugin: HookContext) {
  const endsOn = typeof campaign.fields.ends_on === 'string' ? campaign.fields.ends_on : chinaDate(plugin.now());
  return plugin.cards.create(
    {
      type: EFFECT_REPORT,
      title: `活动效果报告:${campaign.title} (Effect report)`,
      fields: { campaign_id: campaign.id },
      dueAt: later(endOfWorkday(addDays(endsOn, REPORT_DAYS_AFTER)), plugin.now()),
      assignTo: campaignOwner(campaign),
    },
    { key: `${EFFECT_REPORT}/${campaign.id}` },
  );
}
