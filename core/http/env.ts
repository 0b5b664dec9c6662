// What every request handler can read from the context: request id, request-scoped logger, the actor.
import type { RequestIdVariables } from 'hono/request-id';
import type { Actor } from '../auth/actor.ts';
import type { Logger } from '../logger.ts';

export interface AppEnv {
  Variables: RequestIdVariables & {
    log: Logger;
    /** The signed-in person, or null for an anonymous request. */
    actor: Actor | null;
    /** The session token the request came with (for sign-out). */
    sessionToken: string | null;
    /** When that session ends as the server last renewed it (the cookie is written again to match). */
    sessionExpiresAt: Date | null;
  };
}
