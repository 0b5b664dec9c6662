// The escalation ledger and each person's inbox over HTTP.
import { Hono } from 'hono';
import { z } from 'zod';
import { rowIdText } from '../input.schemas.ts';
import type { AppEnv } from '../http/env.ts';
import { actorOf, requires, SIGNED_IN } from '../http/guard.ts';
import { responds } from '../http/output.ts';
import { AppError } from '../errors.ts';
import { jsonBody, pathParams, queryParams } from '../http/validate.ts';
import { pageQuery } from '../http/page.ts';
import type { OrgService } from '../org/org.service.ts';
import type { DryRun } from './dry-run.ts';
import type { EscalationRepository } from './escalation.repository.ts';

const firing = z.object({
  id: z.number().int(),
  taskId: z.number().int(),
  rule: z.string(),
  cycle: z.number().int(),
  level: z.number().int(),
  targetRole: z.string().nullable(),
  skippedRoles: z.array(z.string()),
  actions: z.array(z.string()),
  firedAt: z.string(),
});
const notification = z.object({
  id: z.number().int(),
  taskId: z.number().int().nullable(),
  kind: z.string(),
  title: z.string(),
  createdAt: z.string(),
  read: z.boolean(),
});
const ledgerQuery = z.object({ task: rowIdText.optional(), rule: z.string().optional(), role: z.string().optional() });

const run = z.object({
  id: z.number().int(),
  taskId: z.number().int(),
  rule: z.string(),
  outcome: z.string(),
  level: z.number().int().nullable(),
  inputs: z.record(z.string(), z.unknown()),
  reason: z.string(),
  at: z.string(),
});
const dryRunRow = z.object({
  taskId: z.number().int(),
  title: z.string(),
  when: z.boolean(),
  stop: z.boolean(),
  firesNow: z.boolean(),
  falseParts: z.array(z.string()),
});

export function escalationsRoutes(
  escalations: EscalationRepository,
  deps: { dryRun: DryRun; org: OrgService; now?: () => Date },
) {
  return new Hono<AppEnv>()
    .get(
      '/escalations/runs',
      requires('escalations.view'),
      responds({ 200: z.array(run) }),
      queryParams(ledgerQuery),
      async (c) => {
        const { task, rule } = c.req.valid('query');
        const rows = await escalations.runs({ ...(task ? { taskId: task } : {}), ...(rule ? { rule } : {}) });
        return c.json(
          rows.map((r) => ({
            id: r.id,
            taskId: r.task_id,
            rule: r.rule,
            outcome: r.outcome,
            level: r.level,
            inputs: r.inputs,
            reason: r.reason,
            at: r.at.toISOString(),
          })),
          200,
        );
      },
    )
    .post(
      '/escalations/dry-run',
      requires('escalations.view'),
      responds({ 200: z.array(dryRunRow) }),
      jsonBody(
        z.object({
          rule: z
            .string()
            .regex(/^[a-z0-9-]+\/[a-z0-9-]+$/, 'expected "<role id>/<escalation id>" or "<plugin id>/<escalation id>"'),
        }),
      ),
      async (c) => {
        const key = c.req.valid('json').rule;
        const model = await deps.org.active();
        const rule = model.escalation(key);
        if (!rule) throw new AppError('NOT_FOUND', `There is no escalation "${key}" in the active organisation.`);
        return c.json(await deps.dryRun(model, rule, deps.now?.() ?? new Date()), 200);
      },
    )
    .get(
      '/escalations',
      requires('escalations.view'),
      responds({ 200: z.array(firing) }),
      queryParams(ledgerQuery),
      async (c) => {
        const { task, rule, role } = c.req.valid('query');
        const rows = await escalations.ledger({
          ...(task ? { taskId: task } : {}),
          ...(rule ? { rule } : {}),
          ...(role ? { role } : {}),
        });
        return c.json(
          rows.map((r) => ({
            id: r.id,
            taskId: r.task_id,
            rule: r.rule,
            cycle: r.cycle,
            level: r.level,
            targetRole: r.target_role,
            skippedRoles: r.skipped_roles,
            actions: r.actions,
            firedAt: r.fired_at.toISOString(),
          })),
          200,
        );
      },
    )
    .get(
      '/notifications',
      requires(SIGNED_IN),
      responds({
        200: z.object({
          unread: z.number().int(),
          items: z.array(notification),
          olderCursor: z.number().int().nullable(),
        }),
      }),
      queryParams(pageQuery),
      async (c) => {
        const actor = actorOf(c);
        const page = c.req.valid('query');
        const rows = await escalations.inbox(actor.id, page);
        const items = rows.map((r) => ({
          id: r.id,
          taskId: r.task_id,
          kind: r.kind,
          title: r.title,
          createdAt: r.created_at.toISOString(),
          read: r.read_at !== null,
        }));
        // Newest first, so the next page starts before the last item.
        return c.json(
          {
            unread: await escalations.unread(actor.id),
            items,
            olderCursor: items.length === (page.limit ?? 200) ? items.at(-1)!.id : null,
          },
          200,
        );
      },
    )
    .post(
      '/notifications/:id/read',
      requires(SIGNED_IN),
      responds({ 204: null }),
      pathParams(z.object({ id: rowIdText })),
      async (c) => {
        await escalations.markRead(actorOf(c).id, c.req.valid('param').id);
        return c.body(null, 204);
      },
    );
}
