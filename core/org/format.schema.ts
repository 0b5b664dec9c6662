// The roles file format (ROLES-FORMAT.md) as zod schemas: one file of an organisation, and the merged whole.
// The published JSON Schema (GET /api/org/schema) is generated from these, so they stay the one source.
import { z } from 'zod';

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a slug: lowercase letters, digits and "-"');
const fieldId = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, 'expected lowercase letters, digits and "_", starting with a letter');
const taskTypeId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*\.[a-z0-9][a-z0-9_-]*$/, 'expected "<prefix>.<name>", e.g. kitchen.incident');
const permissionName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*\.[a-z0-9][a-z0-9-]*$/, 'expected "<area>.<action>", e.g. tasks.assign');
/**
 * A permission in `can:`, plain (organisation-wide) or scoped to cards of some task types and/or some
 * departments' cards (`own`: the role's department). Given both, a card must match both.
 */
const scopeKeys = {
  permission: permissionName,
  task_types: z.array(taskTypeId).min(1).optional(),
  departments: z.array(slug).min(1).optional(),
};
const scopedGrant = z
  .strictObject(scopeKeys)
  .describe(
    "A permission scoped to cards of these task types and/or these departments (own: the role's department); given both, a card must match both",
  );
export const grantEntry = z.union([permissionName, scopedGrant]);
/**
 * A permission every member holds. Powerful ones (power over others) need the acknowledgement, so a
 * reviewer cannot miss that everyone gets them; the loader checks that (it knows plugins' permissions).
 */
const memberGrantEntry = z.union([
  permissionName,
  z
    .strictObject({ ...scopeKeys, i_understand_everyone_gets_this: z.literal(true).optional() })
    .describe(
      "A permission every member holds, optionally scoped (own: each member's departments); a powerful one needs i_understand_everyone_gets_this: true",
    ),
]);
const localeTag = z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'expected a language tag, e.g. zh-CN or en');

/** A display name: plain text, or one per language: {zh-CN: 客服经理, en: CS manager}. */
export const displayName = z.union([
  z.string().min(1),
  z.record(localeTag, z.string().min(1)).refine((names) => Object.keys(names).length > 0, 'give at least one language'),
]);

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time "HH:MM", e.g. "09:00"');
const date = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'expected a date YYYY-MM-DD');
const weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
export const isoDuration = z
  .string()
  .regex(
    /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/,
    'expected an ISO-8601 duration, e.g. PT4H or P1D',
  );
/** Minute, hour, day of month, month, day of week: each `*`, a number, a range, a list, with `/step`. */
const CRON_FIELDS: [number, number, string[]?][] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12, ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']],
  [0, 7, ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']],
];

function isCronField(field: string, [min, max, names]: [number, number, string[]?]): boolean {
  const value = (text: string) => {
    const index = names?.indexOf(text.toLowerCase()) ?? -1;
    const n = index >= 0 ? index + (min === 1 ? 1 : 0) : /^\d+$/.test(text) ? Number(text) : NaN;
    return n >= min && n <= max ? n : NaN;
  };
  return field.split(',').every((part) => {
    const [range, step] = part.split('/');
    if (step !== undefined && !/^[1-9]\d*$/.test(step)) return false;
    if (range === '*') return true;
    const [from, to, extra] = range!.split('-');
    if (extra !== undefined) return false;
    if (to === undefined) return !Number.isNaN(value(from!));
    return !Number.isNaN(value(from!)) && !Number.isNaN(value(to)) && value(from!) <= value(to);
  });
}

export function isCron(text: string): boolean {
  const fields = text.trim().split(/\s+/);
  return fields.length === 5 && fields.every((field, i) => isCronField(field, CRON_FIELDS[i]!));
}

const cron = z
  .string()
  .refine(
    isCron,
    'expected day|week|month|quarter|year or a 5-field cron string ("minute hour day month weekday", e.g. "0 9 * * mon")',
  );

/** JsonLogic: checked for allowed operations and known paths by the rule checks, not here. */
const jsonLogicRule = z.unknown().refine((value) => value !== undefined, 'expected a JsonLogic rule');

/** Fixtures a rule must pass at validation: the context given, and the answer expected. */
const ruleTests = z
  .array(z.strictObject({ given: z.record(z.string(), z.unknown()), expect: z.boolean(), name: z.string().optional() }))
  .optional();

