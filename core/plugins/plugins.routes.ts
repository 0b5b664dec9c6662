// GET /api/plugins: every configured plugin with whether it loaded, and why not when it did not.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../http/env.ts';
import { requires } from '../http/guard.ts';
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
  return new Hono<AppEnv>().get('/plugins', requires('org.view'), responds({ 200: z.array(pluginStatusSchema) }), (c) => c.json([...statuses], 200));
}
