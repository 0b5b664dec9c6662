// KPI results over HTTP: every KPI of the active organisation, per role and per person, for one period.
import { Hono } from 'hono';
import { responds } from '../http/output.ts';
import { kpiResultSchema } from '../http/output.schemas.ts';
import { z } from 'zod';
import { isoDateTime } from '../input.schemas.ts';
import type { AppEnv } from '../http/env.ts';
import { requires } from '../http/guard.ts';
import { queryParams } from '../http/validate.ts';
import type { KpiService } from './kpi.service.ts';

const kpiQuery = z.object({
  period: z.enum(['current', 'previous']).default('current'),
  at: isoDateTime('expected an ISO date-time, e.g. 2026-03-15T10:00:00+08:00').optional(),
  role: z.string().min(1).max(64).optional(),
});

export function kpisRoutes(kpis: Pick<KpiService, 'evaluate'>) {
  return new Hono<AppEnv>().get(
    '/kpis',
    requires('kpis.view'),
    responds({ 200: z.array(kpiResultSchema) }),
    queryParams(kpiQuery),
    async (c) => {
      const query = c.req.valid('query');
      const results = await kpis.evaluate({
        period: query.period,
        ...(query.at === undefined ? {} : { at: new Date(query.at) }),
        ...(query.role === undefined ? {} : { roleId: query.role }),
      });
      return c.json(results, 200);
    },
  );
}
