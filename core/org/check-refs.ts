// Graph checks of a merged organisation: every reference resolves, reporting lines form a forest,
// department heads belong to their department, and declared task types are well-formed. A reference to
// something a file defines but that could not be read (merged.unreadable) is not reported.
import { toFieldIssues } from '../input.schemas.ts';
import { fieldValueSchema } from '../tasks/field-schema.ts';
import type { OrgCatalogue } from './catalogue.ts';
import { checkGrants } from './check-grants.ts';
import { checkKpis } from './check-kpis.ts';
import { PLUGIN_ACTION, type FieldDefinition, type TaskTypeDefinition } from './format.schema.ts';
import { overridden } from './escalation-rules.ts';
import { errorAt, type Located } from './located.ts';
import type { MergedOrg } from './merge-files.ts';
import type { OrgError, PathSegment } from './org-error.ts';
import { notLoadedPlugin, suggest } from './suggest.ts';
import type { PartKind, Unreadable } from './unreadable.ts';

export function allTaskTypes(merged: MergedOrg, catalogue: OrgCatalogue): Map<string, TaskTypeDefinition> {
  return new Map([...catalogue.taskTypes, ...merged.taskTypes.map((at) => [at.value.id, at.value] as const)]);
}

export function checkRefs(merged: MergedOrg, catalogue: OrgCatalogue): OrgError[] {
  const errors: OrgError[] = [];
  const roleIds = new Set(merged.roles.map((at) => at.value.id));
  const departmentIds = new Set(merged.departments.map((at) => at.value.id));
  const taskTypes = allTaskTypes(merged, catalogue);

  const { unreadable } = merged;
  const ref = (
    at: Located<unknown>,
    sub: PathSegment[],
    what: string,
    id: string,
    known: Iterable<string>,
    kind?: PartKind,
  ) => {
    if (kind && unreadable.has(kind, id)) return;
    const list = [...known];
    if (!list.includes(id))
      errors.push(
        errorAt(
          at,
          sub,
          'unresolved_ref',
          `unknown ${what} "${id}"${notLoadedPlugin(id, list)}`,
          suggest(id, kind ? [...list, ...unreadable.idsOf(kind)] : list),
        ),
      );
  };

  for (const at of merged.departments) {
    if (at.value.head === undefined) continue;
    ref(at, ['head'], 'role', at.value.head, roleIds, 'roles');
    const head = merged.roles.find((role) => role.value.id === at.value.head);
    if (head && head.value.department !== at.value.id) {
      errors.push(
        errorAt(
          at,
          ['head'],
          'unresolved_ref',
          `head "${at.value.head}" is not a role of department "${at.value.id}" (it is in ${head.value.department ?? 'no department'})`,
        ),
      );
    }
  }

  for (const at of merged.roles) {
    const role = at.value;
    if (role.department !== undefined)
      ref(at, ['department'], 'department', role.department, departmentIds, 'departments');
    if (role.reports_to !== undefined) ref(at, ['reports_to'], 'role', role.reports_to, roleIds, 'roles');
    for (const type of Object.keys(role.personal_wip ?? {}))
      ref(at, ['personal_wip', type], 'task type', type, taskTypes.keys(), 'task_types');
    role.duties.forEach((duty, i) => {
      if (duty.task_type)
        ref(at, ['duties', i, 'task_type'], 'task type', duty.task_type, taskTypes.keys(), 'task_types');
    });
    role.escalations.forEach((entry, i) => {
      // An override is checked as it will run: the plugin's default with the entry's keys in place.
      const pluginDefault = catalogue.escalations.get(entry.id);
      const escalation = pluginDefault ? overridden(pluginDefault.rule, entry) : entry;
      if (pluginDefault && escalation.enabled === false) return; // switched off: it names nothing that must exist
      const types = escalation.applies_to?.task_types ?? [];
      types.forEach((type, j) => {
        ref(at, ['escalations', i, 'applies_to', 'task_types', j], 'task type', type, taskTypes.keys(), 'task_types');
      });
      // The states of a task type that could not be read are unknown: statuses are then not checked.
      const statesKnown = types.length
        ? !types.some((type) => unreadable.has('task_types', type))
        : !unreadable.has('task_types');
      const states = statesOf(types.length ? types : [...taskTypes.keys()], taskTypes);
      const stateRef = (sub: PathSegment[], status: string) => statesKnown && ref(at, sub, 'status', status, states);
      escalation.applies_to?.statuses?.forEach((status, j) => {
        stateRef(['escalations', i, 'applies_to', 'statuses', j], status);
      });
      (escalation.levels ?? []).forEach((level, j) => {
        // A plugin's default climbs from the card's role, not from the role the override is listed under.
        if (level.to === 'department_head' && role.department === undefined && !pluginDefault) {
          errors.push(
            errorAt(
              at,
              ['escalations', i, 'levels', j, 'to'],
              'unresolved_ref',
              `role "${role.id}" has no department, so it has no department_head`,
            ),
          );
        } else if (level.to !== 'reports_to' && level.to !== 'department_head') {
          ref(
            at,
            ['escalations', i, 'levels', j, 'to'],
            'role (or reports_to / department_head)',
            level.to,
            roleIds,
            'roles',
          );
        }
        level.then.forEach((action, k) => {
          if (action.startsWith('move:')) stateRef(['escalations', i, 'levels', j, 'then', k], action.slice(5));
          const plugin = PLUGIN_ACTION.exec(action)?.groups;
          if (plugin)
            ref(
              at,
              ['escalations', i, 'levels', j, 'then', k],
              'escalation action',
              `${plugin.plugin}.${plugin.name}`,
              catalogue.escalationActions,
            );
        });
      });
    });
  }

  errors.push(...checkKpis(merged, catalogue, taskTypes));
  errors.push(...checkGrants(merged, catalogue, taskTypes.keys()));
  errors.push(...checkReportingForest(merged));
  for (const at of merged.taskTypes)
    errors.push(...checkTaskType(at, catalogue, () => [...roleIds], unreadable), ...checkDueFrom(at, merged));
  for (const at of merged.members) {
    at.value.roles.forEach((role, i) => {
      ref(at, ['roles', i], 'role', role, roleIds, 'roles');
    });
  }
  return errors;
}

