// Sends one webhook request over node:http(s), only to an address the targets allow: the name is
// resolved by the targets' own lookup, and the request is written only once the socket is connected
// and its peer checked. One connection per request (no pool: a pooled socket would skip the check).
import http from 'node:http';
import https from 'node:https';
import type { ChannelRequest } from './channel.ts';
import { ForbiddenTarget, type WebhookTargets } from './webhook-targets.ts';

/** Robots answer a small JSON object; anything longer is not read. */
const MAX_BODY_BYTES = 64 * 1024;

export interface WebhookResponse {
  status: number;
  /** Read only when asked for (robots put their verdict in it); never stored. */
  body: string;
}

class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

export function sendWebhook(
  request: ChannelRequest,
  options: { targets: WebhookTargets; timeoutMs: number; readBody: boolean },
): Promise<WebhookResponse> {
  const url = new URL(request.url);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const outgoing = client.request(url, {
      method: 'POST',
      headers: { ...request.headers, 'Content-Length': String(Buffer.byteLength(request.body)) },
      agent: false,
      lookup: options.targets.lookup,
    });
    const timer = setTimeout(
      () => outgoing.destroy(new TimeoutError(`timed out after ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    outgoing.once('error', fail);
    outgoing.once('socket', (socket) => {
      const send = () => {
        const refused = options.targets.refusalOfConnected(url, socket.remoteAddress ?? '');
        if (refused) outgoing.destroy(new ForbiddenTarget(refused));
        else outgoing.end(request.body);
      };
      if (socket.connecting) socket.once('connect', send);
      else send();
    });
    outgoing.once('response', (response) => {
      const status = response.statusCode ?? 0;
      if (!options.readBody) {
        response.resume();
        clearTimeout(timer);
        return resolve({ status, body: '' });
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      });
      response.once('end', () => {
        clearTimeout(timer);
        resolve({ status, body: Buffer.concat(chunks).toString('utf8') });
      });
      response.once('error', fail);
    });
  });
}
