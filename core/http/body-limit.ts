// Refuses request bodies over a size. A body announced with Content-Length is judged by that header
// alone (Node's HTTP parser holds the body to it): hono's bodyLimit touches `request.body` first, which
// makes @hono/node-server build a full web Request and stream on every request (measured: ~0.4 ms of
// CPU per card move). Chunked bodies, whose size is unknown up front, go through hono's bodyLimit.
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../errors.ts';
import type { AppEnv } from './env.ts';

export function limitBody(maxBytes: number): MiddlewareHandler<AppEnv> {
  const tooLarge = () => new AppError('PAYLOAD_TOO_LARGE', `Request bodies are limited to ${maxBytes / 1024} KiB.`);
  const streamed = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw tooLarge();
    },
  });
  return async (c, next) => {
    const length = c.req.header('Content-Length');
    if (length !== undefined && c.req.header('Transfer-Encoding') === undefined) {
      if (Number(length) > maxBytes) throw tooLarge();
      return next();
    }
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    return streamed(c, next);
  };
}
