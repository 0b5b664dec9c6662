// The plugin's default escalations on promotion plans: spend past the approved budget, and a plan whose
// period ended with its ROI under the plan's target (seed 001: 监测推广效果,调整推广策略以优化ROI; 每次促销活动
// 的ROI需达到设定目标(如ROI≥200%)). Both climb the plan's reporting line, so any organisation can staff them.
import { PLAN } from './plan.ts';

/**
 * JsonLogic `promotion.roi_below`: [revenue, spend, target in %] → whether (revenue − spend) / spend is
 * under the target. Without spend there is no ROI to judge: false, never a division by zero.
 */
export function roiBelow(revenue: unknown, spend: unknown, targetPct: unknown): boolean {
  const [r, s, t] = [Number(revenue ?? 0), Number(spend ?? 0), Number(targetPct ?? 0)];
  if (!(s > 0) || !Number.isFinite(r) || !Number.isFinite(t)) return false;
  return (r - s) / s < t / 100;
}

export const overspend = {
  id: 'promotion-overspend',
  title: '推广花费超出批准预算 (Promotion spend over the approved budget)',
  applies_to: { task_types: [PLAN], statuses: ['approved', 'running', 'review'] },
  when: { '>': [{ var: ['task.fields.spend', 0] }, { var: ['task.fields.budget', 0] }] },
  levels: [
    { after: 'PT0M', to: 'reports_to', then: ['notify', 'label:超预算'] },
    { after: 'P1D', to: 'reports_to', then: ['notify', 'raise_priority'] },
  ],
  tests: [
    { given: { task: { fields: { budget: 30000, spend: 31250.5 } } }, expect: true },
    { given: { task: { fields: { budget: 30000, spend: 30000 } } }, expect: false },
    { given: { task: { fields: { budget: 30000 } } }, expect: false },
  ],
};

export const roiUnderTarget = {
  id: 'promotion-roi-under-target',
  title: '推广周期结束,ROI 低于目标 (ROI under target over the plan period)',
  applies_to: { task_types: [PLAN], statuses: ['review'] },
  when: {
    'promotion.roi_below': [
      { var: 'task.fields.revenue' },
      { var: 'task.fields.spend' },
      { var: ['task.fields.roi_target_pct', 200] },
    ],
  },
  levels: [
    { after: 'PT0M', to: 'reports_to', then: ['notify'] },
    { after: 'P2D', to: 'reports_to', then: ['notify', 'raise_priority'] },
  ],
  tests: [
    { given: { task: { fields: { spend: 10000, revenue: 25000, roi_target_pct: 200 } } }, expect: true },
    { given: { task: { fields: { spend: 10000, revenue: 30000, roi_target_pct: 200 } } }, expect: false },
    { given: { task: { fields: { spend: 0, revenue: 5000, roi_target_pct: 200 } } }, expect: false },
    { given: { task: { fields: { revenue: 5000 } } }, expect: false },
  ],
};
