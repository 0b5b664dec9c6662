// A notification channel: how core's one notification message becomes the request a service accepts
// (core's signed JSON, a chat group's robot from a plugin). A channel only words the message: core
// sends it, checks the address, retries and keeps the outbox, whatever the channel.
import { z } from 'zod';
import type { WebhookEvent } from './webhook-event.ts';

/** What every channel is given to put in its service's words. */
export type NotificationMessage = WebhookEvent;

/** The webhook a delivery goes to, as configured: `settings` has passed the channel's schema. */
export interface ChannelTarget {
  url: string;
  secret: string | null;
  settings: Record<string, unknown>;
}

/** One HTTP POST. Its URL may add to the target's query (a robot's signature) but stays on its origin. */
export interface ChannelRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface NotificationChannel {
  /** `<plugin id>.<name>`, as a webhook's `channel` names it (core's own is `generic`). */
  id: string;
  name: { 'zh-CN': string; en: string };
  /** The request for one delivery; `now` stamps and signs it. Pure: the same arguments make the same request. */
  format(message: NotificationMessage, target: ChannelTarget, now: Date): ChannelRequest;
  /**
   * For a service that answers HTTP 200 with its verdict in the body: the error code in the parsed answer
   * (undefined or 0 when it accepted). Core records only the code, never the receiver's text.
   */
  errorCode?(answer: Record<string, unknown>): unknown;
  /** What a webhook's `settings` may hold for this channel; a channel without it takes none. */
  settings?: z.ZodType<Record<string, unknown>>;
}

const fn = (value: unknown) => typeof value === 'function';

export const channelSchema = z.strictObject({
  id: z.string(),
  name: z.strictObject({ 'zh-CN': z.string().min(1), en: z.string().min(1) }),
  format: z.custom<NotificationChannel['format']>(fn, 'expected a function'),
  errorCode: z.custom<NonNullable<NotificationChannel['errorCode']>>(fn, 'expected a function').optional(),
  settings: z
    .custom<z.ZodType<Record<string, unknown>>>((value) => value instanceof z.ZodType, 'expected a zod schema')
    .optional(),
});
