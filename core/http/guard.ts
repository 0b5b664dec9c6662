// Every route declares who may call it: anyone, anyone signed in, or holders of a permission.
// The declaration is readable from the route table, so a test can find a route that has none.
import type { MiddlewareHandler } from 'hono';
import type { Actor } from '../auth/actor.ts';
import { AppError } from '../errors.ts';
import type { AppEnv } from './env.ts';

export const PUBLIC = 'public';
export const SIGNED_IN = 'signed-in';
export type Access = typeof PUBLIC | typeof SIGNED_IN | (string & {});

export const ACCESS = Symbol('access');

export type GuardMiddleware = MiddlewareHandler<AppEnv> & { [ACCESS]: Access };

export function requires(access: Access): GuardMiddleware {
  const guard: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (access !== PUBLIC) {
      const actor = c.get('actor');
      if (!actor) throw new AppError('UNAUTHENTICATED', 'Sign in first.');
      if (access !== SIGNED_IN && !actor.permissions.has(access)) {
        throw new AppError('FORBIDDEN', `You need the "${access}" permission for this; none of your roles grants it.`, {
          permission: access,
        });
      }
    }
    await next();
  };
  return Object.assign(guard, { [ACCESS]: access });
}

/** The actor of a route guarded by SIGNED_IN or a permission (the guard has already refused anonymous calls). */
export function actorOf(c: { get(key: 'actor'): Actor | null }): Actor {
  const actor = c.get('actor');
  if (!actor) throw new AppError('UNAUTHENTICATED', 'Sign in first.');
  return actor;
}

export function accessOf(handler: unknown): Access | undefined {
  return typeof handler === 'function' && ACCESS in handler ? (handler as GuardMiddleware)[ACCESS] : undefined;
}
