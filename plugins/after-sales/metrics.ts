// The after-sales KPIs' metrics, each one SQL aggregate over the subject's cases (a role's cases, or
// those assigned to one person): buyer satisfaction, first-response and resolution hours, negative reviews.
import { sql } from 'kysely';
import type { Metric, MetricContext } from '#plugin-api';

const CASE = 'after-sales.case';

function casesOf(ctx: MetricContext) {
  const query = ctx.db.selectFrom('tasks').where('type', '=', CASE);
  return ctx.subject.personId === undefined
    ? query.where('role_id', '=', ctx.subject.roleId)
    : query.where('assignee_id', '=', ctx.subject.personId);
}

const median = (interval: string) =>
  sql<
    number | null
  >`(extract(epoch from percentile_cont(0.5) within group (order by ${sql.raw(interval)})) / 3600)::float8`;

const satisfaction: Metric = {
  description: 'Share of the buyers who rated a case finished in the period that were satisfied (满意)',
  unit: 'ratio',
  async compute(ctx) {
    const row = await casesOf(ctx)
      .where('done_at', '>=', ctx.period.start)
      .where('done_at', '<', ctx.period.end)
      .where(sql<boolean>`fields ? 'satisfaction'`)
      .select((eb) => [
        eb.fn.countAll<string>().as('rated'),
        eb.fn.countAll<string>().filterWhere(sql<boolean>`fields->>'satisfaction' = 'satisfied'`).as('satisfied'),
      ])
      .executeTakeFirstOrThrow();
    const rated = Number(row.rated);
    return { value: rated === 0 ? null : Number(row.satisfied) / rated, sample: rated };
  },
};

const firstResponseHours: Metric = {
  description:
    'Median hours from a case coming in to its first handling (moved to in progress), of cases first handled in the period',
  unit: 'hours',
  async compute(ctx) {
    const row = await casesOf(ctx)
      .where('started_at', '>=', ctx.period.start)
      .where('started_at', '<', ctx.period.end)
      .select((eb) => [eb.fn.countAll<string>().as('sample'), median('started_at - created_at').as('median')])
      .executeTakeFirstOrThrow();
    return { value: row.median === null ? null : Number(row.median), sample: Number(row.sample) };
  },
};

const resolutionHours: Metric = {
  description: 'Median hours from a case coming in to its first resolution, of cases first resolved in the period',
  unit: 'hours',
  async compute(ctx) {
    // A resolved case may be closed later (done_at moves on), so the moment of resolution is read from its history.
    const resolved = casesOf(ctx)
      .innerJoin('task_activity', 'task_activity.task_id', 'tasks.id')
      .where('task_activity.action', '=', 'moved')
      .where(sql<boolean>`task_activity.changes->'status'->>1 = 'resolved'`)
      .groupBy(['tasks.id', 'tasks.created_at'])
      .select(['tasks.created_at', (eb) => eb.fn.min('task_activity.created_at').as('resolved_at')]);
    const row = await ctx.db
      .selectFrom(resolved.as('resolved'))
      .where('resolved_at', '>=', ctx.period.start)
      .where('resolved_at', '<', ctx.period.end)
      .select((eb) => [eb.fn.countAll<string>().as('sample'), median('resolved_at - created_at').as('median')])
      .executeTakeFirstOrThrow();
    return { value: row.median === null ? null : Number(row.median), sample: Number(row.sample) };
  },
};

const negativeReviews: Metric = {
  description: 'Negative reviews (中差评) that came in as cases in the period',
  unit: 'cases',
  async compute(ctx) {
    const row = await casesOf(ctx)
      .where('created_at', '>=', ctx.period.start)
      .where('created_at', '<', ctx.period.end)
      .where(sql<boolean>`fields->>'case_type' = 'negative_review'`)
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    // None coming in is a measurement (0), not missing data.
    return { value: Number(row.n), sample: Number(row.n) };
  },
};

export const metrics: Record<string, Metric> = {
  'after-sales.satisfaction': satisfaction,
  'after-sales.first_response_hours': firstResponseHours,
  'after-sales.resolution_hours': resolutionHours,
  'after-sales.negative_reviews': negativeReviews,
};
