// A buyer's request for a discount or an offer (议价/优惠申请): a pre-sales agent grants it within
// policy.max_discount_pct; beyond it only a holder of after-sales.approve (the store manager) decides.
import type { PluginManifest } from '#plugin-api';
import { name } from './bilingual.ts';

type TaskType = NonNullable<PluginManifest['taskTypes']>[number];

export const priceRequestType: TaskType = {
  id: 'after-sales.price-request',
  name: name('议价/优惠申请', 'Price or discount request'),
  fields: [
    { id: 'discount_pct', name: name('折扣幅度', 'Discount %'), type: 'percent', required: true, min: 0, max: 100 },
    { id: 'order_no', name: name('订单号', 'Order no.'), type: 'text', max_length: 64 },
    { id: 'note', name: name('买家诉求', "Buyer's request"), type: 'long_text', max_length: 2000 },
  ],
  workflow: {
    initial: 'open',
    states: [
      { id: 'open', name: name('待处理', 'Open'), category: 'todo' },
      // What the manager is asked about cannot change while it waits; approved or rejected, it is done (read-only).
      {
        id: 'pending_approval',
        name: name('待店长审批', 'Awaiting store manager'),
        category: 'blocked',
        locked_fields: ['discount_pct', 'order_no'],
      },
      { id: 'approved', name: name('已同意', 'Approved'), category: 'done' },
      { id: 'rejected', name: name('已拒绝', 'Rejected'), category: 'done' },
    ],
    transitions: [
      {
        from: 'open',
        to: 'approved',
        required_fields: ['discount_pct'],
        guard: { '<=': [{ var: 'task.fields.discount_pct' }, { var: ['policy.max_discount_pct', 0] }] },
        guard_message: '超出规定折扣,请提交店长审批 (Above the policy limit, send it to the store manager)',
      },
      { from: 'open', to: 'rejected' },
      { from: 'open', to: 'pending_approval', label: name('提交店长审批', 'Ask the store manager') },
      { from: 'pending_approval', to: 'approved', label: name('批准', 'Approve'), requires: 'after-sales.approve' },
      { from: 'pending_approval', to: 'rejected', label: name('拒绝', 'Reject'), requires: 'after-sales.approve' },
    ],
  },
};
