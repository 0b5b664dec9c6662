// What the UI needs to draw any card and form: every task type with its fields and workflow (guards
// are not sent, only their messages), and the directory of roles and people for names and pickers.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { OrgCatalogue } from '../org/catalogue.ts';
import type { TaskTypeDefinition } from '../org/format.schema.ts';
import type { OrgService } from '../org/org.service.ts';

function typeView(type: TaskTypeDefinition) {
  return {
    id: type.id,
    name: type.name,
    description: type.description ?? null,
    fields: type.fields.map((field) => ({
      id: field.id,
      name: field.name,
      type: field.type,
      required: field.required ?? false,
      default: field.default ?? null,
      options: field.options ?? null,
      currency: field.currency ?? null,
      min: field.min ?? null,
      max: field.max ?? null,
      maxLength: field.max_length ?? null,
      description: field.description ?? null,
    })),
    workflow: {
      initial: type.workflow.initial,
      states: type.workflow.states,
      transitions: type.workflow.transitions.map((t) => ({
        from: t.from,
        to: t.to,
        label: t.label ?? null,
        requires: t.requires ?? null,
        requiredFields: t.required_fields ?? [],
        guardMessage: t.guard === undefined ? null : (t.guard_message ?? null),
        approval: t.approval ? { by: t.approval.by, mode: t.approval.mode, count: t.approval.count ?? null } : null,
      })),
    },
  };
}

export async function taskTypes(deps: { org: OrgService; catalogue: OrgCatalogue }) {
  const model = await deps.org.active();
  const types = [...deps.catalogue.taskTypes.values(), ...model.definition.task_types];
  return types.map(typeView);
}

export async function directory(deps: { db: Kysely<Database>; org: OrgService }) {
  const model = await deps.org.active();
  const people = await deps.db
    .selectFrom('users')
    .select(['id', 'display_name'])
    .where('disabled_at', 'is', null)
    .orderBy('display_name')
    .execute();
  const { name, locale, timezone } = model.definition.organization;
  return {
    organization: { name, locale: locale ?? null, timezone },
    roles: model.definition.roles.map((role) => ({
      id: role.id,
      name: role.name,
      department: role.department ?? null,
    })),
    people: people.map((p) => ({ id: p.id, displayName: p.display_name })),
  };
}
