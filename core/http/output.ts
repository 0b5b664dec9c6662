// Every route declares the JSON it answers with, as a zod schema: the OpenAPI document publishes it,
// and under test every response is checked against it, so the declaration cannot drift from the code.
import type { MiddlewareHandler } from 'hono';
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
      throw new Error(`${c.req.method} ${c.req.path} answered outside its declared schema: ${JSON.stringify(parsed.error.issues.slice(0, 3))}`);
    }
  };
  return Object.assign(middleware, { [OUTPUT]: outputs });
}

export function outputOf(handler: unknown): OutputDeclaration | undefined {
  return typeof handler === 'function' && OUTPUT in handler ? (handler as unknown as { [OUTPUT]: OutputDeclaration })[OUTPUT] : undefined;
}
