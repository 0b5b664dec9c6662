// GET /api/plugins: every configured plugin with whether it loaded, and why not when it did not. Anyone
// signed in may ask (the UI shows loaded plugins' slots to everyone); only holders of org.view see why a
// plugin failed, since a load error can name the server's files.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../http/env.ts';
import { actorOf, requires, SIGNED_IN } from '../http/guard.ts';
import { responds } from '../http/output.ts';
import type { PluginStatus } from './loader.ts';

const pluginStatusSchema = z.object({
  id: z.string(),
  entry: z.string(),
  version: z.string().nullable(),
  name: z.object({ 'zh-CN': z.string(), en: z.string() }).nullable(),
  status: z.enum(['loaded', 'failed']),
  error: z.string().optional(),
});

export function pluginsRoutes(statuses: readonly PluginStatus[]) {
  return new Hono<AppEnv>().get(
    '/plugins',
    requires(SIGNED_IN),
    responds({ 200: z.array(pluginStatusSchema) }),
    (c) => {
      const why = actorOf(c).permissions.has('org.view');
      return c.json(
        statuses.map(
          ({ error, ...status }): PluginStatus => (why && error !== undefined ? { ...status, error } : status),
        ),
        200,
      );
    },
  );
}
