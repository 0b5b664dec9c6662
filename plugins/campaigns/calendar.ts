// The plugin's schedules. The festival calendar makes each festival's proposal card in time: a draft
// campaign PROPOSAL_NOTICE_DAYS before the last day it may be proposed (two months before it starts),
// due that day, for the role holding campaigns.plan — once per festival and year, whichever process or
// restart runs it (the key). A festival whose proposal day has passed gets no card: it is too late to
// propose. The follow-up sweep keeps coordination weekly while a campaign is prepared, and reports on
// campaigns that ended while still running.
import type { HookContext, PluginSchedule } from '#plugin-api';
import { CAMPAIGN } from './campaign.ts';
import { addDays, chinaDate, endOfWorkday } from './china-dates.ts';
import { FESTIVALS } from './festivals.ts';
import { briefCustomerService, coordinate, reportEffect } from './follow-ups.ts';
import { proposalDeadline } from './lead-time.ts';

/** How long before the proposal deadline the planner gets the card: about the time the old yearly duties gave (10–11 days). */
export const PROPOSAL_NOTICE_DAYS = 14;

export const festivalKey = (festivalId: string, year: number) => `campaigns.festival/${festivalId}/${year}`;

export async function proposeFestivals(plugin: HookContext): Promise<void> {
  const today = chinaDate(plugin.now());
  const thisYear = Number(today.slice(0, 4));
  let planner: string | null | undefined;
  for (const year of [thisYear, thisYear + 1])
    for (const festival of FESTIVALS) {
      const days = festival.days(year);
      if (!days) continue;
      const deadline = proposalDeadline('festival', days.startsOn)!;
      if (today < addDays(deadline, -PROPOSAL_NOTICE_DAYS) || today > deadline) continue;
      if (planner === undefined) planner = (await plugin.roles.holding('campaigns.plan'))[0] ?? null;
      const { 'zh-CN': zh, en } = festival.name;
      await plugin.cards.create(
        {
          type: CAMPAIGN,
          title: `${zh} ${year} 活动立项 (${en} ${year} campaign proposal)`,
          description: `${year} 年${zh}活动:${days.startsOn} 至 ${days.endsOn}。最迟 ${deadline} 提交立项,团队审核。\n\nPropose the ${en} ${year} campaign (${days.startsOn} to ${days.endsOn}) by ${deadline} for team review: discount depth, timing, channels, the ads brief.`,
          fields: { kind: 'festival', festival: festival.id, starts_on: days.startsOn, ends_on: days.endsOn },
          dueAt: endOfWorkday(deadline),
          ...(planner ? { assignTo: { roleId: planner } } : {}),
        },
        { key: festivalKey(festival.id, year) },
      );
    }
}

export async function sweepCampaigns(plugin: HookContext): Promise<void> {
  for (const campaign of await plugin.cards.find({ type: CAMPAIGN, statuses: ['preparing'] })) {
    await coordinate(campaign, plugin);
    await briefCustomerService(campaign, plugin);
  }
  const today = chinaDate(plugin.now());
  for (const campaign of await plugin.cards.find({ type: CAMPAIGN, statuses: ['running'] }))
    if (typeof campaign.fields.ends_on === 'string' && campaign.fields.ends_on < today)
      await reportEffect(campaign, plugin);
}

export const schedules: PluginSchedule[] = [
  { id: 'festival-calendar', every: 'PT1H', run: proposeFestivals },
  { id: 'campaign-follow-ups', every: 'PT1H', run: sweepCampaigns },
];
