// The organisation over HTTP: the active model, versions with their text and diff, dry runs,
// activation (409 when the base moved), reverts, and the published JSON Schema of the format.
import { Hono } from 'hono';
import { responds } from '../http/output.ts';
import {
  activatedSchema,
  anyObject,
  orgVersionSchema,
  orgVersionSummarySchema,
  previewSchema,
} from '../http/output.schemas.ts';
import { z } from 'zod';
import { int4IdText, positiveInt4 } from '../input.schemas.ts';
import { AppError } from '../errors.ts';
import type { AppEnv } from '../http/env.ts';
import { actorOf, PUBLIC, requires } from '../http/guard.ts';
import { jsonBody, pathParams } from '../http/validate.ts';
import { roleFileJsonSchema } from './format.schema.ts';
import type { OrgService } from './org.service.ts';
import { MAX_FILE_BYTES } from './yaml-source.ts';

const files = z
  .array(
    z.object({
      name: z
        .string()
        .min(1)
        .max(200)
        .regex(/^[^/\\]+\.ya?ml$/, 'expected a file name ending in .yaml or .yml'),
      text: z.string().max(MAX_FILE_BYTES),
    }),
  )
  .min(1)
  .max(50);
const baseVersionId = positiveInt4.nullable();
const versionParam = z.object({ id: int4IdText });

export function orgRoutes(org: OrgService) {
  const schema = roleFileJsonSchema();
  return new Hono<AppEnv>()
    .get(
      '/org',
      requires('org.view'),
      responds({ 200: z.object({ versionId: z.number().int(), organization: anyObject }) }),
      async (c) => {
        const model = await org.active();
        return c.json({ versionId: model.versionId, organization: model.definition }, 200);
      },
    )
    .get('/org/schema', requires(PUBLIC), responds({ 200: anyObject }), (c) => c.json(schema, 200))
    .get('/org/versions', requires('org.view'), responds({ 200: z.array(orgVersionSummarySchema) }), async (c) => {
      const rows = await org.versions.list();
      const activeId = rows[0]?.id ?? null;
      return c.json(
        rows.map((row) => ({
          id: row.id,
          previousId: row.previous_id,
          active: row.id === activeId,
          contentHash: row.content_hash,
          origin: row.origin,
          author: row.author,
          createdAt: row.created_at,
          diff: row.diff,
        })),
        200,
      );
    })
    .get(
      '/org/versions/:id',
      requires('org.view'),
      responds({ 200: orgVersionSchema }),
      pathParams(versionParam),
      async (c) => {
        const row = await org.versions.get(c.req.valid('param').id);
        if (!row) throw new AppError('NOT_FOUND', `There is no organisation version ${c.req.valid('param').id}.`);
        return c.json(
          {
            id: row.id,
            previousId: row.previous_id,
            origin: row.origin,
            createdAt: row.created_at,
            contentHash: row.content_hash,
            files: row.sources,
            diff: row.diff,
          },
          200,
        );
      },
    )
    .post(
      '/org/validate',
      requires('roles.edit'),
      responds({ 200: previewSchema }),
      jsonBody(z.object({ files })),
      async (c) => {
        return c.json(await org.preview(c.req.valid('json').files), 200);
      },
    )
    .put(
      '/org',
      requires('roles.edit'),
      responds({ 200: activatedSchema }),
      jsonBody(z.object({ baseVersionId, files })),
      async (c) => {
        const body = c.req.valid('json');
        const result = await org.activate(body.files, {
          baseVersionId: body.baseVersionId,
          authorId: actorOf(c).id,
          origin: 'api',
        });
        return c.json(result, 200);
      },
    )
    .post(
      '/org/versions/:id/revert',
      requires('roles.edit'),
      responds({ 200: activatedSchema }),
      pathParams(versionParam),
      jsonBody(z.object({ baseVersionId })),
      async (c) => {
        const result = await org.revert(c.req.valid('param').id, c.req.valid('json').baseVersionId, actorOf(c).id);
        return c.json(result, 200);
      },
    );
}
