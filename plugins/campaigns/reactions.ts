// What follows a committed change to a campaign: approved (preparing), its first coordination card and
// the customer-service briefing; closed, its effect report. The hook sees the card as it is when it
// runs, and everything it makes is keyed.
import type { CommittedChange, HookContext } from '#plugin-api';
import { CAMPAIGN } from './campaign.ts';
import { briefCustomerService, coordinate, reportEffect } from './follow-ups.ts';

export async function react(change: CommittedChange, plugin: HookContext): Promise<void> {
  if (change.taskType !== CAMPAIGN || change.taskId === null || change.type !== 'task.transitioned') return;
  const campaign = await plugin.cards.get(change.taskId);
  if (!campaign || campaign.archived) return;
  if (campaign.status === 'preparing') {
    await coordinate(campaign, plugin);
    await briefCustomerService(campaign, plugin);
  }
  if (campaign.status === 'closed') await reportEffect(campaign, plugin);
}