const businessHours = z
  .strictObject({
    days: z.array(weekday).min(1),
    from: time,
    to: time,
    holidays: z.array(date).optional(),
    workdays: z.array(date).optional(),
  })
  // Opening hours within one day: a window across midnight is not supported.
  .refine((hours) => hours.from < hours.to, {
    message: '"from" must be before "to" (e.g. from "09:00" to "22:00")',
    path: ['to'],
  });

const organization = z.strictObject({
  id: slug,
  name: displayName,
  timezone: z
    .string()
    .refine((zone) => isTimeZone(zone), 'expected an IANA time zone, e.g. Asia/Shanghai')
    .default('UTC'),
  locale: localeTag.optional(),
  business_hours: businessHours.optional(),
  /** What every member may do whatever their roles; absent: DEFAULT_MEMBER_CAN; `[]`: nothing. */
  member_can: z
    .array(memberGrantEntry)
    .optional()
    .describe(
      'What every member may do whatever their roles. Absent: org.view, boards.view, tasks.create, tasks.edit, tasks.move, kpis.view; []: nothing',
    ),
});

export const FIELD_TYPES = [
  'text',
  'long_text',
  'number',
  'money',
  'percent',
  'date',
  'datetime',
  'enum',
  'multi_enum',
  'person',
  'role',
  'url',
  'checklist',
  'boolean',
] as const;
export type CoreFieldType = (typeof FIELD_TYPES)[number];
/** A field type a plugin adds, named `<plugin id>.<name>` (core/plugins/plugin-field-types.ts). */
export type PluginFieldTypeId = `${string}.${string}`;
export const pluginFieldTypeId = z
  .string()
  .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*\.[a-z][a-z0-9_-]*$/) as unknown as z.ZodType<PluginFieldTypeId>;
export const STATE_CATEGORIES = ['todo', 'active', 'blocked', 'done'] as const;

const fieldDefinition = z.strictObject({
  id: fieldId,
  name: displayName,
  type: z.union([z.enum(FIELD_TYPES), pluginFieldTypeId]),
  required: z.boolean().optional(),
  default: z.unknown().optional(),
  options: z.array(z.string().min(1)).min(1).optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code, e.g. CNY')
    .optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  max_length: z.number().int().positive().optional(),
  description: z.string().optional(),
});

/**
 * A transition that needs approval: by any one holder of a role (或签), all of them (会签), or `count`
 * of them. Without the right to move directly, a person requests it; `reject_to` is where a rejected
 * request sends the card.
 */
const approvalRule = z
  .strictObject({
    by: slug,
    mode: z.enum(['any', 'all', 'count']).default('any'),
    count: z.number().int().min(1).optional(),
    reject_to: fieldId.optional(),
    /** Whether the requester's own approval counts toward `any`/`all`/`count` (default: it is recorded, not counted). */
    self_approval: z.boolean().optional(),
  })
  .refine((rule) => (rule.mode === 'count') === (rule.count !== undefined), 'give "count" exactly when mode is count');

export type ApprovalRule = z.output<typeof approvalRule>;

/**
 * A workflow state. A card in a `done` state is read-only (comments aside) unless `read_only: false`;
 * any state may be made read-only, and `locked_fields` cannot change while a card is in the state.
 */
const workflowState = z.strictObject({
  id: fieldId,
  name: displayName,
  category: z.enum(STATE_CATEGORIES),
  read_only: z.boolean().optional(),
  locked_fields: z.array(fieldId).min(1).optional(),
});

export type WorkflowState = z.output<typeof workflowState>;

const workflow = z.strictObject({
  initial: fieldId,
  states: z.array(workflowState).min(1),
  transitions: z.array(
    z.strictObject({
      from: fieldId,
      to: fieldId,
      label: displayName.optional(),
      requires: permissionName.optional(),
      guard: jsonLogicRule.optional(),
      guard_message: z.string().optional(),
      /** Fixtures of the guard (context: task, actor, policy, now). */
      tests: ruleTests,
      required_fields: z.array(fieldId).optional(),
      approval: approvalRule.optional(),
    }),
  ),
});

/** A card's due time derived from one of its date-time fields: that moment plus `hours`, a number or a policy's. */
const dueFrom = z.strictObject({
  field: fieldId,
  hours: z.union([z.number().positive(), z.strictObject({ policy: fieldId })]),
});

export const taskTypeSchema = z.strictObject({
  id: taskTypeId,
  name: displayName,
  description: z.string().optional(),
  fields: z.array(fieldDefinition).default([]),
  workflow,
  due_from: dueFrom.optional(),
});

