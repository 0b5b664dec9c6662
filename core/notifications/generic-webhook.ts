// Core's own channel: the event as signed JSON, for any receiver that checks an HMAC (and for tests).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { NotificationChannel } from './channel.ts';

export const GENERIC_EVENT_TYPE = 'task.escalated';

/**
 * `X-Dutyboard-Signature`: HMAC-SHA256, keyed by the secret, over `<X-Dutyboard-Timestamp>.<body>`.
 * The timestamp is signed too, so a receiver that refuses old timestamps refuses replays.
 */
export const signBody = (secret: string, timestamp: string, body: string) =>
  `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;

/** How old a delivery's timestamp may be (either way, for clock skew) when a receiver checks it. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** For receivers (and tests): constant-time check of `X-Dutyboard-Signature`, and of the timestamp's age. */
export function verifySignature(
  secret: string,
  delivery: { timestamp: string | undefined; body: string; signature: string | undefined },
  now = new Date(),
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): boolean {
  const timestamp = delivery.timestamp ?? '';
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(now.getTime() / 1000 - Number(timestamp)) > toleranceSeconds)
    return false;
  const expected = Buffer.from(signBody(secret, timestamp, delivery.body));
  const given = Buffer.from(delivery.signature ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export const genericChannel: NotificationChannel = {
  id: 'generic',
  name: { 'zh-CN': '通用 JSON（HMAC 签名）', en: 'Generic JSON (HMAC-signed)' },
  format(event, target, now) {
    const body = JSON.stringify({ type: GENERIC_EVENT_TYPE, ...event });
    const timestamp = String(Math.floor(now.getTime() / 1000));
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'X-Dutyboard-Event': GENERIC_EVENT_TYPE,
      'X-Dutyboard-Delivery': event.dedupKey,
      'X-Dutyboard-Timestamp': timestamp,
    };
    if (target.secret) headers['X-Dutyboard-Signature'] = signBody(target.secret, timestamp, body);
    return { url: target.url, headers, body };
  },
};
