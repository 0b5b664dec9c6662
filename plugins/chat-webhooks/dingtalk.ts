// DingTalk's group robot (钉钉群机器人): a markdown message, signed in the URL's query when the robot
// has a secret, and able to @ people by their mobile number (or everyone) — a setting of the webhook.
import { createHmac } from 'node:crypto';
import { z, type NotificationChannel } from '#plugin-api';
import { JSON_HEADERS, linkTarget, robotErrorCode, summary } from './robot-message.ts';

/** HMAC keyed by the secret over `timestamp\nsecret`, timestamp in milliseconds. */
export const dingtalkSign = (secret: string, timestampMs: number) =>
  createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');

export const dingtalkSettings = z.strictObject({
  /** Members to @, by the mobile number their DingTalk account uses (the robot allows up to 20). */
  atMobiles: z
    .array(z.string().regex(/^\+?\d{6,15}$/, 'expected a mobile number, digits only (an optional leading +)'))
    .max(20)
    .optional(),
  /** @ everyone in the group. */
  atAll: z.boolean().optional(),
});

export const dingtalk: NotificationChannel = {
  id: 'chat-webhooks.dingtalk',
  name: { 'zh-CN': '钉钉群机器人', en: 'DingTalk group robot' },
  settings: dingtalkSettings,
  errorCode: robotErrorCode,
  format(message, target, now) {
    const { title, lines } = summary(message);
    const { atMobiles = [], atAll = false } = dingtalkSettings.parse(target.settings);
    const url = new URL(target.url);
    if (target.secret) {
      // URLSearchParams form-encodes (`+` → %2B, `/` → %2F, `=` → %3D), as DingTalk's urlEncode step asks.
      url.searchParams.set('timestamp', String(now.getTime()));
      url.searchParams.set('sign', dingtalkSign(target.secret, now.getTime()));
    }
    // A mention shows only when the text names the number too.
    const mentions = atMobiles.length ? [atMobiles.map((mobile) => `@${mobile}`).join(' ')] : [];
    // DingTalk's markdown needs a blank line to start a new line.
    const text = [
      `### ${title}`,
      ...lines.map((line) => `- ${line}`),
      `[打开卡片](${linkTarget(message.cardUrl)})`,
      ...mentions,
    ].join('\n\n');
    const at = atMobiles.length || atAll ? { at: { atMobiles, isAtAll: atAll } } : {};
    return {
      url: url.toString(),
      headers: JSON_HEADERS,
      body: JSON.stringify({ msgtype: 'markdown', markdown: { title, text }, ...at }),
    };
  },
};
