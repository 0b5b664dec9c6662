// Gives each request an id (or keeps a sane incoming X-Request-Id), a child logger, and an access log line.
import type { MiddlewareHandler } from 'hono';
import { requestId } from 'hono/request-id';
import type { Logger } from '../logger.ts';
import type { AppEnv } from './env.ts';

export function requestContext(log: Logger): MiddlewareHandler<AppEnv>[] {
  const assignId = requestId({ headerName: 'X-Request-Id', limitLength: 64 });
  const logRequest: MiddlewareHandler<AppEnv> = async (c, next) => {
    const started = performance.now();
    const reqLog = log.child({ reqId: c.get('requestId') });
    c.set('log', reqLog);
    await next();
    reqLog.info(
      { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) },
      'request',
    );
  };
  return [assignId, logRequest];
}
