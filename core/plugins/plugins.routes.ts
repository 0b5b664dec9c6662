// GET /api/plugins: every configured plugin with whether it loaded, and why not when it did not. Anyone
// signed in may ask (the UI shows loaded plugins' slots to everyone); only holders of org.view see why a
// plugin failed, since a load error can name the server's files. Each loaded plugin lists its default
// escalations as the active organisation has them: active, or not and why (switched off, or inactive for a
// role or policy the organisation lacks — docs/writing-a-plugin.md).
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../http/env.ts';
import { actorOf, requires, SIGNED_IN } from '../http/guard.ts';
import { responds } from '../http/output.ts';
import type { DefaultEscalationState } from '../org/escalation-rules.ts';
import type { PluginStatus } from './loader.ts';

const defaultEscalationSchema = z.object({
  id: z.string(),
  title: z.string().nullable(),
  active: z.boolean(),
  switchedOff: z.boolean(),
  missing: z.array(z.object({ kind: z.enum(['role', 'policy']), id: z.string() })),
  reason: z.string().optional(),
});

const pluginStatusSchema = z.object({
  id: z.string(),
  entry: z.string(),
  version: z.string().nullable(),
  name: z.object({ 'zh-CN': z.string(), en: z.string() }).nullable(),
  status: z.enum(['loaded', 'failed']),
  error: z.string().optional(),
  /** A loaded plugin's default escalations in the active organisation (none before one is active). */
  escalations: z.array(defaultEscalationSchema),
});

/** The active organisation's view of the plugins' default escalations (none when no version is active). */
export type DefaultEscalations = () => Promise<readonly DefaultEscalationState[]>;

export function pluginsRoutes(statuses: readonly PluginStatus[], defaultEscalations: DefaultEscalations) {
  return new Hono<AppEnv>().get(
    '/plugins',
    requires(SIGNED_IN),
    responds({ 200: z.array(pluginStatusSchema) }),
    async (c) => {
      const why = actorOf(c).permissions.has('org.view');
      const defaults = await defaultEscalations();
      return c.json(
        statuses.map(({ error, ...status }) => ({
          ...status,
          ...(why && error !== undefined ? { error } : {}),
          escalations: defaults
            .filter((escalation) => escalation.plugin === status.id)
            .map(({ plugin: _, ...escalation }) => escalation),
        })),
        200,
      );
    },
  );
}
