// The promotion plan (推广计划): one channel's budget for a period and what it brought — spend,
// impressions, clicks, visitors, orders, revenue (seed 001: 选择合适的推广渠道…监测推广效果,调整推广策略以优化ROI;
// seed 003: 财务…配合营销策划部对推广费的支出预算). Finance approves the budget before any spend is recorded.
import type { TaskTypeDefinition } from '#plugin-api';
import { both, name } from './names.ts';

export const PLAN = 'promotion.plan';
export const APPROVE_BUDGET = 'promotion.approve-budget';

/** 直通车 (search CPC), 钻展 (display), 淘宝客 (affiliate CPS), SEO/SEM, social (微信, 微博). */
export const CHANNELS = ['ztc', 'zuanzhan', 'taobaoke', 'seo_sem', 'social'] as const;

/** What a channel report brings: the figures spend and results are recorded in. */
export const FIGURES = ['spend', 'impressions', 'clicks', 'visitors', 'orders', 'revenue'] as const;
export type Figure = (typeof FIGURES)[number];

/** What finance approves: it cannot change while the decision waits, nor once given. */
const APPROVED_TERMS = ['channel', 'from', 'to', 'budget', 'roi_target_pct'];

/** States in which the plan's budget is approved, so its figures may be recorded (by hand or by import). */
export const RECORDING_STATES = ['approved', 'running', 'review'];

export const NO_SPEND_BEFORE_APPROVAL = both(
  name(
    '预算批准前不能记录花费:请先清空花费,提交财务审批',
    'No spend can be recorded before the budget is approved: clear the spend and ask finance first',
  ),
);

export const planType: TaskTypeDefinition = {
  id: PLAN,
  name: name('推广计划', 'Promotion plan'),
  description: "One channel's budget for a period, approved by finance, and what it brought.",
  fields: [
    {
      id: 'channel',
      name: name('推广渠道', 'Channel'),
      type: 'enum',
      options: [...CHANNELS],
      required: true,
      description:
        '直通车 ztc (search CPC), 钻展 zuanzhan (display), 淘宝客 taobaoke (CPS), SEO/SEM, social (微信/微博)',
    },
    { id: 'from', name: name('开始日期', 'From'), type: 'date', required: true },
    { id: 'to', name: name('结束日期', 'To'), type: 'date', required: true },
    { id: 'budget', name: name('预算', 'Budget'), type: 'money', currency: 'CNY', min: 0, required: true },
    {
      id: 'roi_target_pct',
      name: name('ROI 目标', 'ROI target'),
      type: 'percent',
      min: 0,
      max: 10000,
      default: 200,
      description: 'ROI = (revenue - spend) / spend; seed 001: ROI ≥ 200 %',
    },
    { id: 'spend', name: name('花费', 'Spend'), type: 'money', currency: 'CNY', min: 0 },
    { id: 'impressions', name: name('展现量', 'Impressions'), type: 'number', min: 0 },
    { id: 'clicks', name: name('点击量', 'Clicks'), type: 'number', min: 0 },
    { id: 'visitors', name: name('访客数', 'Visitors'), type: 'number', min: 0 },
    { id: 'orders', name: name('成交笔数', 'Orders'), type: 'number', min: 0 },
    { id: 'revenue', name: name('成交金额', 'Revenue'), type: 'money', currency: 'CNY', min: 0 },
    { id: 'note', name: name('调整记录', 'Adjustments'), type: 'long_text', max_length: 4000 },
  ],
  workflow: {
    initial: 'draft',
    states: [
      { id: 'draft', name: name('草拟', 'Draft'), category: 'todo', locked_fields: [...FIGURES] },
      {
        id: 'submitted',
        name: name('待财务审批', 'Awaiting finance'),
        category: 'blocked',
        locked_fields: [...APPROVED_TERMS, ...FIGURES],
      },
      { id: 'approved', name: name('预算已批准', 'Budget approved'), category: 'todo', locked_fields: APPROVED_TERMS },
      { id: 'running', name: name('投放中', 'Running'), category: 'active', locked_fields: APPROVED_TERMS },
      // The period is over: the figures are completed and the effect reviewed before closing.
      { id: 'review', name: name('复盘', 'Review'), category: 'active', locked_fields: APPROVED_TERMS },
      { id: 'closed', name: name('已结束', 'Closed'), category: 'done' },
    ],
    transitions: [
      {
        from: 'draft',
        to: 'submitted',
        label: name('提交财务审批', 'Ask finance to approve'),
        required_fields: ['channel', 'from', 'to', 'budget'],
        // A plan made with spend already filled in would carry spend past the approval.
        guard: { '!': { var: 'task.fields.spend' } },
        guard_message: NO_SPEND_BEFORE_APPROVAL,
      },
      { from: 'submitted', to: 'approved', label: name('批准预算', 'Approve the budget'), requires: APPROVE_BUDGET },
      { from: 'submitted', to: 'draft', label: name('退回', 'Send back'), requires: APPROVE_BUDGET },
      { from: 'approved', to: 'running', label: name('开始投放', 'Start') },
      { from: 'running', to: 'review', label: name('复盘', 'Review') },
      { from: 'review', to: 'running', label: name('继续投放', 'Run again') },
      { from: 'review', to: 'closed', label: name('结束', 'Close'), requires: 'tasks.close' },
    ],
  },
};
