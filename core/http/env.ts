// What every request handler can read from the context: its request id and request-scoped logger.
import type { RequestIdVariables } from 'hono/request-id';
import type { Logger } from '../logger.ts';

export interface AppEnv {
  Variables: RequestIdVariables & { log: Logger };
}
