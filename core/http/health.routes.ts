// GET /api/health: is the server up, which database it runs on, at which schema version, for how long.
import { Hono } from 'hono';
import { responds } from './output.ts';
import { healthSchema } from './output.schemas.ts';
import type { Db } from '../db/create-db.ts';
import type { AppEnv } from './env.ts';
import { PUBLIC, requires } from './guard.ts';

export interface HealthDeps {
  db: Db;
  schemaVersion: string | null;
  startedAt: number;
}

export function healthRoutes({ db, schemaVersion, startedAt }: HealthDeps) {
  return new Hono<AppEnv>().get(
    '/',
    requires(PUBLIC),
    responds({ 200: healthSchema, 503: healthSchema }),
    async (c) => {
      const base = {
        database: db.kind,
        schemaVersion,
        uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      };
      try {
        const row = await db.kysely.selectFrom('instance').select('instance_id').executeTakeFirstOrThrow();
        return c.json({ status: 'ok' as const, ...base, instanceId: row.instance_id }, 200);
      } catch (error) {
        c.get('log').error({ err: error }, 'health check: database not answering');
        return c.json({ status: 'unavailable' as const, ...base, instanceId: null }, 503);
      }
    },
  );
}
