// Core's own channel: the event as JSON with an HMAC a receiver can check (vectors computed independently
// with Python's hmac), and what core makes of any channel's request and of the answer to it.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { NotificationChannel } from './channel.ts';
import { channelRegistry, refusalOf, requestFor } from './channels.ts';
import { genericChannel, signBody, verifySignature } from './generic-webhook.ts';
import { escalationEvent, type WebhookEvent } from './webhook-event.ts';

const NOW = new Date(1_700_000_000_000);
const buildRequest = (target: { url: string; secret: string | null }, message: WebhookEvent, now: Date) =>
  requestFor(genericChannel, message, { ...target, settings: {} }, now);

const event: WebhookEvent = escalationEvent({
  task: { id: 42, title: '退款单 #1234 未处理', type: 'core.task', status: 'doing', priority: 'high' },
  rule: 'agent/overdue',
  ruleTitle: '逾期未处理',
  cycle: 2,
  ledgerLevel: 0,
  targetRole: 'lead',
  cardUrl: 'https://board.example.cn/tasks/42',
  firedAt: new Date('2025-03-01T06:05:00Z'),
  timeZone: 'Asia/Shanghai',
});
const json = (body: string) => JSON.parse(body) as Record<string, unknown>;

describe('escalationEvent', () => {
  it('keys the event like the ledger (task, rule, cycle, level) and counts levels from 1', () => {
    expect(event).toMatchObject({
      dedupKey: 'escalation:42:agent/overdue:2:0',
      level: 1,
      firedAt: '2025-03-01T06:05:00.000Z',
      task: { id: 42, priority: 'high' },
    });
  });
});

describe('generic JSON', () => {
  it('sends the event with its delivery key, timestamp and an HMAC-SHA256 of the timestamp and the raw body', () => {
    const request = buildRequest({ url: 'https://hooks.example.com/in', secret: 'whsec' }, event, NOW);
    expect(json(request.body)).toEqual({ type: 'task.escalated', ...event });
    expect(request.headers).toMatchObject({
      'Content-Type': 'application/json',
      'X-Dutyboard-Delivery': event.dedupKey,
      'X-Dutyboard-Timestamp': '1700000000',
    });
    const expected = `sha256=${createHmac('sha256', 'whsec').update(`1700000000.${request.body}`).digest('hex')}`;
    expect(request.headers['X-Dutyboard-Signature']).toBe(expected);
    const delivery = {
      timestamp: '1700000000',
      body: request.body,
      signature: request.headers['X-Dutyboard-Signature'],
    };
    expect(verifySignature('whsec', delivery, NOW)).toBe(true);
    expect(verifySignature('other', delivery, NOW)).toBe(false);
    expect(verifySignature('whsec', { ...delivery, body: `${request.body} ` }, NOW)).toBe(false);
  });

  it('signs the timestamp, so a receiver refuses a replay with a new timestamp and an old one by its age', () => {
    const request = buildRequest({ url: 'https://hooks.example.com/in', secret: 'whsec' }, event, NOW);
    const delivery = {
      timestamp: '1700000000',
      body: request.body,
      signature: request.headers['X-Dutyboard-Signature'],
    };
    const later = new Date(NOW.getTime() + 3600_000);
    expect(verifySignature('whsec', { ...delivery, timestamp: String(1700000000 + 3600) }, later)).toBe(false);
    expect(verifySignature('whsec', delivery, later)).toBe(false);
    expect(verifySignature('whsec', delivery, new Date(NOW.getTime() + 299_000))).toBe(true);
    expect(verifySignature('whsec', delivery, new Date(NOW.getTime() + 301_000))).toBe(false);
    expect(verifySignature('whsec', { ...delivery, timestamp: undefined }, NOW)).toBe(false);
  });

  it('matches an independently computed signature, and sends none without a secret', () => {
    // python3: hmac.new(b'whsec', b'1700000000.{"a":1}', hashlib.sha256).hexdigest()
    expect(signBody('whsec', '1700000000', '{"a":1}')).toBe(
      'sha256=8ad37ba156048ae0e0a5533c75cdf26fee88b07f93cb57ee4c80adb053012032',
    );
    const request = buildRequest({ url: 'https://hooks.example.com/in', secret: null }, event, NOW);
    expect(request.headers['X-Dutyboard-Signature']).toBeUndefined();
  });
});

describe('any channel', () => {
  const robot = (format: NotificationChannel['format']): NotificationChannel => ({
    id: 'robots.test',
    name: { 'zh-CN': '测试', en: 'Test' },
    format,
    errorCode: (answer) => answer.errcode,
  });

  it("is core's generic one when no plugin adds any, and each plugin channel by its id", () => {
    expect([...channelRegistry().keys()]).toEqual(['generic']);
    const channel = robot((_, target) => ({ url: target.url, headers: {}, body: '' }));
    expect([...channelRegistry([{}, { channels: [channel] }]).keys()]).toEqual(['generic', 'robots.test']);
  });

  it('may add to the query of the webhook URL, but not send to another origin', () => {
    const target = { url: 'https://robot.example.cn/send?token=t', secret: null, settings: {} };
    const signed = robot((_, t) => ({ url: `${t.url}&sign=x`, headers: {}, body: '' }));
    expect(requestFor(signed, event, target, NOW).url).toBe('https://robot.example.cn/send?token=t&sign=x');
    const elsewhere = robot(() => ({ url: 'http://169.254.169.254/latest', headers: {}, body: '' }));
    expect(() => requestFor(elsewhere, event, target, NOW)).toThrow(
      "channel robots.test sends to another origin than the webhook's URL",
    );
  });

  it("accepts 2xx, except an answer whose error code the channel reads; keeps the status or the code, never the receiver's text", () => {
    const withCode = robot(() => ({ url: '', headers: {}, body: '' }));
    expect(refusalOf(genericChannel, 200, 'ok')).toBeUndefined();
    expect(refusalOf(genericChannel, 204, '')).toBeUndefined();
    expect(refusalOf(genericChannel, 500, 'boom')).toBe('HTTP 500');
    expect(refusalOf(genericChannel, 200, '{"errcode":1}')).toBeUndefined();
    expect(refusalOf(withCode, 302, '')).toBe('HTTP 302');
    expect(refusalOf(withCode, 200, '{"errcode":0,"errmsg":"ok"}')).toBeUndefined();
    expect(refusalOf(withCode, 200, '{"errmsg":"ok"}')).toBeUndefined();
    expect(refusalOf(withCode, 200, '{"errcode":310000,"errmsg":"secret text"}')).toBe(
      'robots.test refused (error code 310000)',
    );
    expect(refusalOf(withCode, 200, '{"errcode":"internal secret"}')).toBe('robots.test refused (error code ?)');
    expect(refusalOf(withCode, 200, 'not json')).toBeUndefined();
  });
});
