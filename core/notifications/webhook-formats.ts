// The requests an escalation event becomes for each webhook format (generic signed JSON, DingTalk,
// WeCom and Feishu group robots), and how each kind of receiver says it accepted one. No I/O here.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Priority, WebhookFormat } from '../db/schema.ts';

/** One escalation level firing, as it is queued and sent. */
export interface WebhookEvent {
  /** Same firing, same key, on every attempt and every process: receivers drop repeats by it. */
  dedupKey: string;
  /** `<role>/<escalation id>`, as in the ledger. */
  rule: string;
  ruleTitle: string;
  /** 1 for the first level (the ledger counts from 0). */
  level: number;
  targetRole: string | null;
  task: { id: number; title: string; type: string; status: string; priority: Priority };
  cardUrl: string;
  /** ISO 8601. */
  firedAt: string;
  /** The organisation's time zone, for the time shown in robot messages (UTC when absent). */
  timeZone?: string;
}

export interface WebhookTarget {
  url: string;
  format: WebhookFormat;
  secret: string | null;
}

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** The event of one ledger firing; the key mirrors the ledger's unique key (task, rule, cycle, level). */
export function escalationEvent(input: {
  task: WebhookEvent['task'];
  rule: string;
  ruleTitle: string;
  cycle: number;
  ledgerLevel: number;
  targetRole: string | null;
  cardUrl: string;
  firedAt: Date;
  timeZone?: string;
}): WebhookEvent {
  return {
    dedupKey: `escalation:${input.task.id}:${input.rule}:${input.cycle}:${input.ledgerLevel}`,
    rule: input.rule,
    ruleTitle: input.ruleTitle,
    level: input.ledgerLevel + 1,
    targetRole: input.targetRole,
    task: {
      id: input.task.id,
      title: input.task.title,
      type: input.task.type,
      status: input.task.status,
      priority: input.task.priority,
    },
    cardUrl: input.cardUrl,
    firedAt: input.firedAt.toISOString(),
    ...(input.timeZone ? { timeZone: input.timeZone } : {}),
  };
}

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

/** DingTalk: HMAC keyed by the secret over `timestamp\nsecret`, timestamp in milliseconds. */
export const dingtalkSign = (secret: string, timestampMs: number) =>
  createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');

/** Feishu: HMAC keyed by `timestamp\nsecret` over nothing, timestamp in seconds. */
export const feishuSign = (secret: string, timestampSec: number) =>
  createHmac('sha256', `${timestampSec}\n${secret}`).update('').digest('base64');

const PRIORITY_ZH: Record<Priority, string> = { low: '低', normal: '普通', high: '高', urgent: '紧急' };

/** A card title must not break the robot's markdown: `]` would end the link text, `<` opens WeCom tags. */
function plain(text: string, max = 200): string {
  const flat = text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[[\]<>*`#]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

const linkTarget = (url: string) => url.replace(/[()\s]/g, encodeURIComponent);

function shownTime(event: WebhookEvent): string {
  const timeZone = event.timeZone ?? 'UTC';
  // sv-SE formats as `2025-03-01 14:05`, unambiguous for Chinese readers as well.
  const time = new Intl.DateTimeFormat('sv-SE', { timeZone, dateStyle: 'short', timeStyle: 'short' }).format(
    new Date(event.firedAt),
  );
  return `${time}（${timeZone}）`;
}

function summary(event: WebhookEvent) {
  const title = `升级提醒：${plain(event.ruleTitle, 60)}`;
  const level = `第 ${event.level} 级，升级给 ${event.targetRole ? plain(event.targetRole, 60) : '（无人可接）'}`;
  const lines = [
    `卡片：[${plain(event.task.title)}](${linkTarget(event.cardUrl)})（#${event.task.id}）`,
    `级别：${level}`,
    `状态：${plain(event.task.status, 60)}　优先级：${PRIORITY_ZH[event.task.priority]}`,
    `时间：${shownTime(event)}`,
  ];
  return { title, level, lines };
}

