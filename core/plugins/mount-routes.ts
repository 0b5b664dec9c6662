// Mounts every loaded plugin's routes at /api/plugins/<id> in core's own route table, with core's guard,
// validators and declared answers: the permission matrix and the OpenAPI document see them like any other.
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import type { Kysely } from 'kysely';
import type { Access } from '../auth/access.ts';
import { clientErrorFromDatabase } from '../db/database-errors.ts';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import type { AppEnv } from '../http/env.ts';
import { actorOf, requires } from '../http/guard.ts';
import { responds } from '../http/output.ts';
import { jsonBody, pathParams, queryParams } from '../http/validate.ts';
import type { TaskService } from '../tasks/task.service.ts';
import type { ParsedPlugin } from './contract.ts';
import { ownTables } from './own-tables.ts';
import { pluginCards } from './plugin-cards.ts';
import type { PluginRoute } from './plugin-routes.ts';

export interface PluginRouteDeps {
  tasks: TaskService;
  access: Access;
  db: Kysely<Database>;
}

type Target = 'param' | 'query' | 'json';
const validated = (c: Context<AppEnv>, target: Target): unknown =>
  (c.req as unknown as { valid(target: Target): unknown }).valid(target);

function handler(pluginId: string, route: PluginRoute, deps: PluginRouteDeps): MiddlewareHandler<AppEnv> {
  const tables = ownTables(deps.db, pluginId);
  return async (c) => {
    const actor = actorOf(c);
    try {
      const output = await route.handle({
        params: route.params ? validated(c, 'param') : {},
        query: route.query ? validated(c, 'query') : {},
        body: route.body ? validated(c, 'json') : undefined,
        actor: { id: actor.id, email: actor.email, displayName: actor.displayName },
        cards: pluginCards(deps.tasks, deps.access, actor),
        tables,
      });
      return c.json(output as object, route.status ?? 200);
    } catch (error) {
      if (error instanceof AppError || clientErrorFromDatabase(error)) throw error;
      c.get('log').error(
        { plugin: pluginId, err: error, route: `${route.method} ${route.path}` },
        'plugin route failed',
      );
      throw new AppError('INTERNAL', `Plugin "${pluginId}" failed on this request (request ${c.get('requestId')}).`, {
        plugin: pluginId,
      });
    }
  };
}

/** The routes of every plugin, to mount at /api/plugins. */
export function pluginRoutes(plugins: readonly ParsedPlugin[], deps: PluginRouteDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  for (const plugin of plugins) {
    for (const route of plugin.routes ?? []) {
      const inputs = [
        ...(route.params ? [pathParams(route.params)] : []),
        ...(route.query ? [queryParams(route.query)] : []),
        ...(route.body ? [jsonBody(route.body)] : []),
      ];
      const path = `/${plugin.id}${route.path === '/' ? '' : route.path}`;
      app.on(
        route.method,
        path,
        requires(route.permission),
        responds({ [route.status ?? 200]: route.output }),
        ...inputs,
        handler(plugin.id, route, deps),
      );
    }
  }
  return app;
}
