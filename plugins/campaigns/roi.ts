// Campaign ROI (投资回报率, DOMAIN §5: (revenue − cost) / cost, target ≥ 200 %): the metric a per-campaign
// KPI reads, and the default escalation of a campaign closed below its target. A ratio (2 = 200 %); a
// campaign without a cost has no ROI — no data, never a division by zero reaching a rule.
import type { Metric } from '#plugin-api';
import { CAMPAIGN } from './campaign.ts';
import { roi } from './roi-value.ts';

export const roiMetric: Metric = {
  description: 'A campaign’s return: (revenue − cost) / cost, from its card (a KPI with per: campaigns.campaign)',
  unit: 'ratio',
  async compute(ctx) {
    if (ctx.entity?.kind !== 'card' || ctx.entity.taskType !== CAMPAIGN) return { value: null, sample: 0 };
    const card = await ctx.db
      .selectFrom('tasks')
      .select('fields')
      .where('id', '=', ctx.entity.taskId)
      .executeTakeFirst();
    const value = roi(card?.fields.revenue, card?.fields.cost);
    return value === null ? { value: null, sample: 0 } : { value, sample: 1 };
  },
};

const closed = (revenue: number | null, cost: number | null) => ({
  task: { fields: { revenue, cost } },
  policy: { campaign_roi_min_pct: 200 },
});

/**
 * At close, ROI below the organisation's campaign_roi_min_pct goes to the head of the campaign's
 * department (an organisation names its operations director by overriding `levels`; the demo does). An
 * organisation that sets no such policy has this default inactive (core's check of plugin defaults).
 */
export const roiBelowTarget = {
  id: 'campaign-roi-below-target',
  title: 'Campaign closed below the ROI minimum',
  applies_to: { task_types: [CAMPAIGN], statuses: ['closed'] },
  // `and` stops before the division when there is no cost (or no revenue): no ROI, nothing to escalate.
  when: {
    and: [
      { '>': [{ var: 'task.fields.cost' }, 0] },
      { '!=': [{ var: 'task.fields.revenue' }, null] },
      {
        '<': [
          {
            '*': [
              {
                '/': [
                  { '-': [{ var: 'task.fields.revenue' }, { var: 'task.fields.cost' }] },
                  { var: 'task.fields.cost' },
                ],
              },
              100,
            ],
          },
          { var: 'policy.campaign_roi_min_pct' },
        ],
      },
    ],
  },
  // A done card stops escalating unless stop_when says otherwise; this rule is about closed ones.
  stop_when: { '!=': [{ var: 'task.status' }, 'closed'] },
  levels: [{ after: 'PT0M', to: 'department_head', then: ['notify'] }],
  tests: [
    { given: closed(250_000, 100_000), expect: true },
    { given: closed(300_000, 100_000), expect: false },
    { given: closed(300_000, 0), expect: false },
    { given: closed(300_000, null), expect: false },
    { given: closed(null, 100_000), expect: false },
    { given: closed(0, 100_000), expect: true },
  ],
};
