// The escalation ledger and each person's inbox over HTTP.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../http/env.ts';
import { actorOf, requires, SIGNED_IN } from '../http/guard.ts';
import { responds } from '../http/output.ts';
import { queryParams, pathParams } from '../http/validate.ts';
import type { EscalationRepository } from './escalation.repository.ts';

const firing = z.object({
  id: z.number().int(), taskId: z.number().int(), rule: z.string(), cycle: z.number().int(), level: z.number().int(),
  targetRole: z.string().nullable(), skippedRoles: z.array(z.string()), actions: z.array(z.string()), firedAt: z.string(),
});
const notification = z.object({ id: z.number().int(), taskId: z.number().int().nullable(), kind: z.string(), title: z.string(), createdAt: z.string(), read: z.boolean() });
const ledgerQuery = z.object({ task: z.coerce.number().int().positive().optional(), rule: z.string().optional(), role: z.string().optional() });

export function escalationsRoutes(escalations: EscalationRepository) {
  return new Hono<AppEnv>()
    .get('/escalations', requires('escalations.view'), responds({ 200: z.array(firing) }), queryParams(ledgerQuery), async (c) => {
      const { task, rule, role } = c.req.valid('query');
      const rows = await escalations.ledger({ ...(task ? { taskId: task } : {}), ...(rule ? { rule } : {}), ...(role ? { role } : {}) });
      return c.json(
        rows.map((r) => ({ id: r.id, taskId: r.task_id, rule: r.rule, cycle: r.cycle, level: r.level, targetRole: r.target_role, skippedRoles: r.skipped_roles, actions: r.actions, firedAt: r.fired_at.toISOString() })),
        200,
      );
    })
    .get('/notifications', requires(SIGNED_IN), responds({ 200: z.object({ unread: z.number().int(), items: z.array(notification) }) }), async (c) => {
      const actor = actorOf(c);
      const rows = await escalations.inbox(actor.id);
      return c.json(
        { unread: await escalations.unread(actor.id), items: rows.map((r) => ({ id: r.id, taskId: r.task_id, kind: r.kind, title: r.title, createdAt: r.created_at.toISOString(), read: r.read_at !== null })) },
        200,
      );
    })
    .post('/notifications/:id/read', requires(SIGNED_IN), responds({ 204: null }), pathParams(z.object({ id: z.coerce.number().int().positive() })), async (c) => {
      await escalations.markRead(actorOf(c).id, c.req.valid('param').id);
      return c.body(null, 204);
    });
}
