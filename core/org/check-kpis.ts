// Checks of each role's KPIs: the metric exists, the scope is one the metrics understand, the target reads
// policies that exist in the unit the metric measures, and `per` names a card type and fields that fit.
import { parseScope } from '../kpis/core-metrics.ts';
import { ENTITY_FIELD_TYPES, PERIOD_FIELD_TYPES } from '../kpis/kpi-entities.ts';
import { resolveTarget } from '../kpis/kpi-target.ts';
import type { OrgCatalogue } from './catalogue.ts';
import type { FieldDefinition, Kpi, TaskTypeDefinition } from './format.schema.ts';
import { errorAt, type Located } from './located.ts';
import type { MergedOrg } from './merge-files.ts';
import type { OrgError, PathSegment } from './org-error.ts';
import { notLoadedPlugin, suggest } from './suggest.ts';

export function checkKpis(
  merged: MergedOrg,
  catalogue: OrgCatalogue,
  taskTypes: ReadonlyMap<string, TaskTypeDefinition>,
): OrgError[] {
  const errors: OrgError[] = [];
  const policies = Object.fromEntries([...merged.policies].map(([key, at]) => [key, at.value]));
  const { unreadable } = merged;
  const typeRef = (at: Located<unknown>, sub: PathSegment[], id: string): TaskTypeDefinition | undefined => {
    const type = taskTypes.get(id);
    if (!type && !unreadable.has('task_types', id)) {
      errors.push(
        errorAt(
          at,
          sub,
          'unresolved_ref',
          `unknown task type "${id}"${notLoadedPlugin(id, taskTypes.keys())}`,
          suggest(id, [...taskTypes.keys(), ...unreadable.idsOf('task_types')]),
        ),
      );
    }
    return type;
  };

  for (const at of merged.roles) {
    at.value.kpis.forEach((kpi, i) => {
      const sub = (...rest: PathSegment[]) => ['kpis', i, ...rest];
      const metric = catalogue.metrics.get(kpi.metric);
      if (!metric) {
        const ids = [...catalogue.metrics.keys()];
        errors.push(
          errorAt(
            at,
            sub('metric'),
            'unresolved_ref',
            `unknown metric "${kpi.metric}"${notLoadedPlugin(kpi.metric, ids)}`,
            suggest(kpi.metric, ids),
          ),
        );
      } else {
        const { problems } = resolveTarget(kpi, metric.unit, policies, (key) => unreadable.has('policies', key));
        for (const problem of problems)
          errors.push(errorAt(at, sub('target', ...problem.path), problem.kind, problem.message, problem.suggestion));
      }
      if (kpi.scope) {
        try {
          parseScope(kpi.scope).types?.forEach((type) => {
            typeRef(at, sub('scope', 'task_type'), type);
          });
        } catch (error) {
          errors.push(errorAt(at, sub('scope'), 'schema', (error as Error).message));
        }
      }
      if (kpi.per)
        errors.push(...checkPer(at, sub('per'), kpi.per, typeRef(at, sub('per', 'task_type'), kpi.per.task_type)));
    });
  }
  return errors;
}

function checkPer(
  at: Located<unknown>,
  path: PathSegment[],
  per: NonNullable<Kpi['per']>,
  type: TaskTypeDefinition | undefined,
): OrgError[] {
  if (!type) return [];
  const errors: OrgError[] = [];
  const fieldRef = (key: 'field' | 'from' | 'to', allowed: readonly FieldDefinition['type'][], what: string) => {
    const id = per[key];
    if (id === undefined) return;
    const field = type.fields.find((candidate) => candidate.id === id);
    if (!field) {
      errors.push(
        errorAt(
          at,
          [...path, key],
          'unresolved_ref',
          `task type "${type.id}" has no field "${id}"`,
          suggest(
            id,
            type.fields.map((f) => f.id),
          ),
        ),
      );
    } else if (!allowed.includes(field.type)) {
      errors.push(
        errorAt(
          at,
          [...path, key],
          'schema',
          `field "${id}" of "${type.id}" is a ${field.type} field; ${what} needs one of ${allowed.join(', ')}`,
        ),
      );
    }
  };
  fieldRef('field', ENTITY_FIELD_TYPES, 'one entity per value');
  fieldRef('from', PERIOD_FIELD_TYPES, 'a period');
  fieldRef('to', PERIOD_FIELD_TYPES, 'a period');
  return errors;
}
