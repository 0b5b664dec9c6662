// Every route declares the JSON it answers with, as a zod schema: the OpenAPI document publishes it,
// and under test every response is checked against it, so the declaration cannot drift from the code.
import type { Context, MiddlewareHandler, TypedResponse } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import type { AppEnv } from './env.ts';

export const OUTPUT = Symbol('output');

/** Status → body schema; null for an empty body (204). */
export type OutputDeclaration = Record<number, z.ZodType | null>;

const checkResponses = process.env.VITEST === 'true';

export function responds(outputs: OutputDeclaration): MiddlewareHandler<AppEnv> & { [OUTPUT]: OutputDeclaration } {
  const middleware: MiddlewareHandler<AppEnv> = async (c, next) => {
    await next();
    const schema = outputs[c.res.status];
    if (!checkResponses || !schema) return;
    const parsed = schema.safeParse(await c.res.clone().json());
    if (!parsed.success) {
      throw new Error(
        `${c.req.method} ${c.req.path} answered outside its declared schema: ${JSON.stringify(parsed.error.issues.slice(0, 3))}`,
      );
    }
  };
  return Object.assign(middleware, { [OUTPUT]: outputs });
}

export function outputOf(handler: unknown): OutputDeclaration | undefined {
  return typeof handler === 'function' && OUTPUT in handler
    ? (handler as unknown as { [OUTPUT]: OutputDeclaration })[OUTPUT]
    : undefined;
}

/**
 * Answers with JSON text made elsewhere (by the database), typed as `T` for the UI's client. Like every
 * answer, `responds` checks it against the route's declared schema under test.
 */
export function jsonText<T, Status extends ContentfulStatusCode>(c: Context<AppEnv>, text: string, status: Status) {
  return c.body(text, status, { 'Content-Type': 'application/json' }) as unknown as TypedResponse<T, Status, 'json'>;
}