const PERIODS = ['day', 'week', 'month', 'quarter', 'year'] as const;

const duty = z
  .strictObject({
    id: slug,
    title: z.string().min(1),
    description: z.string().optional(),
    every: z.union([z.enum(PERIODS), cron]).optional(),
    on: z.union([weekday, z.number().int().min(1).max(31), z.literal('last')]).optional(),
    at: time.optional(),
    due: isoDuration.optional(),
    task_type: taskTypeId.default('core.task'),
    deliverable: z.string().optional(),
  })
  .superRefine((duty, ctx) => {
    const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (duty.every === undefined) {
      if (duty.on !== undefined) problem('on', '"on" needs "every" (a standing duty generates no cards)');
      if (duty.at !== undefined) problem('at', '"at" needs "every" (a standing duty generates no cards)');
      if (duty.due !== undefined) problem('due', '"due" needs "every" (a standing duty generates no cards)');
      return;
    }
    if (duty.on === undefined) return;
    const isWeekday = typeof duty.on === 'string' && duty.on !== 'last';
    if (duty.every === 'week' && !isWeekday) problem('on', 'for every: week, "on" is a weekday: mon … sun');
    else if (duty.every === 'month' && isWeekday) problem('on', 'for every: month, "on" is a day 1 … 31 or last');
    else if (duty.every !== 'week' && duty.every !== 'month') {
      problem(
        'on',
        `"on" applies to every: week or month, not ${PERIODS.includes(duty.every as never) ? duty.every : 'a cron string'}`,
      );
    }
  });

/** A percentage written as text, e.g. 85% or 2.5%: YAML reads `{gte: 85%}` as the string "85%". */
export const PERCENT_TEXT = /^(-?\d+(?:\.\d+)?) ?%$/;

/** One bound of a KPI target: a number in the metric's unit, a percentage, or the value of a policy. */
const targetBound = z.union([
  z.number(),
  z.string().regex(PERCENT_TEXT, 'expected a number, a percentage such as 85%, or {policy: <key>}'),
  z
    .strictObject({ policy: fieldId })
    .describe('The value of a policy; a policy whose key ends in _pct holds a percentage (0-100)'),
]);

const TARGET_SHAPE = 'expected exactly one of gte, lte, gt, lt, eq, or a range: one of gte/gt with one of lte/lt';

/** One comparison, or a range (a lower bound and an upper bound). */
const comparison = z
  .strictObject({ gte: targetBound, lte: targetBound, gt: targetBound, lt: targetBound, eq: targetBound })
  .partial()
  .refine((target) => {
    const has = (key: keyof typeof target) => target[key] !== undefined;
    const count = Object.keys(target).length;
    if (count === 1) return true;
    // A range: exactly one lower bound and exactly one upper bound.
    return count === 2 && has('gte') !== has('gt') && has('lte') !== has('lt');
  }, TARGET_SHAPE);

/**
 * A KPI measured per entity rather than per role and person: per card of `task_type` (over the card's own
 * dates when `from` and `to` name its date fields), or per value of the card type's `field`.
 */
const kpiPer = z
  .strictObject({ task_type: taskTypeId, field: fieldId.optional(), from: fieldId.optional(), to: fieldId.optional() })
  .superRefine((per, ctx) => {
    if (per.field !== undefined && (per.from !== undefined || per.to !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['field'],
        message: 'give "field" (one entity per value) or "from"/"to" (one per card, over its dates), not both',
      });
    } else if ((per.from === undefined) !== (per.to === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [per.from === undefined ? 'to' : 'from'],
        message: 'give "from" and "to" together: the date fields that open and close each card\'s period',
      });
    }
  });

const kpi = z.strictObject({
  id: slug,
  name: displayName,
  metric: taskTypeId,
  target: comparison,
  period: z.enum(['week', 'month', 'quarter', 'year']),
  scope: z.record(z.string(), z.unknown()).optional(),
  per: kpiPer.optional(),
});

/** Core's actions, and a plugin's `<plugin id>.<action>`, optionally with an argument after ":". */
export const ESCALATION_ACTION =
  /^(notify|reassign|raise_priority|label:[^\s:]+|move:[a-z][a-z0-9_]*|[a-z][a-z0-9]*(-[a-z0-9]+)*\.[a-z][a-z0-9_]*(:\S+)?)$/;
