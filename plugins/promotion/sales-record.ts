// The store's sales for a period, usually a month (店铺月度销售): the figures the store plan is judged by
// (seed 003: 月销售额目标20万/月,推广本钱控制在20%以内,毛利50%以上,转化率3%-10%左右,回头率30%左右) — kept
// on a card so every store KPI reads numbers someone entered and is answerable for, never invented ones.
import type { TaskTypeDefinition } from '#plugin-api';
import { name } from './names.ts';

export const SALES_RECORD = 'promotion.sales-record';

/** The figures a record must hold before it is confirmed. */
const RECORDED = ['from', 'to', 'target', 'sales', 'gross_profit', 'visitors', 'orders', 'buyers', 'repeat_buyers'];

export const salesRecordType: TaskTypeDefinition = {
  id: SALES_RECORD,
  name: name('店铺销售记录', 'Store sales record'),
  description: "The store's sales for a period against its target, with margin, conversion and repeat buyers.",
  fields: [
    { id: 'from', name: name('开始日期', 'From'), type: 'date' },
    { id: 'to', name: name('结束日期', 'To'), type: 'date' },
    { id: 'target', name: name('销售目标', 'Sales target'), type: 'money', currency: 'CNY', min: 0 },
    { id: 'sales', name: name('销售额', 'Sales'), type: 'money', currency: 'CNY', min: 0 },
    { id: 'gross_profit', name: name('毛利', 'Gross profit'), type: 'money', currency: 'CNY' },
    { id: 'visitors', name: name('访客数', 'Visitors'), type: 'number', min: 0 },
    { id: 'orders', name: name('成交笔数', 'Orders'), type: 'number', min: 0 },
    { id: 'buyers', name: name('成交买家数', 'Buyers'), type: 'number', min: 0 },
    {
      id: 'repeat_buyers',
      name: name('回头客数', 'Repeat buyers'),
      type: 'number',
      min: 0,
      description: 'Buyers of the period who had bought before (回头率 = repeat buyers / buyers)',
    },
  ],
  workflow: {
    initial: 'open',
    states: [
      { id: 'open', name: name('待录入', 'To record'), category: 'todo' },
      // Corrections after the books close stay possible; the activity log shows them.
      { id: 'recorded', name: name('已确认', 'Recorded'), category: 'done', read_only: false },
    ],
    transitions: [
      { from: 'open', to: 'recorded', label: name('确认', 'Confirm'), required_fields: RECORDED },
      { from: 'recorded', to: 'open', label: name('重新打开', 'Reopen') },
    ],
  },
};
