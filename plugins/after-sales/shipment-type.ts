// A paid order to ship (发货单): verified (address, phone, a plausible order), packed and shipped within
// policy.ship_within_hours of payment and never later than policy.ship_hard_limit_hours; what cannot ship
// goes on hold with its reason, so customer service can offer the buyer an exchange or a refund.
import type { PluginManifest } from '#plugin-api';
import { name } from './bilingual.ts';

type TaskType = NonNullable<PluginManifest['taskTypes']>[number];

export const shipmentType: TaskType = {
  id: 'after-sales.shipment',
  name: name('发货单', 'Shipment'),
  fields: [
    { id: 'order_no', name: name('订单号', 'Order no.'), type: 'text', max_length: 64, required: true },
    { id: 'paid_at', name: name('付款时间', 'Paid at'), type: 'datetime', required: true },
    { id: 'address_verified', name: name('地址电话已核实', 'Address and phone verified'), type: 'boolean' },
    {
      id: 'hold_reason',
      name: name('暂缓原因', 'Hold reason'),
      type: 'enum',
      options: ['out_of_stock', 'unclear_address', 'invalid_phone', 'incomplete_order', 'suspicious_order'],
    },
    { id: 'courier', name: name('快递公司', 'Courier'), type: 'text', max_length: 64 },
    { id: 'tracking_no', name: name('运单号', 'Tracking no.'), type: 'text', max_length: 64 },
  ],
  // Due when the policy says it must have shipped, counted from payment: the on-time KPI and the escalations read it.
  due_from: { field: 'paid_at', hours: { policy: 'ship_within_hours' } },
  workflow: {
    initial: 'to_verify',
    states: [
      { id: 'to_verify', name: name('待核单', 'To verify'), category: 'todo' },
      { id: 'to_ship', name: name('待发货', 'To ship'), category: 'active' },
      { id: 'on_hold', name: name('暂缓发货', 'On hold'), category: 'blocked' },
      { id: 'shipped', name: name('已发货', 'Shipped'), category: 'done' },
      { id: 'cancelled', name: name('已取消', 'Cancelled'), category: 'done' }, // refunded before shipping
    ],
    transitions: [
      {
        from: 'to_verify',
        to: 'to_ship',
        guard: { '===': [{ var: 'task.fields.address_verified' }, true] },
        guard_message: '请先核实收货地址和电话 (Verify the address and phone first)',
      },
      { from: 'to_verify', to: 'on_hold', required_fields: ['hold_reason'] },
      { from: 'to_ship', to: 'on_hold', required_fields: ['hold_reason'] },
      { from: 'on_hold', to: 'to_verify' },
      { from: 'to_ship', to: 'shipped', required_fields: ['tracking_no'] },
      { from: 'on_hold', to: 'cancelled', requires: 'tasks.close' },
    ],
  },
};
