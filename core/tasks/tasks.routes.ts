// Cards over HTTP: thin routes over the task service; every write names the version it saw.
import { Hono } from 'hono';
import { responds } from '../http/output.ts';
import {
  activitySchema,
  approvalViewSchema,
  commentSchema,
  linkSchema,
  newLinkSchema,
  taskViewSchema,
} from '../http/output.schemas.ts';
import { z } from 'zod';
import { isoDateTime, positiveInt4, rowId, rowIdText } from '../input.schemas.ts';
import type { AppEnv } from '../http/env.ts';
import { actorOf, requires } from '../http/guard.ts';
import { jsonBody, pathParams, queryParams } from '../http/validate.ts';
import { pageQuery } from '../http/page.ts';
import { activityView, commentView } from './task-view.ts';
import { checklistSchema } from './checklist.ts';
import { fieldsInput } from './field-schema.ts';
import { linkView } from './links.repository.ts';
import type { TaskService } from './task.service.ts';
import type { EditableColumn, ViewKey } from '../db/card-columns.ts';

const id = z.object({ id: rowIdText });
const expectedVersion = positiveInt4;
const priority = z.enum(['low', 'normal', 'high', 'urgent']);
const labels = z.array(z.string().trim().min(1).max(40)).max(20);
const dueAt = isoDateTime().nullable();
const assignTo = z.object({
  personId: z.uuid().nullable().optional(),
  roleId: z.string().min(1).nullable().optional(),
});

/**
 * What a person may send for each column core/db/card-columns.ts declares `written: 'edit'`, under its API
 * name: PATCH /api/tasks/:id takes exactly these, so a new editable column without its input here does not
 * type-check (tests/card-columns.test.ts checks the route against the declaration too).
 */
const editInputs = {
  title: z.string().trim().min(1).max(300),
  description: z.string().max(20_000),
  fields: fieldsInput,
  priority,
  labels,
  checklist: checklistSchema,
  dueAt,
} satisfies { [K in EditableColumn as ViewKey<K>]: z.ZodType };

const createBody = z.object({
  type: z.string().min(1),
  title: editInputs.title,
  ...z.object(editInputs).omit({ title: true }).partial().shape,
  assignTo: assignTo.optional(),
});
/** PATCH /api/tasks/:id: any of the editable columns, and the version the person saw. */
export const editBody = z.object(editInputs).partial().extend({ expectedVersion });
const moveBody = z.object({
  expectedVersion,
  to: z.string().min(1).optional(),
  afterId: rowId.nullable().optional(),
  beforeId: rowId.nullable().optional(),
});

const linkBody = z.object({
  kind: z.enum(['relates', 'blocks', 'duplicates', 'url']),
  toTaskId: rowId.optional(),
  url: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .optional(),
  title: z.string().trim().max(200).optional(),
});

const moved = z.object({
  task: taskViewSchema,
  warnings: z.array(z.string()),
  approval: approvalViewSchema.optional(),
});
const watchers = z.object({ watchers: z.array(z.string()) });

const toDate = (value: string | null | undefined) =>
  value === undefined ? undefined : value === null ? null : new Date(value);

