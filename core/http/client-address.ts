// The address a request came from: the peer of the socket, or — only when TRUST_PROXY says how many
// proxies of ours stand in front — the address the outermost of them recorded in X-Forwarded-For.
// Without that setting the header is ignored: anyone can send it, and the sign-in limits key on it.
import { isIP } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import type { AppEnv } from './env.ts';

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) counts as `10.0.0.1`. */
function normalise(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address.toLowerCase();
}

/**
 * Each trusted proxy appends the address it was reached from, so the client is `trustedHops` entries
 * from the right of `X-Forwarded-For, socket peer`; entries further left were written by the client.
 */
export function addressFrom(peer: string | undefined, forwardedFor: string | undefined, trustedHops: number): string {
  const chain = [
    ...(trustedHops > 0 && forwardedFor
      ? forwardedFor
          .split(',')
          .map((entry) => entry.trim())
          .filter(Boolean)
      : []),
    peer ?? 'unknown',
  ];
  const chosen = chain[Math.max(0, chain.length - 1 - trustedHops)]!;
  return isIP(chosen) ? normalise(chosen) : chosen.slice(0, 64);
}

function peerOf(c: Context<AppEnv>): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined; // not served by a Node socket (in-process requests)
  }
}

export const clientAddress = (c: Context<AppEnv>, trustedHops: number): string =>
  addressFrom(peerOf(c), c.req.header('X-Forwarded-For'), trustedHops);
