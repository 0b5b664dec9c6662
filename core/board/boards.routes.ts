// Boards over HTTP: list, create, and load one with its cards (filtered).
import { Hono } from 'hono';
import { jsonText, responds } from '../http/output.ts';
import { boardCardSchema, boardViewSchema, laneSchema, savedViewSchema } from '../http/output.schemas.ts';
import { z } from 'zod';
import { rowIdText } from '../input.schemas.ts';
import type { AppEnv } from '../http/env.ts';
import { actorOf, requires } from '../http/guard.ts';
import { jsonBody, pathParams, queryParams } from '../http/validate.ts';
import { boardDefinition, cardFilters } from './board.schema.ts';
import type { BoardService } from './board.service.ts';

const id = z.object({ id: z.string().min(1).max(64) });
const boardLoad = z.object({ board: boardViewSchema, lanes: z.array(laneSchema), cards: z.array(boardCardSchema) });
const viewId = id.extend({ viewId: rowIdText });
const savedView = z.object({
  name: z.string().trim().min(1).max(100),
  filters: cardFilters,
  shared: z.boolean().default(false),
});

export function boardsRoutes(boards: BoardService) {
  return new Hono<AppEnv>()
    .get('/boards', requires('boards.view'), responds({ 200: z.array(boardViewSchema) }), async (c) =>
      c.json(await boards.list(), 200),
    )
    .post(
      '/boards',
      requires('boards.manage'),
      responds({ 201: boardViewSchema }),
      jsonBody(boardDefinition),
      async (c) => c.json(await boards.create(actorOf(c), c.req.valid('json')), 201),
    )
    .get(
      '/boards/:id',
      requires('boards.view'),
      responds({ 200: boardLoad }),
      pathParams(id),
      queryParams(cardFilters),
      async (c) => {
        const filters = c.req.valid('query');
        // `assignee=me`: the person signed in.
        const own = filters.assignee === 'me' ? { ...filters, assignee: actorOf(c).id } : filters;
        return jsonText<z.infer<typeof boardLoad>, 200>(c, await boards.loadJson(c.req.valid('param').id, own), 200);
      },
    )
    .get(
      '/boards/:id/views',
      requires('boards.view'),
      responds({ 200: z.array(savedViewSchema) }),
      pathParams(id),
      async (c) => c.json(await boards.views(c.req.valid('param').id, actorOf(c)), 200),
    )
    .post(
      '/boards/:id/views',
      requires('boards.view'),
      responds({ 201: savedViewSchema }),
      pathParams(id),
      jsonBody(savedView),
      async (c) => c.json(await boards.addView(c.req.valid('param').id, actorOf(c), c.req.valid('json')), 201),
    )
    .delete(
      '/boards/:id/views/:viewId',
      requires('boards.view'),
      responds({ 204: null }),
      pathParams(viewId),
      async (c) => {
        await boards.removeView(c.req.valid('param').id, c.req.valid('param').viewId, actorOf(c));
        return c.body(null, 204);
      },
    );
}
