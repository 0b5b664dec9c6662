// UI strings in every supported language; English is the reference the others must match key for key.
const en = {
  'app.tagline': 'The workflow board for online-store teams',
  'health.title': 'Server status',
  'health.ok': 'Running',
  'health.unavailable': 'Database not answering',
  'health.unreachable': 'Server unreachable',
  'health.checking': 'Checking…',
  'health.database': 'Database',
  'health.schema': 'Schema version',
  'health.uptime': 'Up for',
  'language.label': 'Language',
  'units.seconds': '{n} s',
};

export type MessageKey = keyof typeof en;

const zhCN: Record<MessageKey, string> = {
  'app.tagline': '电商运营团队的工作流看板',
  'health.title': '服务器状态',
  'health.ok': '运行中',
  'health.unavailable': '数据库无响应',
  'health.unreachable': '无法连接服务器',
  'health.checking': '检查中…',
  'health.database': '数据库',
  'health.schema': '数据结构版本',
  'health.uptime': '已运行',
  'language.label': '语言',
  'units.seconds': '{n} 秒',
};

export const LOCALES = { 'zh-CN': { label: '中文', messages: zhCN }, en: { label: 'English', messages: en } } as const;
export type Locale = keyof typeof LOCALES;
