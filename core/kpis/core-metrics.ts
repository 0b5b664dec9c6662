// The metrics core provides to KPIs, each one SQL aggregate over the board's own cards.
import { sql, type ExpressionBuilder, type SelectQueryBuilder } from 'kysely';
import type { Database, Priority } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import type { KpiEntity } from './kpi-entities.ts';
import { createMetricRegistry, type Metric, type MetricContext, type MetricRegistry } from './metric-registry.ts';

/** Scope keys the core metrics understand; any other key is a mistake in the roles file. */
export const CORE_SCOPE_KEYS = ['task_type', 'label', 'priority'] as const;
const PRIORITIES: readonly Priority[] = ['low', 'normal', 'high', 'urgent'];

interface CardFilters {
  types?: string[];
  labels?: string[];
  priorities?: Priority[];
}

function scopeError(message: string, scope: Readonly<Record<string, unknown>>): AppError {
  return new AppError('UNPROCESSABLE', message, { scope, supported: [...CORE_SCOPE_KEYS] });
}

function stringList(key: string, value: unknown, scope: Readonly<Record<string, unknown>>): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || !list.every((item) => typeof item === 'string' && item.length > 0)) {
    throw scopeError(`scope.${key} must be a string or a non-empty list of strings.`, scope);
  }
  return list as string[];
}

/** Reads a KPI's scope, refusing what it does not understand rather than measuring something else. */
export function parseScope(scope: Readonly<Record<string, unknown>>): CardFilters {
  const filters: CardFilters = {};
  for (const [key, value] of Object.entries(scope)) {
    if (key === 'task_type') filters.types = stringList(key, value, scope);
    else if (key === 'label') filters.labels = stringList(key, value, scope);
    else if (key === 'priority') {
      const list = stringList(key, value, scope);
      const wrong = list.find((item) => !PRIORITIES.includes(item as Priority));
      if (wrong !== undefined)
        throw scopeError(`scope.priority "${wrong}" is not one of ${PRIORITIES.join(', ')}.`, scope);
      filters.priorities = list as Priority[];
    } else {
      throw scopeError(`Unknown scope key "${key}"; the core metrics support ${CORE_SCOPE_KEYS.join(', ')}.`, scope);
    }
  }
  return filters;
}

export type Cards = SelectQueryBuilder<Database, 'tasks', object>;

/** The cards a per-entity KPI measures: those linked to the entity card (either way), or those carrying the field value. */
function entityCards(query: Cards, entity: KpiEntity): Cards {
  if (entity.kind === 'field')
    return query.where('type', '=', entity.taskType).where(sql`fields->>${entity.field}`, '=', entity.value);
  const linked = sql<number>`(select target_task_id from task_links where task_id = ${entity.taskId} and target_task_id is not null
    union select task_id from task_links where target_task_id = ${entity.taskId})`;
  return query.where('id', 'in', linked);
}

/**
 * The cards a metric measures, narrowed by the scope: an entity's (per-entity KPIs), else the subject's —
 * a person's are those assigned to them, a role's those routed to it. Plugins' metrics start from it too.
 */
export function cardsOf(ctx: MetricContext): Cards {
  const filters = parseScope(ctx.scope);
  let query: Cards = ctx.db.selectFrom('tasks');
  if (ctx.entity) query = entityCards(query, ctx.entity);
  else {
    query =
      ctx.subject.personId === undefined
        ? query.where('role_id', '=', ctx.subject.roleId)
        : query.where('assignee_id', '=', ctx.subject.personId);
  }
  if (filters.types) query = query.where('type', 'in', filters.types);
  if (filters.priorities) query = query.where('priority', 'in', filters.priorities);
  // A list of labels matches a card carrying any of them.
  if (filters.labels) query = query.where(sql<boolean>`labels && ARRAY[${sql.join(filters.labels)}]::text[]`);
  return query;
}

/**
 * Cards finished inside the period. Archived ones count: archiving finished work is tidying up, not
 * undoing it. done_at is cleared when a card is reopened, so a reopened card is not finished.
 */
function finishedIn(ctx: MetricContext): Cards {
  return cardsOf(ctx).where('done_at', '>=', ctx.period.start).where('done_at', '<', ctx.period.end);
}

const count = (eb: ExpressionBuilder<Database, 'tasks'>) => eb.fn.countAll<number>();

const onTimeRate: Metric = {
  description: 'Share of cards finished in the period, among those with a due date, that were finished by it',
  unit: 'ratio',
  async compute(ctx) {
    const row = await finishedIn(ctx)
      .where('due_at', 'is not', null)
      .select((eb) => [count(eb).as('sample'), count(eb).filterWhere('done_at', '<=', eb.ref('due_at')).as('on_time')])
      .executeTakeFirstOrThrow();
    const sample = Number(row.sample);
    return { value: sample === 0 ? null : Number(row.on_time) / sample, sample };
  },
};

const throughput: Metric = {
  description: 'Cards finished in the period',
  unit: 'cards',
  async compute(ctx) {
    const row = await finishedIn(ctx)
      .select((eb) => count(eb).as('n'))
      .executeTakeFirstOrThrow();
    // Finishing nothing is a measurement (0), not missing data.
    return { value: Number(row.n), sample: Number(row.n) };
  },
};

const cycleTime: Metric = {
  description: 'Median hours from start (or creation, when never started) to done, of cards finished in the period',
  unit: 'hours',
  async compute(ctx) {
    const row = await finishedIn(ctx)
      .select((eb) => [
        count(eb).as('sample'),
        // float8: numeric would come back as a string from pg.
        sql<
          number | null
        >`(extract(epoch from percentile_cont(0.5) within group (order by done_at - coalesce(started_at, created_at))) / 3600)::float8`.as(
          'median',
        ),
      ])
      .executeTakeFirstOrThrow();
    return { value: row.median === null ? null : Number(row.median), sample: Number(row.sample) };
  },
};

const overdueCount: Metric = {
  description: 'Open cards past their due date (at the end of the period, or now while it runs)',
  unit: 'cards',
  async compute(ctx) {
    const cutoff = new Date(Math.min(ctx.now.getTime(), ctx.period.end.getTime()));
    // "Open" as of the cutoff, so a past period's count does not shrink as its cards get done later.
    const row = await cardsOf(ctx)
      .where('created_at', '<', cutoff)
      .where((eb) => eb.or([eb('category', '<>', 'done'), eb('done_at', '>=', cutoff)]))
      .where((eb) => eb.or([eb('archived_at', 'is', null), eb('archived_at', '>=', cutoff)]))
      .select((eb) => [count(eb).as('open'), count(eb).filterWhere('due_at', '<', cutoff).as('overdue')])
      .executeTakeFirstOrThrow();
    return { value: Number(row.overdue), sample: Number(row.open) };
  },
};

/** Core's metrics by id; the catalogue reads the ids to check `kpis[].metric` in roles files. */
export const CORE_METRICS = {
  'core.on_time_rate': onTimeRate,
  'core.throughput': throughput,
  'core.cycle_time': cycleTime,
  'core.overdue_count': overdueCount,
} as const satisfies Record<string, Metric>;

export type CoreMetricId = keyof typeof CORE_METRICS;

export function registerCoreMetrics(registry: MetricRegistry): MetricRegistry {
  for (const [id, metric] of Object.entries(CORE_METRICS)) registry.register(id, metric);
  return registry;
}

/** A registry holding core's metrics; plugins register theirs into it at start-up. */
export const coreMetricRegistry = (): MetricRegistry => registerCoreMetrics(createMetricRegistry());
