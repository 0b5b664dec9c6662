// The task types core ships: a plain task and a report. Plugins and roles files add more.
import type { TaskTypeDefinition } from '../org/format.schema.ts';

const generalWorkflow: TaskTypeDefinition['workflow'] = {
  initial: 'todo',
  states: [
    { id: 'todo', name: { 'zh-CN': '待办', en: 'To do' }, category: 'todo' },
    { id: 'in_progress', name: { 'zh-CN': '进行中', en: 'In progress' }, category: 'active' },
    { id: 'blocked', name: { 'zh-CN': '受阻', en: 'Blocked' }, category: 'blocked' },
    { id: 'done', name: { 'zh-CN': '已完成', en: 'Done' }, category: 'done' },
  ],
  transitions: [
    { from: 'todo', to: 'in_progress' },
    { from: 'in_progress', to: 'blocked' },
    { from: 'blocked', to: 'in_progress' },
    { from: 'in_progress', to: 'done' },
    { from: 'todo', to: 'done' },
    { from: 'done', to: 'in_progress' },
  ],
};

export const CORE_TASK_TYPES: TaskTypeDefinition[] = [
  { id: 'core.task', name: { 'zh-CN': '任务', en: 'Task' }, fields: [], workflow: generalWorkflow },
  {
    id: 'core.report',
    name: { 'zh-CN': '报告', en: 'Report' },
    fields: [
      { id: 'link', name: { 'zh-CN': '报告链接', en: 'Link' }, type: 'url' },
      { id: 'summary', name: { 'zh-CN': '摘要', en: 'Summary' }, type: 'long_text', max_length: 4000 },
    ],
    workflow: generalWorkflow,
  },
];