/** A plugin's action in `then:`: its plugin, its name, and the argument after ":" if any. */
export const PLUGIN_ACTION =
  /^(?<plugin>[a-z][a-z0-9]*(?:-[a-z0-9]+)*)\.(?<name>[a-z][a-z0-9_]*)(?::(?<argument>\S+))?$/;

export const escalationSchema = z.strictObject({
  id: slug,
  title: z.string().min(1).optional(),
  enabled: z.boolean().optional(),
  applies_to: z
    .strictObject({ task_types: z.array(taskTypeId).min(1).optional(), statuses: z.array(fieldId).min(1).optional() })
    .optional(),
  when: jsonLogicRule,
  stop_when: jsonLogicRule.optional(),
  business_hours: z.boolean().optional(),
  levels: z
    .array(
      z.strictObject({
        after: isoDuration,
        to: z.string().min(1),
        then: z
          .array(
            z
              .string()
              .regex(
                ESCALATION_ACTION,
                "expected notify, reassign, raise_priority, label:<name>, move:<status> or a plugin's <plugin id>.<action>",
              ),
          )
          .min(1),
      }),
    )
    .min(1),
  tests: ruleTests,
});

/**
 * An escalation as a role lists it. With the id of a loaded plugin's default escalation it overrides that
 * default (the keys given replace the plugin's), so `when` and `levels` may then be left out.
 */
const escalationEntry = escalationSchema.partial({ when: true, levels: true });

const role = z.strictObject({
  id: slug,
  name: displayName,
  department: slug.optional(),
  reports_to: slug.optional(),
  headcount: z.number().int().min(0).optional(),
  description: z.string().optional(),
  can: z.array(grantEntry).default([]),
  duties: z.array(duty).default([]),
  kpis: z.array(kpi).default([]),
  escalations: z.array(escalationEntry).default([]),
  /** At most this many open cards of a task type per holder when cards are assigned to the role. */
  personal_wip: z.record(taskTypeId, z.number().int().positive()).optional(),
});

const department = z.strictObject({
  id: slug,
  name: displayName,
  head: slug.optional(),
  description: z.string().optional(),
});

const member = z.strictObject({
  email: z.email('expected an email address'),
  name: z.string().min(1),
  roles: z.array(slug).default([]),
});

const policyValue = z.union([z.number(), z.string(), z.boolean()]);

/** One YAML file. In a folder, the files are merged; `organization` must appear in exactly one. */
export const roleFileSchema = z.strictObject({
  version: z.literal(1, 'expected version: 1'),
  organization: organization.optional(),
  policies: z.record(fieldId, policyValue).optional(),
  departments: z.array(department).optional(),
  roles: z.array(role).optional(),
  task_types: z.array(taskTypeSchema).optional(),
  members: z.array(member).optional(),
});

export type RoleFile = z.output<typeof roleFileSchema>;
export type Organization = z.output<typeof organization>;
export type GrantEntry = z.output<typeof memberGrantEntry>;
export type Department = z.output<typeof department>;
export type Role = z.output<typeof role>;
export type Duty = z.output<typeof duty>;
export type Kpi = z.output<typeof kpi>;
export type KpiPer = z.output<typeof kpiPer>;
export type KpiTargetBound = z.output<typeof targetBound>;
export type Escalation = z.output<typeof escalationSchema>;
export type EscalationEntry = z.output<typeof escalationEntry>;
export type TaskTypeDefinition = z.output<typeof taskTypeSchema>;
export type FieldDefinition = z.output<typeof fieldDefinition>;
export type Member = z.output<typeof member>;
export type DisplayName = z.output<typeof displayName>;

/** The merged organisation: what a version stores as canonical JSON and the org model is built from. */
export interface OrgDefinition {
  version: 1;
  organization: Organization;
  policies: Record<string, number | string | boolean>;
  departments: Department[];
  roles: Role[];
  task_types: TaskTypeDefinition[];
  members: Member[];
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The JSON Schema of one roles file, as published at GET /api/org/schema. */
export function roleFileJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(roleFileSchema, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://dutyboard.dev/schemas/roles-file.json',
    title: 'Dutyboard roles file',
  };
}

/** The shape of its jsonb column(s), for core/db/schema.ts. */
declare module '../db/schema.ts' {
  interface JsonShapes {
    orgDefinition: OrgDefinition;
    displayName: DisplayName;
  }
}