function generic(target: WebhookTarget, event: WebhookEvent, now: Date): WebhookRequest {
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
}

function dingtalk(target: WebhookTarget, event: WebhookEvent, now: Date): WebhookRequest {
  const { title, lines } = summary(event);
  const url = new URL(target.url);
  if (target.secret) {
    // URLSearchParams form-encodes (`+` → %2B, `/` → %2F, `=` → %3D), as DingTalk's urlEncode step asks.
    url.searchParams.set('timestamp', String(now.getTime()));
    url.searchParams.set('sign', dingtalkSign(target.secret, now.getTime()));
  }
  // DingTalk's markdown needs a blank line to start a new line.
  const text = [`### ${title}`, ...lines.map((line) => `- ${line}`), `[打开卡片](${linkTarget(event.cardUrl)})`].join(
    '\n\n',
  );
  return {
    url: url.toString(),
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ msgtype: 'markdown', markdown: { title, text } }),
  };
}

function wecom(target: WebhookTarget, event: WebhookEvent): WebhookRequest {
  const { title, lines } = summary(event);
  const highlighted = lines.map((line, i) =>
    i === 1 ? line.replace(/^级别：(.*)$/, '级别：<font color="warning">$1</font>') : line,
  );
  const content = [
    `### ${title}`,
    ...highlighted.map((line) => `> ${line}`),
    `[打开卡片](${linkTarget(event.cardUrl)})`,
  ].join('\n');
  return {
    url: target.url,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ msgtype: 'markdown', markdown: { content } }),
  };
}

function feishu(target: WebhookTarget, event: WebhookEvent, now: Date): WebhookRequest {
  const { title, lines } = summary(event);
  const timestamp = Math.floor(now.getTime() / 1000);
  const card = {
    config: { wide_screen_mode: true },
    header: { title: { tag: 'plain_text', content: title }, template: event.level > 1 ? 'red' : 'orange' },
    elements: [
      { tag: 'markdown', content: lines.join('\n') },
      {
        tag: 'action',
        actions: [
          { tag: 'button', text: { tag: 'plain_text', content: '打开卡片' }, type: 'primary', url: event.cardUrl },
        ],
      },
    ],
  };
  const signed = target.secret ? { timestamp: String(timestamp), sign: feishuSign(target.secret, timestamp) } : {};
  return {
    url: target.url,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ ...signed, msg_type: 'interactive', card }),
  };
}

/** The HTTP request for one delivery; `now` stamps and signs it (robots refuse timestamps an hour off). */
export function buildRequest(target: WebhookTarget, event: WebhookEvent, now: Date): WebhookRequest {
  switch (target.format) {
    case 'generic':
      return generic(target, event, now);
    case 'dingtalk':
      return dingtalk(target, event, now);
    case 'wecom':
      return wecom(target, event);
    case 'feishu':
      return feishu(target, event, now);
  }
}

/** Whether the verdict is in the body: the robots answer HTTP 200 with an error code in it. */
export const verdictInBody = (format: WebhookFormat) => format !== 'generic';

/**
 * Why a response does not count as delivered, or undefined when it does: the status, or a robot's
 * error code — never the receiver's text, which may be anything the server could reach.
 */
export function refusalOf(format: WebhookFormat, status: number, body: string): string | undefined {
  if (status < 200 || status > 299) return `HTTP ${status}`;
  if (!verdictInBody(format)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const answer = parsed as Record<string, unknown>;
  const code = answer.errcode ?? answer.code ?? answer.StatusCode;
  if (code === undefined || code === 0) return undefined;
  const shown = Number(code);
  return `${format} refused (error code ${Number.isSafeInteger(shown) ? shown : '?'})`;
}

/** The shape of its jsonb column(s), for core/db/schema.ts. */
declare module '../db/schema.ts' {
  interface JsonShapes {
    webhookEvent: WebhookEvent;
  }
}
