// The organisation's outgoing webhooks over HTTP: list, add, remove, and the delivery outbox to watch.
import { Hono } from 'hono';
import type { Selectable } from 'kysely';
import { z } from 'zod';
import { rowIdText } from '../input.schemas.ts';
import type { WebhooksTable } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import type { AppEnv } from '../http/env.ts';
import { requires } from '../http/guard.ts';
import { responds } from '../http/output.ts';
import { jsonBody, pathParams, queryParams } from '../http/validate.ts';
import type { ChannelRegistry } from './channels.ts';
import type { WebhookTargets } from './webhook-targets.ts';
import type { WebhooksRepository } from './webhooks.repository.ts';

const PERMISSION = 'roles.edit';
const states = ['pending', 'delivered', 'dead'] as const;
const isoTime = z.string().datetime({ offset: true });

const isHttpUrl = (value: string) => {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
};

const newWebhook = z.object({
  name: z.string().trim().min(1).max(100),
  url: z.string().trim().max(2000).refine(isHttpUrl, 'expected an http:// or https:// URL'),
  /** `generic` or a loaded plugin's `<plugin id>.<name>`; checked against the loaded channels in the handler. */
  channel: z.string().trim().min(1).max(100),
  /** Checked by the channel's own schema. */
  settings: z.record(z.string(), z.unknown()).optional(),
  secret: z.string().min(1).max(500).optional(),
  enabled: z.boolean().default(true),
});

const webhookView = z.object({
  id: z.number().int(),
  name: z.string(),
  url: z.string(),
  channel: z.string(),
  /** False when no loaded plugin provides the channel: its deliveries wait until one does. */
  channelLoaded: z.boolean(),
  settings: z.record(z.string(), z.unknown()),
  hasSecret: z.boolean(),
  enabled: z.boolean(),
  createdAt: isoTime,
});
const deliveryView = z.object({
  id: z.number().int(),
  webhookId: z.number().int(),
  dedupKey: z.string(),
  state: z.enum(states),
  attempts: z.number().int(),
  nextAttemptAt: isoTime,
  lastError: z.string().nullable(),
  createdAt: isoTime,
  deliveredAt: isoTime.nullable(),
  event: z.record(z.string(), z.unknown()),
});
const channelView = z.object({
  id: z.string(),
  name: z.object({ 'zh-CN': z.string(), en: z.string() }),
  hasSettings: z.boolean(),
});
const idParam = z.object({ id: rowIdText });

/** Robot URLs carry their access token (DingTalk `access_token`, WeCom `key`, Feishu's last path segment). */
export function maskUrl(value: string): string {
  const url = new URL(value);
  const hide = (part: string) => (part.length > 8 ? `${part.slice(0, 4)}…` : part);
  url.pathname = url.pathname
    .split('/')
    .map((segment) => (segment.length >= 20 ? hide(segment) : segment))
    .join('/');
  for (const [key, part] of [...url.searchParams]) url.searchParams.set(key, hide(part));
  return url.toString().replaceAll('%E2%80%A6', '…');
}

function toView(row: Selectable<WebhooksTable>, channels: ChannelRegistry) {
  return {
    id: row.id,
    name: row.name,
    url: maskUrl(row.url),
    channel: row.channel,
    channelLoaded: channels.has(row.channel),
    settings: row.settings,
    hasSecret: row.secret !== null,
    enabled: row.enabled,
    createdAt: row.created_at.toISOString(),
  };
}

/** The channel a new webhook names and its settings as the channel's schema parses them; 422 otherwise. */
function checkedChannel(channels: ChannelRegistry, id: string, settings: Record<string, unknown> | undefined) {
  const channel = channels.get(id);
  if (!channel) {
    const loaded = [...channels.keys()];
    const message = `no loaded channel is called "${id}"; the loaded channels are ${loaded.join(', ')}`;
    throw new AppError('UNPROCESSABLE', `The webhook's channel: ${message}.`, {
      issues: [{ path: 'channel', message }],
      channels: loaded,
    });
  }
  if (!channel.settings) {
    if (settings && Object.keys(settings).length) {
      const message = `channel ${id} takes no settings`;
      throw new AppError('UNPROCESSABLE', `The webhook's settings: ${message}.`, {
        issues: [{ path: 'settings', message }],
      });
    }
    return {};
  }
  const parsed = channel.settings.safeParse(settings ?? {});
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({
    path: ['settings', ...issue.path].join('.'),
    message: issue.message,
  }));
  throw new AppError(
    'UNPROCESSABLE',
    `The webhook's settings do not suit channel ${id}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}.`,
    { issues },
  );
}

/**
 * `targets`: where webhooks may point (nowhere local or private unless WEBHOOK_ALLOW_HOSTS names it);
 * `channels`: core's and the loaded plugins' notification channels.
 */
export function webhooksRoutes(webhooks: WebhooksRepository, targets: WebhookTargets, channels: ChannelRegistry) {
  return new Hono<AppEnv>()
    .get('/webhooks', requires(PERMISSION), responds({ 200: z.array(webhookView) }), async (c) => {
      const rows = await webhooks.list();
      return c.json(
        rows.map((row) => toView(row, channels)),
        200,
      );
    })
    .get('/webhooks/channels', requires(PERMISSION), responds({ 200: z.array(channelView) }), (c) =>
      c.json(
        [...channels.values()].map((channel) => ({
          id: channel.id,
          name: channel.name,
          hasSettings: Boolean(channel.settings),
        })),
        200,
      ),
    )
    .post('/webhooks', requires(PERMISSION), responds({ 201: webhookView }), jsonBody(newWebhook), async (c) => {
      const input = c.req.valid('json');
      const settings = checkedChannel(channels, input.channel, input.settings);
      const refused = await targets.refusalOf(input.url);
      if (refused) {
        const message = `may not point to this machine or its private network: ${refused} (WEBHOOK_ALLOW_HOSTS can name a host that should be reachable)`;
        throw new AppError('VALIDATION_FAILED', `The webhook URL ${message}.`, { issues: [{ path: 'url', message }] });
      }
      const row = await webhooks.add({
        name: input.name,
        url: input.url,
        channel: input.channel,
        settings: JSON.stringify(settings),
        secret: input.secret ?? null,
        enabled: input.enabled,
      });
      return c.json(toView(row, channels), 201);
    })
    .delete('/webhooks/:id', requires(PERMISSION), responds({ 204: null }), pathParams(idParam), async (c) => {
      const { id } = c.req.valid('param');
      if (!(await webhooks.remove(id))) throw new AppError('NOT_FOUND', `No webhook ${id}.`);
      return c.body(null, 204);
    })
    .get(
      '/webhooks/outbox',
      requires(PERMISSION),
      responds({ 200: z.array(deliveryView) }),
      queryParams(z.object({ state: z.enum(states).optional() })),
      async (c) => {
        const { state } = c.req.valid('query');
        const rows = await webhooks.outbox(state);
        return c.json(
          rows.map((r) => ({
            id: r.id,
            webhookId: r.webhook_id,
            dedupKey: r.dedup_key,
            state: r.state,
            attempts: r.attempts,
            nextAttemptAt: r.next_attempt_at.toISOString(),
            lastError: r.last_error,
            createdAt: r.created_at.toISOString(),
            deliveredAt: r.delivered_at?.toISOString() ?? null,
            event: { ...r.payload },
          })),
          200,
        );
      },
    );
}