export function statesOf(types: string[], taskTypes: ReadonlyMap<string, TaskTypeDefinition>): Set<string> {
  return new Set(types.flatMap((id) => taskTypes.get(id)?.workflow.states.map((state) => state.id) ?? []));
}

function checkReportingForest(merged: MergedOrg): OrgError[] {
  const managerOf = new Map(merged.roles.map((at) => [at.value.id, at.value.reports_to]));
  const errors: OrgError[] = [];
  const reported = new Set<string>();
  for (const at of merged.roles) {
    const chain = [at.value.id];
    let next = at.value.reports_to;
    while (next !== undefined && managerOf.has(next)) {
      if (chain.includes(next)) {
        // A role that only leads into a loop is not part of it; the loop is reported at one of its own roles.
        if (next !== at.value.id) break;
        const loop = [...chain, next];
        const key = [...loop].slice(0, -1).sort().join(',');
        if (!reported.has(key)) {
          reported.add(key);
          errors.push(errorAt(at, ['reports_to'], 'cycle', `reporting lines loop: ${loop.join(' → ')}`));
        }
        break;
      }
      chain.push(next);
      next = managerOf.get(next);
    }
  }
  return errors;
}

/** Field settings and the field types they mean something for. */
const FIELD_SETTINGS: [keyof FieldDefinition, FieldDefinition['type'][]][] = [
  ['options', ['enum', 'multi_enum']],
  ['currency', ['money']],
  ['max_length', ['text', 'long_text', 'url']],
  ['min', ['number', 'money', 'percent']],
  ['max', ['number', 'money', 'percent']],
];

