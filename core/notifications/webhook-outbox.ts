// The webhook outbox: deliveries queued inside the transaction that caused them, and the dispatcher
// that sends them with a time-out, retries with exponential backoff, and a dead-letter state.
import type { Kysely, Transaction } from 'kysely';
import type { Db } from '../db/create-db.ts';
import type { Database } from '../db/schema.ts';
import type { Logger } from '../logger.ts';
import { channelRegistry, refusalOf, requestFor, type ChannelRegistry } from './channels.ts';
import type { WebhookEvent } from './webhook-event.ts';
import { sendWebhook } from './webhook-send.ts';
import { createWebhookTargets, ForbiddenTarget, type WebhookTargets } from './webhook-targets.ts';

type Executor = Kysely<Database> | Transaction<Database>;

export const MAX_RETRY_DELAY_MS = 3_600_000;

export const enabledWebhooks = (tx: Executor) =>
  tx.selectFrom('webhooks').select(['id', 'enabled']).where('enabled', '=', true).execute();

/**
 * Queues the event once per enabled webhook. A key already queued for a webhook stays as it is, so a
 * retried transaction or a second process seeing the same firing adds nothing. Returns the rows added.
 */
export async function enqueue(
  tx: Executor,
  webhooks: readonly { id: number; enabled: boolean }[],
  event: WebhookEvent,
): Promise<number> {
  const rows = webhooks
    .filter((w) => w.enabled)
    .map((w) => ({ webhook_id: w.id, dedup_key: event.dedupKey, payload: JSON.stringify(event) }));
  if (!rows.length) return 0;
  const added = await tx
    .insertInto('webhook_outbox')
    .values(rows)
    .onConflict((oc) => oc.columns(['webhook_id', 'dedup_key']).doNothing())
    .returning('id')
    .execute();
  return added.length;
}

/** enqueue() to every enabled webhook, read in the caller's transaction. */
export const enqueueForEnabled = async (tx: Executor, event: WebhookEvent) =>
  enqueue(tx, await enabledWebhooks(tx), event);

/** Wait after the n-th failed attempt (n ≥ 1): base, 2·base, 4·base, … capped at an hour. */
export const retryDelay = (attempts: number, baseDelayMs: number) =>
  Math.min(baseDelayMs * 2 ** (attempts - 1), MAX_RETRY_DELAY_MS);

export interface DispatcherOptions {
  db: Db;
  log: Logger;
  now?: () => Date;
  /** Where deliveries may go (WEBHOOK_ALLOW_HOSTS); by default nowhere local or private. */
  targets?: WebhookTargets;
  /** The channels webhooks may name (core's and the loaded plugins'); by default core's generic one only. */
  channels?: ChannelRegistry;
  maxAttempts?: number;
  baseDelayMs?: number;
  timeoutMs?: number;
  batchSize?: number;
  /** How long a claimed row stays invisible to other runs while it is being sent. */
  leaseMs?: number;
}

interface Claimed {
  id: number;
  webhook_id: number;
  dedup_key: string;
  payload: WebhookEvent;
  attempts: number;
  url: string;
  channel: string;
  settings: Record<string, unknown>;
  secret: string | null;
}

export interface RunResult {
  delivered: number;
  retrying: number;
  dead: number;
}

