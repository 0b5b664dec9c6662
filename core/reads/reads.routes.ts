// The reads a UI screen needs, each one request: task types, the directory, a card's whole detail, my work.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../http/env.ts';
import { actorOf, requires, SIGNED_IN } from '../http/guard.ts';
import { responds } from '../http/output.ts';
import { pathParams } from '../http/validate.ts';
import { cardDetail, type CardDetailDeps } from './card-detail.ts';
import { myWork } from './my-work.ts';
import { cardDetailSchema, directorySchema, myWorkSchema, taskTypeSchema } from './reads.schemas.ts';
import { directory, taskTypes } from './task-types.ts';
import type { OrgCatalogue } from '../org/catalogue.ts';

const id = z.object({ id: z.coerce.number().int().positive() });

export function readsRoutes(deps: CardDetailDeps & { catalogue: OrgCatalogue }) {
  return new Hono<AppEnv>()
    .get('/task-types', requires('boards.view'), responds({ 200: z.array(taskTypeSchema) }), async (c) =>
      c.json(await taskTypes(deps), 200),
    )
    .get('/directory', requires('boards.view'), responds({ 200: directorySchema }), async (c) =>
      c.json(await directory(deps), 200),
    )
    .get('/tasks/:id/detail', requires('boards.view'), responds({ 200: cardDetailSchema }), pathParams(id), async (c) =>
      c.json(await cardDetail(deps, actorOf(c), c.req.valid('param').id), 200),
    )
    .get('/me/work', requires(SIGNED_IN), responds({ 200: myWorkSchema }), async (c) =>
      c.json(await myWork(deps, actorOf(c)), 200),
    );
}
