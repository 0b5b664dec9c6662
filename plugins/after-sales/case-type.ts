// The after-sales case (售后工单): returns, exchanges, refunds, complaints, negative reviews, lost parcels
// and missing items. An agent settles within policy; beyond it (or with no policy) the case reaches
// resolved or closed only through the store manager's approval (awaiting_approval → approved).
import type { PluginManifest } from '#plugin-api';
import { name } from './bilingual.ts';
import { BEYOND_POLICY_MESSAGE, DECIDED_FIELDS, WITHIN_POLICY } from './within-policy.ts';

type TaskType = NonNullable<PluginManifest['taskTypes']>[number];

export const CASE_TYPES = [
  'return',
  'exchange',
  'refund',
  'complaint',
  'negative_review',
  'lost_parcel',
  'missing_item',
] as const;

export const caseType: TaskType = {
  id: 'after-sales.case',
  name: name('售后工单', 'After-sales case'),
  description:
    "A buyer's after-sales request, handled by the playbook of its kind; beyond policy it needs the store manager.",
  fields: [
    {
      id: 'case_type',
      name: name('售后类型', 'Case type'),
      type: 'enum',
      options: [...CASE_TYPES],
      required: true,
      description:
        '退货 return, 换货 exchange, 退款 refund, 投诉 complaint, 中差评 negative review, 快递丢件 lost parcel, 漏发少发 missing item',
    },
    { id: 'order_no', name: name('订单号', 'Order no.'), type: 'text', max_length: 64 },
    { id: 'claim_amount', name: name('索赔金额', 'Claim amount'), type: 'money', currency: 'CNY', min: 0 },
    {
      id: 'requested_discount_pct',
      name: name('买家要求折扣', 'Discount requested'),
      type: 'percent',
      min: 0,
      max: 100,
    },
    { id: 'policy_covered', name: name('有规定可依', 'Covered by policy'), type: 'boolean' },
    { id: 'courier', name: name('快递公司', 'Courier'), type: 'text', max_length: 64 },
    { id: 'tracking_no', name: name('运单号', 'Tracking no.'), type: 'text', max_length: 64 },
    { id: 'courier_claim_no', name: name('快递理赔单号', 'Courier claim no.'), type: 'text', max_length: 64 },
    {
      id: 'courier_claim_status',
      name: name('快递理赔进度', 'Courier claim status'),
      type: 'enum',
      options: ['filed', 'tracing', 'compensated', 'refused'],
    },
    {
      id: 'satisfaction',
      name: name('买家满意度', 'Buyer satisfaction'),
      type: 'enum',
      options: ['satisfied', 'neutral', 'dissatisfied'],
    },
    { id: 'note', name: name('处理记录', 'Handling notes'), type: 'long_text', max_length: 4000 },
  ],
  workflow: {
    initial: 'open',
    states: [
      { id: 'open', name: name('待处理', 'Open'), category: 'todo' },
      { id: 'in_progress', name: name('处理中', 'In progress'), category: 'active' },
      { id: 'waiting_customer', name: name('等待买家', 'Waiting for buyer'), category: 'blocked' },
      { id: 'waiting_courier', name: name('等待快递', 'Waiting for courier'), category: 'blocked' },
      // What the store manager is asked about cannot change while it waits, nor once approved.
      {
        id: 'awaiting_approval',
        name: name('待店长审批', 'Awaiting store manager'),
        category: 'blocked',
        locked_fields: DECIDED_FIELDS,
      },
      {
        id: 'approved',
        name: name('店长已批准', 'Approved by store manager'),
        category: 'active',
        locked_fields: DECIDED_FIELDS,
      },
      // The buyer's rating arrives after the case is resolved, so a resolved case stays editable but for the decided fields.
      {
        id: 'resolved',
        name: name('已解决', 'Resolved'),
        category: 'done',
        read_only: false,
        locked_fields: DECIDED_FIELDS,
      },
      { id: 'closed', name: name('已关闭', 'Closed'), category: 'done' },
    ],
    transitions: [
      { from: 'open', to: 'in_progress', label: name('开始处理', 'Start') },
      { from: 'in_progress', to: 'waiting_customer' },
      { from: 'waiting_customer', to: 'in_progress' },
      { from: 'in_progress', to: 'waiting_courier' },
      { from: 'waiting_courier', to: 'in_progress' },
      {
        from: 'in_progress',
        to: 'resolved',
        required_fields: ['order_no', 'policy_covered'],
        guard: WITHIN_POLICY,
        guard_message: BEYOND_POLICY_MESSAGE,
      },
      {
        from: 'in_progress',
        to: 'awaiting_approval',
        label: name('提交店长审批', 'Ask the store manager'),
        required_fields: ['order_no', 'policy_covered'],
      },
      { from: 'awaiting_approval', to: 'approved', label: name('批准', 'Approve'), requires: 'after-sales.approve' },
      {
        from: 'awaiting_approval',
        to: 'in_progress',
        label: name('退回', 'Send back'),
        requires: 'after-sales.approve',
      },
      { from: 'approved', to: 'resolved', required_fields: ['order_no'] },
      // A new offer after approval is judged again.
      { from: 'approved', to: 'in_progress' },
      { from: 'resolved', to: 'in_progress', label: name('重新打开', 'Reopen') },
      { from: 'resolved', to: 'closed', requires: 'tasks.close' },
      // The buyer never answered: closed without settling, and never past the policy.
      {
        from: 'waiting_customer',
        to: 'closed',
        requires: 'tasks.close',
        required_fields: ['policy_covered'],
        guard: WITHIN_POLICY,
        guard_message: BEYOND_POLICY_MESSAGE,
      },
    ],
  },
};
