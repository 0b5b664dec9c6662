// The channels webhooks may name: core's generic one and the loaded plugins' (`<plugin id>.<name>`), and
// what core makes of a channel's request and of the answer to it.
import type { ChannelRequest, ChannelTarget, NotificationChannel, NotificationMessage } from './channel.ts';
import { genericChannel } from './generic-webhook.ts';

export type ChannelRegistry = ReadonlyMap<string, NotificationChannel>;

/** `plugins`: the loaded ones, each with the channels it declares. */
export function channelRegistry(plugins: readonly { channels?: NotificationChannel[] }[] = []): ChannelRegistry {
  const channels = plugins.flatMap((plugin) => plugin.channels ?? []);
  return new Map([genericChannel, ...channels].map((channel) => [channel.id, channel]));
}

/** A channel's request for one delivery, refused when it would leave the configured origin. */
export function requestFor(
  channel: NotificationChannel,
  message: NotificationMessage,
  target: ChannelTarget,
  now: Date,
): ChannelRequest {
  const request = channel.format(message, target, now);
  if (new URL(request.url).origin !== new URL(target.url).origin)
    throw new Error(`channel ${channel.id} sends to another origin than the webhook's URL`);
  return request;
}

/**
 * Why an answer does not count as delivered, or undefined when it does: the status, or the service's
 * error code — never the receiver's text, which may be anything the server could reach.
 */
export function refusalOf(channel: NotificationChannel, status: number, body: string): string | undefined {
  if (status < 200 || status > 299) return `HTTP ${status}`;
  if (!channel.errorCode) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const code = channel.errorCode(parsed as Record<string, unknown>);
  if (code === undefined || code === 0) return undefined;
  const shown = Number(code);
  return `${channel.id} refused (error code ${Number.isSafeInteger(shown) ? shown : '?'})`;
}
