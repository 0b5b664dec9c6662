// The metrics KPIs can measure: core's and each plugin's, registered once at start-up under a namespaced id.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { KpiEntity } from './kpi-entities.ts';

/** Whose work a metric measures: a role's cards, or one person's (never a person's for a per-entity KPI). */
export interface MetricSubject {
  roleId: string;
  personId?: string;
}

export interface MetricContext {
  db: Kysely<Database>;
  /** Start inclusive, end exclusive, in the organisation's time zone; a per-entity KPI's entity's own period. */
  period: { start: Date; end: Date };
  /** The evaluation's clock; a period still running is measured up to here. */
  now: Date;
  subject: MetricSubject;
  /** The KPI's `scope` from the roles file, as written; each metric says which keys it understands. */
  scope: Readonly<Record<string, unknown>>;
  /** The organisation's time zone (IANA), to tell which period a card's `date` field's day falls in. */
  timeZone: string;
  /** The organisation's policies in force, e.g. a sales target an achievement rate divides by. */
  policies: Readonly<Record<string, number | string | boolean>>;
  /**
   * For a KPI with `per:`, the entity measured: a card (measure its own numbers, or the work linked to
   * it) or a field value (measure the cards of `taskType` carrying it). The entity, not the subject,
   * then says which cards count.
   */
  entity?: KpiEntity;
}

export interface MetricValue {
  /** null when there is nothing to measure (e.g. a rate over no cards), which is not the same as 0. */
  value: number | null;
  /** How many items the value rests on, so a reader can tell 100 % of 1 from 100 % of 200. */
  sample: number;
}

export interface Metric {
  description: string;
  /**
   * What the value counts: cards, hours, CNY… shown beside it. `ratio` is a share or rate with 1 = 100 %
   * (shown as a percentage; its targets may be written as percentages or read `_pct` policies).
   */
  unit: string;
  compute(ctx: MetricContext): Promise<MetricValue>;
}

/** `<namespace>.<name>`: the same shape a roles file's `metric:` accepts (core.x, or the plugin's id). */
export const METRIC_ID = /^[a-z0-9][a-z0-9-]*\.[a-z0-9][a-z0-9_-]*$/;

export interface MetricRegistry {
  register(id: string, metric: Metric): void;
  get(id: string): Metric | undefined;
  /** Registered ids in registration order. */
  ids(): string[];
}

export function createMetricRegistry(): MetricRegistry {
  const metrics = new Map<string, Metric>();
  return {
    register(id, metric) {
      if (!METRIC_ID.test(id))
        throw new Error(`Metric id "${id}" must be namespaced: "<namespace>.<name>", e.g. core.throughput.`);
      // Two owners of one id would silently change what existing KPIs mean.
      if (metrics.has(id)) throw new Error(`Metric "${id}" is already registered.`);
      metrics.set(id, metric);
    },
    get: (id) => metrics.get(id),
    ids: () => [...metrics.keys()],
  };
}
