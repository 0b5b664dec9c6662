// The chat-webhooks plugin: escalations posted to Chinese work chats' group robots — DingTalk, WeCom and
// Feishu — as notification channels a webhook names (`chat-webhooks.dingtalk`, …). See README.md.
import { definePlugin } from '#plugin-api';
import { dingtalk } from './dingtalk.ts';
import { feishu } from './feishu.ts';
import { wecom } from './wecom.ts';

export default definePlugin({
  id: 'chat-webhooks',
  name: { 'zh-CN': '群机器人通知', en: 'Chat group robots' },
  version: '0.1.0',
  core: '^0.1',
  channels: [dingtalk, wecom, feishu],
});
