// Evaluates the active organisation's KPIs: per role and per holder, for one period, against each target.
import type { Kysely } from 'kysely';
import type { UsersRepository } from '../auth/users.repository.ts';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import type { DisplayName, Kpi, Role } from '../org/format.schema.ts';
import type { OrgService } from '../org/org.service.ts';
import { suggest } from '../org/suggest.ts';
import { periodBounds } from '../time/zoned.ts';
import type { MetricRegistry, MetricSubject, MetricValue } from './metric-registry.ts';

export type KpiStatus = 'met' | 'missed' | 'no_data';
export type PeriodChoice = 'current' | 'previous';

export interface KpiQuery {
  /** The period containing `at`, or the one before it. */
  period?: PeriodChoice;
  at?: Date;
  roleId?: string;
}

export interface KpiResult {
  kpi: { id: string; name: DisplayName; metric: string; unit: string; target: Kpi['target']; period: Kpi['period'] };
  role: string;
  person: { id: string; displayName: string } | null;
  period: { start: string; end: string };
  value: number | null;
  sample: number;
  status: KpiStatus;
}

export interface KpiServiceDeps {
  db: Kysely<Database>;
  org: Pick<OrgService, 'active'>;
  users: Pick<UsersRepository, 'holdersOf'>;
  metrics: MetricRegistry;
  now?: () => Date;
}

const COMPARE = {
  gte: (value: number, bound: number) => value >= bound,
  lte: (value: number, bound: number) => value <= bound,
  gt: (value: number, bound: number) => value > bound,
  lt: (value: number, bound: number) => value < bound,
  // Rates are fractions computed in floating point: 0.1 + 0.2 must still equal 0.3.
  eq: (value: number, bound: number) => Math.abs(value - bound) <= 1e-9 * Math.max(1, Math.abs(bound)),
} as const;

/** met / missed by the KPI's one comparison; no_data when the metric had nothing to measure. */
export function statusOf(value: number | null, target: Kpi['target']): KpiStatus {
  if (value === null) return 'no_data';
  const op = (Object.keys(COMPARE) as (keyof typeof COMPARE)[]).find((key) => target[key] !== undefined);
  if (op === undefined) throw new Error('A KPI target has exactly one comparison (the roles schema guarantees it).');
  return COMPARE[op](value, target[op]!) ? 'met' : 'missed';
}

/** Bounds of the period of this kind that contains `at`, or of the one just before it. */
export function kpiPeriod(period: Kpi['period'], at: Date, choice: PeriodChoice, timeZone: string): { start: Date; end: Date } {
  const current = periodBounds(period, at, timeZone);
  return choice === 'current' ? current : periodBounds(period, new Date(current.start.getTime() - 1), timeZone);
}

export function createKpiService(deps: KpiServiceDeps) {
  const now = deps.now ?? (() => new Date());

  async function measure(role: Role, kpi: Kpi, subject: MetricSubject, period: { start: Date; end: Date }, clock: Date): Promise<MetricValue> {
    const metric = deps.metrics.get(kpi.metric);
    const where = `KPI "${kpi.id}" of role "${role.id}"`;
    if (!metric) {
      // The roles file was checked against a catalogue that had this metric; its plugin is gone now.
      throw new AppError('UNPROCESSABLE', `${where} uses metric "${kpi.metric}", which no loaded module provides.`, { kpi: kpi.id, role: role.id, metric: kpi.metric });
    }
    try {
      return await metric.compute({ db: deps.db, period, now: clock, subject, scope: kpi.scope ?? {} });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const details = typeof error.details === 'object' && error.details !== null ? error.details : {};
      throw new AppError(error.code, `${where}: ${error.message}`, { ...details, kpi: kpi.id, role: role.id, metric: kpi.metric });
    }
  }

  return {
    async evaluate(query: KpiQuery = {}): Promise<KpiResult[]> {
      const model = await deps.org.active();
      const clock = now();
      const at = query.at ?? clock;
      const timeZone = model.definition.organization.timezone;
      let roles = model.definition.roles.filter((role) => role.kpis.length > 0);
      if (query.roleId !== undefined) {
        const role = model.role(query.roleId);
        if (!role) {
          const hint = suggest(query.roleId, model.definition.roles.map((r) => r.id));
          throw new AppError('NOT_FOUND', `There is no role "${query.roleId}"${hint ? ` (did you mean "${hint}"?)` : ''}.`);
        }
        roles = roles.filter((r) => r.id === role.id);
      }

      // Holders first: every measurement below must be awaited together, or an early failure goes unhandled.
      const holdersByRole = await Promise.all(roles.map((role) => deps.users.holdersOf(role.id)));
      const jobs: Promise<KpiResult>[] = [];
      for (const [index, role] of roles.entries()) {
        const holders = holdersByRole[index]!;
        const subjects: { subject: MetricSubject; person: KpiResult['person'] }[] = [
          { subject: { roleId: role.id }, person: null },
          ...holders.map((holder) => ({ subject: { roleId: role.id, personId: holder.id }, person: { id: holder.id, displayName: holder.displayName } })),
        ];
        for (const kpi of role.kpis) {
          const period = kpiPeriod(kpi.period, at, query.period ?? 'current', timeZone);
          const kpiView = { id: kpi.id, name: kpi.name, metric: kpi.metric, unit: deps.metrics.get(kpi.metric)?.unit ?? '', target: kpi.target, period: kpi.period };
          for (const { subject, person } of subjects) {
            jobs.push(
              measure(role, kpi, subject, period, clock).then(({ value, sample }) => ({
                kpi: kpiView,
                role: role.id,
                person,
                period: { start: period.start.toISOString(), end: period.end.toISOString() },
                value,
                sample,
                status: statusOf(value, kpi.target),
              })),
            );
          }
        }
      }
      // Promise.all keeps the order: roles as the roles file lists them, the role before its people.
      return Promise.all(jobs);
    },
  };
}

export type KpiService = ReturnType<typeof createKpiService>;
