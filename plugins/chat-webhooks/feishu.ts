// Feishu's group robot (飞书群机器人): an interactive card with a button to the card, signed in the body
// when the robot has a secret.
import { createHmac } from 'node:crypto';
import type { NotificationChannel } from '#plugin-api';
import { JSON_HEADERS, robotErrorCode, summary } from './robot-message.ts';

/** HMAC keyed by `timestamp\nsecret` over nothing, timestamp in seconds. */
export const feishuSign = (secret: string, timestampSec: number) =>
  createHmac('sha256', `${timestampSec}\n${secret}`).update('').digest('base64');

export const feishu: NotificationChannel = {
  id: 'chat-webhooks.feishu',
  name: { 'zh-CN': '飞书群机器人', en: 'Feishu group robot' },
  errorCode: robotErrorCode,
  format(message, target, now) {
    const { title, lines } = summary(message);
    const timestamp = Math.floor(now.getTime() / 1000);
    const card = {
      config: { wide_screen_mode: true },
      header: { title: { tag: 'plain_text', content: title }, template: message.level > 1 ? 'red' : 'orange' },
      elements: [
        { tag: 'markdown', content: lines.join('\n') },
        {
          tag: 'action',
          actions: [
            { tag: 'button', text: { tag: 'plain_text', content: '打开卡片' }, type: 'primary', url: message.cardUrl },
          ],
        },
      ],
    };
    const signed = target.secret ? { timestamp: String(timestamp), sign: feishuSign(target.secret, timestamp) } : {};
    return {
      url: target.url,
      headers: JSON_HEADERS,
      body: JSON.stringify({ ...signed, msg_type: 'interactive', card }),
    };
  },
};