function checkTaskType(
  at: Located<TaskTypeDefinition>,
  catalogue: OrgCatalogue,
  roleIds: () => string[],
  unreadable: Unreadable,
): OrgError[] {
  const errors: OrgError[] = [];
  const type = at.value;
  const prefix = type.id.split('.')[0]!;
  if (catalogue.reservedPrefixes.has(prefix)) {
    errors.push(
      errorAt(
        at,
        ['id'],
        'schema',
        `prefix "${prefix}" belongs to ${prefix === 'core' ? 'core' : `the ${prefix} plugin`}; choose your own, e.g. "shop.${type.id.split('.')[1]}"`,
      ),
    );
  }
  const fieldIds = type.fields.map((field) => field.id);
  type.fields.forEach((field, i) => {
    if (fieldIds.indexOf(field.id) !== i)
      errors.push(errorAt(at, ['fields', i, 'id'], 'duplicate_id', `field "${field.id}" is defined twice`));
    if ((field.type === 'enum' || field.type === 'multi_enum') && !field.options) {
      errors.push(errorAt(at, ['fields', i], 'schema', `a ${field.type} field needs "options"`));
    }
    if (field.type === 'money' && !field.currency)
      errors.push(errorAt(at, ['fields', i], 'schema', 'a money field needs "currency", e.g. CNY'));
    const pluginType = field.type.includes('.');
    if (pluginType && !catalogue.fieldTypes.has(field.type)) {
      const known = [...catalogue.fieldTypes.keys()];
      errors.push(
        errorAt(
          at,
          ['fields', i, 'type'],
          'unresolved_ref',
          `unknown field type "${field.type}"${notLoadedPlugin(field.type, known)}`,
          suggest(field.type, known),
        ),
      );
      return;
    }
    // A default every new card would get must itself be a value of the field (else no card could be made).
    const hasOptions = (field.type !== 'enum' && field.type !== 'multi_enum') || field.options;
    const fits =
      field.default === undefined || !hasOptions
        ? undefined
        : fieldValueSchema(field, catalogue.fieldTypes).safeParse(field.default);
    if (fits && !fits.success) {
      const problem = toFieldIssues(fits.error)
        .map((issue) => (issue.path === '(root)' ? issue.message : `${issue.path}: ${issue.message}`))
        .join('; ');
      errors.push(
        errorAt(at, ['fields', i, 'default'], 'schema', `the default is not a valid ${field.type} value: ${problem}`),
      );
    }
    for (const [key, types] of FIELD_SETTINGS) {
      if (field[key] !== undefined && !types.includes(field.type)) {
        errors.push(
          errorAt(
            at,
            ['fields', i, key],
            'schema',
            `"${key}" does not apply to a ${field.type} field (only to ${types.join(', ')})`,
          ),
        );
      }
    }
  });
  const stateIds = type.workflow.states.map((state) => state.id);
  type.workflow.states.forEach((state, i) => {
    if (stateIds.indexOf(state.id) !== i)
      errors.push(errorAt(at, ['workflow', 'states', i, 'id'], 'duplicate_id', `state "${state.id}" is defined twice`));
    state.locked_fields?.forEach((field, j) => {
      if (!fieldIds.includes(field))
        errors.push(
          errorAt(
            at,
            ['workflow', 'states', i, 'locked_fields', j],
            'unresolved_ref',
            `unknown field "${field}"`,
            suggest(field, fieldIds),
          ),
        );
    });
  });
  const stateRef = (sub: PathSegment[], id: string) => {
    if (!stateIds.includes(id))
      errors.push(errorAt(at, sub, 'unresolved_ref', `unknown state "${id}"`, suggest(id, stateIds)));
  };
  stateRef(['workflow', 'initial'], type.workflow.initial);
  type.workflow.transitions.forEach((transition, i) => {
    stateRef(['workflow', 'transitions', i, 'from'], transition.from);
    stateRef(['workflow', 'transitions', i, 'to'], transition.to);
    if (transition.approval) {
      const roles = roleIds();
      if (!roles.includes(transition.approval.by) && !unreadable.has('roles', transition.approval.by)) {
        errors.push(
          errorAt(
            at,
            ['workflow', 'transitions', i, 'approval', 'by'],
            'unresolved_ref',
            `unknown role "${transition.approval.by}"`,
            suggest(transition.approval.by, roles),
          ),
        );
      }
      if (transition.approval.reject_to !== undefined)
        stateRef(['workflow', 'transitions', i, 'approval', 'reject_to'], transition.approval.reject_to);
    }
    if (transition.requires && !catalogue.permissions.has(transition.requires)) {
      errors.push(
        errorAt(
          at,
          ['workflow', 'transitions', i, 'requires'],
          'unresolved_ref',
          `unknown permission "${transition.requires}"${notLoadedPlugin(transition.requires, catalogue.permissions)}`,
          suggest(transition.requires, catalogue.permissions),
        ),
      );
    }
    transition.required_fields?.forEach((field, j) => {
      if (!fieldIds.includes(field)) {
        errors.push(
          errorAt(
            at,
            ['workflow', 'transitions', i, 'required_fields', j],
            'unresolved_ref',
            `unknown field "${field}"`,
            suggest(field, fieldIds),
          ),
        );
      }
    });
  });
  return errors;
}

/** `due_from` names a date or date-time field of its own type, and a numeric policy when it reads one. */
function checkDueFrom(at: Located<TaskTypeDefinition>, merged: MergedOrg): OrgError[] {
  const due = at.value.due_from;
  if (!due) return [];
  const errors: OrgError[] = [];
  const problem = dueFieldProblem(at.value);
  if (problem)
    errors.push(
      errorAt(
        at,
        ['due_from', 'field'],
        problem.startsWith('unknown') ? 'unresolved_ref' : 'schema',
        problem,
        suggest(
          due.field,
          at.value.fields.map((f) => f.id),
        ),
      ),
    );
  if (typeof due.hours === 'object' && !merged.unreadable.has('policies', due.hours.policy)) {
    const policy = merged.policies.get(due.hours.policy);
    if (!policy)
      errors.push(
        errorAt(
          at,
          ['due_from', 'hours', 'policy'],
          'unresolved_ref',
          `unknown policy "${due.hours.policy}"`,
          suggest(due.hours.policy, merged.policies.keys()),
        ),
      );
    else if (typeof policy.value !== 'number' || policy.value <= 0)
      errors.push(
        errorAt(
          at,
          ['due_from', 'hours', 'policy'],
          'schema',
          `policy "${due.hours.policy}" must be a number of hours above 0 to set a due time`,
        ),
      );
  }
  return errors;
}

/** Why a task type's `due_from.field` cannot give a due time, or undefined when it can. */
export function dueFieldProblem(type: TaskTypeDefinition): string | undefined {
  if (!type.due_from) return undefined;
  const field = type.fields.find((f) => f.id === type.due_from!.field);
  if (!field) return `unknown field "${type.due_from.field}"`;
  return field.type === 'datetime' || field.type === 'date'
    ? undefined
    : `field "${field.id}" is a ${field.type} field; a due time is counted from a date or datetime field`;
}
