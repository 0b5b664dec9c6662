// Turns anything thrown in a request into the one JSON error shape, without leaking internals.
import type { ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { clientErrorFromDatabase } from '../db/database-errors.ts';
import { AppError, ERROR_CODES, type ErrorCode } from '../errors.ts';
import type { AppEnv } from './env.ts';

function codeForStatus(status: number): ErrorCode {
  const match = (Object.entries(ERROR_CODES) as [ErrorCode, number][]).find(([, s]) => s === status);
  return match?.[0] ?? (status >= 500 ? 'INTERNAL' : 'BAD_REQUEST');
}

/** Hono's own exceptions (malformed JSON from its validator, body limit, ...) mapped to catalogue codes. */
function fromHttpException(error: HTTPException): AppError {
  if (error.status === 400 && /json/i.test(error.message))
    return new AppError('INVALID_JSON', 'The request body is not valid JSON.');
  return new AppError(codeForStatus(error.status), error.message || 'Request refused.');
}

export const onError: ErrorHandler<AppEnv> = (error, c) => {
  const appError =
    error instanceof AppError ? error : error instanceof HTTPException ? fromHttpException(error) : undefined;
  if (appError) {
    const details = appError.details as
      | { retryAfterSeconds?: unknown; rule?: unknown; ruleError?: unknown }
      | undefined;
    if (appError.code === 'RATE_LIMITED' && typeof details?.retryAfterSeconds === 'number')
      c.header('Retry-After', String(details.retryAfterSeconds));
    // A broken roles-file rule refused the request: the people who can fix it read the log.
    if (details?.ruleError !== undefined)
      c.get('log').warn(
        { rule: details.rule, ruleError: details.ruleError, code: appError.code },
        'a rule failed to evaluate',
      );
    return c.json(appError.toBody(), appError.status);
  }
  const refused = clientErrorFromDatabase(error);
  if (refused) {
    // Input validation should have caught it first: worth a warning, not an outage.
    c.get('log').warn({ err: error, code: refused.code }, 'database refused the request input');
    return c.json(refused.toBody(), refused.status);
  }
  c.get('log').error({ err: error }, 'unhandled error');
  const internal = new AppError('INTERNAL', `Something went wrong on our side (request ${c.get('requestId')}).`);
  return c.json(internal.toBody(), internal.status);
};

export const notFound: NotFoundHandler<AppEnv> = (c) => {
  const error = new AppError('NOT_FOUND', `No route for ${c.req.method} ${c.req.path}.`);
  return c.json(error.toBody(), error.status);
};
