// Approvals over HTTP: the approver's inbox, one request with its decisions, deciding, and withdrawing.
import { Hono } from 'hono';
import { responds } from '../http/output.ts';
import { approvalDecisionSchema, approvalViewSchema, inboxItemSchema, taskViewSchema } from '../http/output.schemas.ts';
import { z } from 'zod';
import { rowIdText } from '../input.schemas.ts';
import type { AppEnv } from '../http/env.ts';
import { actorOf, requires } from '../http/guard.ts';
import { jsonBody, pathParams } from '../http/validate.ts';
import type { TaskService } from '../tasks/task.service.ts';

const id = z.object({ id: rowIdText });

export function approvalsRoutes(tasks: TaskService) {
  return new Hono<AppEnv>()
    .get('/approvals', requires('tasks.approve'), responds({ 200: z.array(inboxItemSchema) }), async (c) => {
      const rows = await tasks.approvals.inbox(actorOf(c));
      return c.json(
        rows.map((row) => ({
          id: row.id,
          taskId: row.task_id,
          title: row.title,
          taskType: row.type,
          from: row.from_status,
          to: row.to_status,
          role: row.role_id,
          mode: row.mode,
          required: row.required,
          requestedBy: row.requested_by_name,
          snapshot: row.snapshot,
          createdAt: row.created_at.toISOString(),
        })),
        200,
      );
    })
    .get(
      '/approvals/:id',
      requires('boards.view'),
      responds({ 200: z.object({ approval: approvalViewSchema, decisions: z.array(approvalDecisionSchema) }) }),
      pathParams(id),
      async (c) => c.json(await tasks.approvals.get(c.req.valid('param').id), 200),
    )
    .post(
      '/approvals/:id/withdraw',
      requires('boards.view'),
      responds({ 200: approvalViewSchema }),
      pathParams(id),
      async (c) => c.json(await tasks.approvals.withdraw(actorOf(c), c.req.valid('param').id), 200),
    )
    .post(
      '/approvals/:id/decision',
      requires('tasks.approve'),
      responds({
        200: z.object({
          approval: approvalViewSchema,
          task: taskViewSchema,
          vetoed: z.object({ plugin: z.string(), reason: z.string() }).optional(),
        }),
      }),
      pathParams(id),
      jsonBody(z.object({ approve: z.boolean(), comment: z.string().trim().max(2000).optional() })),
      async (c) => {
        const { approve, comment } = c.req.valid('json');
        return c.json(await tasks.approvals.decide(actorOf(c), c.req.valid('param').id, approve, comment ?? null), 200);
      },
    );
}
