// Evaluates the active organisation's KPIs for one period against each target (policies read): per role
// and per holder, or per entity (`per:`) over each entity's own period.
import type { Kysely } from 'kysely';
import type { UsersRepository } from '../auth/users.repository.ts';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import type { DisplayName, Kpi, KpiPer, OrgDefinition, Role } from '../org/format.schema.ts';
import type { OrgService } from '../org/org.service.ts';
import { suggest } from '../org/suggest.ts';
import { periodBounds } from '../time/zoned.ts';
import { kpiEntities, type KpiEntity, type Period } from './kpi-entities.ts';
import { meetsTarget, resolveTarget, type ResolvedTarget, type TargetOp } from './kpi-target.ts';
import type { Metric, MetricContext, MetricRegistry, MetricSubject, MetricValue } from './metric-registry.ts';

export type KpiStatus = 'met' | 'missed' | 'no_data';
export type PeriodChoice = 'current' | 'previous';

export interface KpiQuery {
  /** The period containing `at`, or the one before it. */
  period?: PeriodChoice;
  at?: Date;
  roleId?: string;
}

export interface KpiResult {
  kpi: {
    id: string;
    name: DisplayName;
    metric: string;
    unit: string;
    /** In the metric's unit (a ratio's percentages as 0–1), policies read. */
    target: ResolvedTarget;
    /** The policy each bound was read from. */
    policies: Partial<Record<TargetOp, string>>;
    period: Kpi['period'];
    per: KpiPer | null;
  };
  role: string;
  person: { id: string; displayName: string } | null;
  /** The entity of a per-entity KPI (null for the others, and when the period has no entity). */
  entity: KpiEntity | null;
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

/** met / missed by every bound of the target (one comparison, or both ends of a range); no_data when the metric had nothing to measure. */
export function statusOf(value: number | null, target: ResolvedTarget): KpiStatus {
  if (value === null) return 'no_data';
  return meetsTarget(value, target) ? 'met' : 'missed';
}

/** Bounds of the period of this kind that contains `at`, or of the one just before it. */
export function kpiPeriod(
  period: Kpi['period'],
  at: Date,
  choice: PeriodChoice,
  timeZone: string,
): { start: Date; end: Date } {
  const current = periodBounds(period, at, timeZone);
  return choice === 'current' ? current : periodBounds(period, new Date(current.start.getTime() - 1), timeZone);
}

export function createKpiService(deps: KpiServiceDeps) {
  const now = deps.now ?? (() => new Date());

  function metricOf(role: Role, kpi: Kpi): Metric {
    const metric = deps.metrics.get(kpi.metric);
    // The roles file was checked against a catalogue that had this metric; its plugin is gone now.
    if (!metric)
      throw new AppError(
        'UNPROCESSABLE',
        `KPI "${kpi.id}" of role "${role.id}" uses metric "${kpi.metric}", which no loaded module provides.`,
        { kpi: kpi.id, role: role.id, metric: kpi.metric },
      );
    return metric;
  }

  async function measure(role: Role, kpi: Kpi, ctx: Omit<MetricContext, 'db' | 'scope'>): Promise<MetricValue> {
    try {
      return await metricOf(role, kpi).compute({ ...ctx, db: deps.db, scope: kpi.scope ?? {} });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const details = typeof error.details === 'object' && error.details !== null ? error.details : {};
      throw new AppError(error.code, `KPI "${kpi.id}" of role "${role.id}": ${error.message}`, {
        ...details,
        kpi: kpi.id,
        role: role.id,
        metric: kpi.metric,
      });
    }
  }

  /** The KPI as results show it, its target read from the policies in force. */
  function viewOf(role: Role, kpi: Kpi, policies: OrgDefinition['policies']): KpiResult['kpi'] {
    const { unit } = metricOf(role, kpi);
    const { target, policies: read, problems } = resolveTarget(kpi, unit, policies);
    // Validation resolved the same target; a plugin that changed its metric's unit since can make it fail.
    if (problems.length)
      throw new AppError(
        'UNPROCESSABLE',
        `KPI "${kpi.id}" of role "${role.id}": target.${problems[0]!.path.join('.')}: ${problems[0]!.message}`,
        { kpi: kpi.id, role: role.id },
      );
    return {
      id: kpi.id,
      name: kpi.name,
      metric: kpi.metric,
      unit,
      target,
      policies: read,
      period: kpi.period,
      per: kpi.per ?? null,
    };
  }

  return {
    async evaluate(query: KpiQuery = {}): Promise<KpiResult[]> {
      const model = await deps.org.active();
      const clock = now();
      const at = query.at ?? clock;
      const { policies } = model.definition;
      const timeZone = model.definition.organization.timezone;
      let roles = model.definition.roles.filter((role) => role.kpis.length > 0);
      if (query.roleId !== undefined) {
        const role = model.role(query.roleId);
        if (!role) {
          const hint = suggest(
            query.roleId,
            model.definition.roles.map((r) => r.id),
          );
          throw new AppError(
            'NOT_FOUND',
            `There is no role "${query.roleId}"${hint ? ` (did you mean "${hint}"?)` : ''}.`,
          );
        }
        roles = roles.filter((r) => r.id === role.id);
      }

      // Holders and entities first: every measurement below must be awaited together, or an early failure goes unhandled.
      const holdersByRole = await Promise.all(roles.map((role) => deps.users.holdersOf(role.id)));
      const entitiesOf = (kpi: Kpi, period: Period) =>
        kpiEntities(deps.db, kpi.per!, period, timeZone, model.taskType(kpi.per!.task_type));
      const perEntity = await Promise.all(
        roles.map((role) =>
          Promise.all(
            role.kpis.map((kpi) => {
              return kpi.per
                ? entitiesOf(kpi, kpiPeriod(kpi.period, at, query.period ?? 'current', timeZone))
                : undefined;
            }),
          ),
        ),
      );
      const jobs: Promise<KpiResult>[] = [];
      for (const [index, role] of roles.entries()) {
        const holders = holdersByRole[index]!;
        const subjects: { subject: MetricSubject; person: KpiResult['person'] }[] = [
          { subject: { roleId: role.id }, person: null },
          ...holders.map((holder) => ({
            subject: { roleId: role.id, personId: holder.id },
            person: { id: holder.id, displayName: holder.displayName },
          })),
        ];
        for (const [k, kpi] of role.kpis.entries()) {
          const calendar = kpiPeriod(kpi.period, at, query.period ?? 'current', timeZone);
          const view = viewOf(role, kpi, policies);
          const result = (
            person: KpiResult['person'],
            entity: KpiEntity | null,
            period: Period,
            { value, sample }: MetricValue,
          ): KpiResult => ({
            kpi: view,
            role: role.id,
            person,
            entity,
            period: { start: period.start.toISOString(), end: period.end.toISOString() },
            value,
            sample,
            status: statusOf(value, view.target),
          });
          const entities = perEntity[index]![k];
          if (entities === undefined) {
            for (const { subject, person } of subjects)
              jobs.push(
                measure(role, kpi, { period: calendar, now: clock, subject, policies, timeZone }).then((value) =>
                  result(person, null, calendar, value),
                ),
              );
          } else if (entities.length === 0) {
            // A period with no campaign (say) still shows the KPI: nothing to measure.
            jobs.push(Promise.resolve(result(null, null, calendar, { value: null, sample: 0 })));
          } else {
            // The entity, not a person, is what a per-entity KPI measures: one result each, for the role.
            for (const { entity, period } of entities) {
              jobs.push(
                measure(role, kpi, {
                  period,
                  now: clock,
                  subject: { roleId: role.id },
                  entity,
                  policies,
                  timeZone,
                }).then((value) => result(null, entity, period, value)),
              );
            }
          }
        }
      }
      // Promise.all keeps the order: roles as the roles file lists them, the role before its people, entities in order.
      return Promise.all(jobs);
    },
  };
}

export type KpiService = ReturnType<typeof createKpiService>;