export function tasksRoutes(tasks: TaskService) {
  return new Hono<AppEnv>()
    .post('/tasks', requires('tasks.create'), responds({ 201: taskViewSchema }), jsonBody(createBody), async (c) => {
      const { dueAt: due, ...body } = c.req.valid('json');
      const created = await tasks.create(actorOf(c), {
        ...body,
        ...(due === undefined ? {} : { dueAt: toDate(due)! }),
      });
      return c.json(created, 201);
    })
    .get('/tasks/:id', requires('boards.view'), responds({ 200: taskViewSchema }), pathParams(id), async (c) =>
      c.json(await tasks.get(c.req.valid('param').id), 200),
    )
    .get(
      '/tasks/:id/activity',
      requires('boards.view'),
      responds({ 200: z.array(activitySchema) }),
      pathParams(id),
      queryParams(pageQuery),
      async (c) => {
        const rows = await tasks.repo.activity(c.req.valid('param').id, c.req.valid('query'));
        return c.json(rows.map(activityView), 200);
      },
    )
    .patch(
      '/tasks/:id',
      requires('tasks.edit'),
      responds({ 200: taskViewSchema }),
      pathParams(id),
      jsonBody(editBody),
      async (c) => {
        const { expectedVersion: version, dueAt: due, ...edit } = c.req.valid('json');
        return c.json(
          await tasks.update(actorOf(c), c.req.valid('param').id, version, {
            ...edit,
            ...(due === undefined ? {} : { dueAt: toDate(due)! }),
          }),
          200,
        );
      },
    )
    .patch(
      '/tasks/:id/transition',
      requires('tasks.move'),
      responds({ 200: moved, 202: moved }),
      pathParams(id),
      jsonBody(moveBody),
      async (c) => {
        const { expectedVersion: version, ...move } = c.req.valid('json');
        const result = await tasks.move(actorOf(c), c.req.valid('param').id, version, move);
        // 202: the move is requested and waits for approval; the card has not moved yet.
        return result.approval?.state === 'pending' ? c.json(result, 202) : c.json(result, 200);
      },
    )
    .put(
      '/tasks/:id/assignment',
      requires('tasks.assign'),
      responds({ 200: taskViewSchema }),
      pathParams(id),
      jsonBody(assignTo.extend({ expectedVersion })),
      async (c) => {
        const { expectedVersion: version, ...target } = c.req.valid('json');
        return c.json(await tasks.assign(actorOf(c), c.req.valid('param').id, version, target), 200);
      },
    )
    .post(
      '/tasks/:id/archive',
      requires('tasks.edit'),
      responds({ 200: taskViewSchema }),
      pathParams(id),
      jsonBody(z.object({ expectedVersion })),
      async (c) =>
        c.json(
          await tasks.setArchived(actorOf(c), c.req.valid('param').id, c.req.valid('json').expectedVersion, true),
          200,
        ),
    )
    .post(
      '/tasks/:id/restore',
      requires('tasks.edit'),
      responds({ 200: taskViewSchema }),
      pathParams(id),
      jsonBody(z.object({ expectedVersion })),
      async (c) =>
        c.json(
          await tasks.setArchived(actorOf(c), c.req.valid('param').id, c.req.valid('json').expectedVersion, false),
          200,
        ),
    )
    .get(
      '/tasks/:id/comments',
      requires('boards.view'),
      responds({ 200: z.array(commentSchema) }),
      pathParams(id),
      queryParams(pageQuery),
      async (c) => {
        const rows = await tasks.repo.comments(c.req.valid('param').id, c.req.valid('query'));
        return c.json(rows.map(commentView), 200);
      },
    )
    .post(
      '/tasks/:id/comments',
      requires('boards.view'),
      responds({ 201: commentSchema }),
      pathParams(id),
      jsonBody(z.object({ body: z.string().trim().min(1).max(10_000) })),
      async (c) => c.json(await tasks.comment(actorOf(c), c.req.valid('param').id, c.req.valid('json').body), 201),
    )
    .get(
      '/tasks/:id/links',
      requires('boards.view'),
      responds({ 200: z.array(linkSchema) }),
      pathParams(id),
      async (c) => {
        const taskId = c.req.valid('param').id;
        return c.json(
          (await tasks.links(taskId)).map((row) => linkView(row, taskId)),
          200,
        );
      },
    )
    .post(
      '/tasks/:id/links',
      requires('tasks.edit'),
      responds({ 201: newLinkSchema }),
      pathParams(id),
      jsonBody(linkBody),
      async (c) => c.json(await tasks.link(actorOf(c), c.req.valid('param').id, c.req.valid('json')), 201),
    )
    .delete(
      '/tasks/:id/links/:linkId',
      requires('tasks.edit'),
      responds({ 204: null }),
      pathParams(id.extend({ linkId: rowIdText })),
      async (c) => {
        await tasks.unlink(actorOf(c), c.req.valid('param').id, c.req.valid('param').linkId);
        return c.body(null, 204);
      },
    )
    .put('/tasks/:id/watch', requires('boards.view'), responds({ 200: watchers }), pathParams(id), async (c) => {
      const taskId = c.req.valid('param').id;
      await tasks.get(taskId);
      await tasks.watch(actorOf(c), taskId, true);
      return c.json({ watchers: await tasks.repo.watchers(taskId) }, 200);
    })
    .delete('/tasks/:id/watch', requires('boards.view'), responds({ 200: watchers }), pathParams(id), async (c) => {
      const taskId = c.req.valid('param').id;
      await tasks.watch(actorOf(c), taskId, false);
      return c.json({ watchers: await tasks.repo.watchers(taskId) }, 200);
    });
}
