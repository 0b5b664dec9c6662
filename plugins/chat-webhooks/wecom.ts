// WeCom's group robot (企业微信群机器人): markdown content with the level highlighted. The key in its
// URL is its only credential: WeCom robots are not signed.
import type { NotificationChannel } from '#plugin-api';
import { JSON_HEADERS, linkTarget, robotErrorCode, summary } from './robot-message.ts';

export const wecom: NotificationChannel = {
  id: 'chat-webhooks.wecom',
  name: { 'zh-CN': '企业微信群机器人', en: 'WeCom group robot' },
  errorCode: robotErrorCode,
  format(message, target) {
    const { title, lines } = summary(message);
    const highlighted = lines.map((line, i) =>
      i === 1 ? line.replace(/^级别：(.*)$/, '级别：<font color="warning">$1</font>') : line,
    );
    const content = [
      `### ${title}`,
      ...highlighted.map((line) => `> ${line}`),
      `[打开卡片](${linkTarget(message.cardUrl)})`,
    ].join('\n');
    return {
      url: target.url,
      headers: JSON_HEADERS,
      body: JSON.stringify({ msgtype: 'markdown', markdown: { content } }),
    };
  },
};