export function createWebhookDispatcher(options: DispatcherOptions) {
  const { db, log } = options;
  const targets = options.targets ?? createWebhookTargets();
  const channels = options.channels ?? channelRegistry();
  const maxAttempts = options.maxAttempts ?? 8;
  const baseDelayMs = options.baseDelayMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? 5000;
  const batchSize = options.batchSize ?? 25;
  const leaseMs = options.leaseMs ?? Math.max(60_000, timeoutMs * 4);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;

  /**
   * Takes due rows and pushes their next attempt past a lease, in one short transaction, so nothing is
   * held open while we wait on receivers. SKIP LOCKED lets two processes claim disjoint rows; a process
   * that dies mid-send gives its rows back when the lease ends (receivers drop the repeat by key).
   */
  async function claim(now: Date): Promise<Claimed[]> {
    return db.kysely.transaction().execute(async (tx) => {
      const due = tx
        .selectFrom('webhook_outbox')
        .select('id')
        .where('state', '=', 'pending')
        .where('next_attempt_at', '<=', now)
        // A webhook whose channel's plugin is not loaded keeps its deliveries until the plugin is back.
        .where('webhook_id', 'in', (eb) =>
          eb
            .selectFrom('webhooks')
            .select('id')
            .where('enabled', '=', true)
            .where('channel', 'in', [...channels.keys()]),
        )
        .orderBy('next_attempt_at')
        .limit(batchSize)
        .forUpdate()
        .skipLocked();
      const ids = (await due.execute()).map((row) => row.id);
      if (!ids.length) return [];
      await tx
        .updateTable('webhook_outbox')
        .set({ next_attempt_at: new Date(now.getTime() + leaseMs) })
        .where('id', 'in', ids)
        .execute();
      return tx
        .selectFrom('webhook_outbox')
        .innerJoin('webhooks', 'webhooks.id', 'webhook_outbox.webhook_id')
        .select([
          'webhook_outbox.id',
          'webhook_outbox.webhook_id',
          'webhook_outbox.dedup_key',
          'webhook_outbox.payload',
          'webhook_outbox.attempts',
          'webhooks.url',
          'webhooks.channel',
          'webhooks.settings',
          'webhooks.secret',
        ])
        .where('webhook_outbox.id', 'in', ids)
        .execute();
    });
  }

  /** Undefined when delivered; otherwise why not, without the URL (robot URLs carry their access token). */
  async function attempt(row: Claimed, now: Date): Promise<string | undefined> {
    try {
      const channel = channels.get(row.channel)!;
      const target = { url: row.url, secret: row.secret, settings: row.settings };
      const request = requestFor(channel, row.payload, target, now);
      // Redirects are not followed: a signed delivery goes to the configured address or nowhere.
      const response = await sendWebhook(request, { targets, timeoutMs, readBody: Boolean(channel.errorCode) });
      return refusalOf(channel, response.status, response.body);
    } catch (error) {
      return describeFailure(error).replaceAll(row.url, '<webhook url>');
    }
  }

  async function settle(row: Claimed, failure: string | undefined, now: Date): Promise<keyof RunResult> {
    const attempts = row.attempts + 1;
    const mine = db.kysely.updateTable('webhook_outbox').where('id', '=', row.id).where('state', '=', 'pending');
    if (failure === undefined) {
      await mine.set({ state: 'delivered', attempts, delivered_at: now }).execute();
      return 'delivered';
    }
    const dead = attempts >= maxAttempts;
    const next = dead ? now : new Date(now.getTime() + retryDelay(attempts, baseDelayMs));
    await mine
      .set({ state: dead ? 'dead' : 'pending', attempts, last_error: failure, next_attempt_at: next })
      .execute();
    const context = { webhookId: row.webhook_id, outboxId: row.id, dedupKey: row.dedup_key, attempts, error: failure };
    if (dead) log.warn(context, 'webhook delivery gave up; left in the dead-letter state');
    else log.debug({ ...context, retryAt: next.toISOString() }, 'webhook delivery failed; will retry');
    return dead ? 'dead' : 'retrying';
  }

  /** Sends every row due at `now` (batch after batch) and records each outcome. */
  async function runOnce(now = options.now?.() ?? new Date()): Promise<RunResult> {
    const result: RunResult = { delivered: 0, retrying: 0, dead: 0 };
    for (;;) {
      const rows = await claim(now);
      const outcomes = await Promise.all(rows.map(async (row) => settle(row, await attempt(row, now), now)));
      for (const outcome of outcomes) result[outcome] += 1;
      if (rows.length < batchSize) return result;
    }
  }

  /** Says which enabled webhooks name a channel no loaded plugin provides: their deliveries wait. */
  async function reportUnavailable(): Promise<{ id: number; channel: string }[]> {
    const stranded = await db.kysely
      .selectFrom('webhooks')
      .select(['id', 'channel'])
      .where('enabled', '=', true)
      .where('channel', 'not in', [...channels.keys()])
      .orderBy('id')
      .execute();
    for (const { id, channel } of stranded)
      log.warn(
        { webhookId: id, channel },
        `webhook ${id} names channel "${channel}", which no loaded plugin provides; its deliveries wait until one does`,
      );
    return stranded;
  }

  return {
    runOnce,
    reportUnavailable,
    start(everyMs = 5000): void {
      if (timer) return;
      reportUnavailable().catch((error: unknown) => log.warn({ err: error }, 'could not check the webhook channels'));
      timer = setInterval(() => {
        // A slow receiver can make a run outlast the interval; the next tick then simply passes.
        if (running) return;
        running = runOnce()
          .catch((error: unknown) => log.warn({ err: error }, 'webhook dispatch failed'))
          .finally(() => (running = undefined));
      }, everyMs);
      timer.unref();
    },
    async stop(): Promise<void> {
      clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}

function describeFailure(error: unknown): string {
  if (error instanceof ForbiddenTarget) return `refused: ${error.message}`;
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  return code && !error.message.startsWith(code) ? `${code}: ${error.message}` : error.message;
}

export type WebhookDispatcher = ReturnType<typeof createWebhookDispatcher>;
