// The campaigns department (活动) as a plugin: campaign cards from proposal to close with the proposal
// lead time, the festival calendar that proposes each festival's campaign in time, weekly coordination,
// the customer-service briefing and the effect report, and campaign ROI. See README.md.
import { definePlugin } from '#plugin-api';
import { schedules } from './calendar.ts';
import { campaignType } from './campaign.ts';
import { demo } from './demo.ts';
import { followUpTypes } from './follow-ups.ts';
import { checkLeadTime } from './lead-time.ts';
import { name } from './names.ts';
import { react } from './reactions.ts';
import { roiBelowTarget, roiMetric } from './roi.ts';

export default definePlugin({
  id: 'campaigns',
  name: name('活动', 'Campaigns'),
  version: '0.1.0',
  core: '^0.1',
  permissions: [
    // Commits the store's money (budget, discounts) on others' plans.
    { id: 'campaigns.approve', name: name('审批活动立项', 'Approve campaign proposals'), powerful: true },
    { id: 'campaigns.plan', name: name('策划并提交活动立项', 'Plan and propose campaigns') },
    { id: 'campaigns.brief', name: name('接收活动客服培训', 'Receive customer-service campaign briefings') },
  ],
  taskTypes: [campaignType, ...followUpTypes],
  metrics: { 'campaigns.roi': roiMetric },
  escalations: [roiBelowTarget],
  hooks: { beforeTransition: checkLeadTime, afterCommit: react },
  schedules,
  demo,
});
