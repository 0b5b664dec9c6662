// An immutable snapshot of one organisation version, with the questions the rest of the product asks.
import { calendarOf, type BusinessCalendar } from '../time/business-hours.ts';
import { DEFAULT_MEMBER_CAN } from '../auth/permissions.ts';
import type { OrgCatalogue } from './catalogue.ts';
import { escalationRules, type DefaultEscalationState, type EscalationRule } from './escalation-rules.ts';
import type { FieldTypeRegistry } from '../plugins/plugin-field-types.ts';
import type { Department, GrantEntry, OrgDefinition, Role, TaskTypeDefinition } from './format.schema.ts';
import { toGrant, type Grant } from './grants.ts';

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

/** A grant scoped to departments that resolved to none (`own` without a department) covers no card. */
const coversSomething = (grant: Grant) => grant.departments === undefined || grant.departments.length > 0;

export class OrgModel {
  readonly definition: OrgDefinition;
  readonly #roles: Map<string, Role>;
  readonly #departments: Map<string, Department>;
  readonly #taskTypes: Map<string, TaskTypeDefinition>;
  /** Every escalation in force: the roles' own and the loaded plugins' defaults (overridden where the file says so). */
  readonly escalations: readonly EscalationRule[];
  /** The loaded plugins' default escalations here: active, switched off, or inactive for want of a role or policy. */
  readonly defaultEscalations: readonly DefaultEscalationState[];
  readonly #escalations: Map<string, EscalationRule>;
  /** The loaded plugins' field types, for validating fields of those types. */
  readonly fieldTypes: FieldTypeRegistry;

  constructor(
    readonly versionId: number,
    definition: OrgDefinition,
    catalogue: OrgCatalogue,
  ) {
    this.definition = deepFreeze(structuredClone(definition));
    this.#roles = new Map(this.definition.roles.map((role) => [role.id, role]));
    this.#departments = new Map(this.definition.departments.map((department) => [department.id, department]));
    this.#taskTypes = new Map([
      ...catalogue.taskTypes,
      ...this.definition.task_types.map((type) => [type.id, type] as const),
    ]);
    const { rules, defaults } = escalationRules(this.definition, catalogue.escalations);
    this.escalations = deepFreeze(rules);
    this.defaultEscalations = deepFreeze(defaults);
    this.#escalations = new Map(this.escalations.map((rule) => [rule.key, rule]));
    this.fieldTypes = catalogue.fieldTypes;
  }

  /** An escalation in force by its ledger key (`<role>/<id>` or `<plugin>/<id>`). */
  escalation(key: string): EscalationRule | undefined {
    return this.#escalations.get(key);
  }

  get id(): string {
    return this.definition.organization.id;
  }

  #calendar: BusinessCalendar | undefined;
  /** The organisation's business-hours calendar (wall time when it has no business_hours). */
  get calendar(): BusinessCalendar {
    this.#calendar ??= calendarOf(this.definition.organization);
    return this.#calendar;
  }

  get policies(): Readonly<Record<string, number | string | boolean>> {
    return this.definition.policies;
  }

  role(id: string): Role | undefined {
    return this.#roles.get(id);
  }

  department(id: string): Department | undefined {
    return this.#departments.get(id);
  }

  taskType(id: string): TaskTypeDefinition | undefined {
    return this.#taskTypes.get(id);
  }

  /** Every task type cards can have: core's, the loaded plugins' and the roles file's. */
  taskTypes(): TaskTypeDefinition[] {
    return [...this.#taskTypes.values()];
  }

  departmentOf(roleId: string): Department | undefined {
    const departmentId = this.role(roleId)?.department;
    return departmentId === undefined ? undefined : this.department(departmentId);
  }

  /** The head role of a role's department (undefined when the department names none). */
  departmentHeadOf(roleId: string): Role | undefined {
    const head = this.departmentOf(roleId)?.head;
    return head === undefined ? undefined : this.role(head);
  }

  /** Managers above a role, nearest first (the role itself not included). */
  chainOfCommand(roleId: string): Role[] {
    const chain: Role[] = [];
    let next = this.role(roleId)?.reports_to;
    while (next !== undefined) {
      const manager = this.role(next);
      if (!manager) break;
      chain.push(manager);
      next = manager.reports_to;
    }
    return chain;
  }

  directReports(roleId: string): Role[] {
    return this.definition.roles.filter((role) => role.reports_to === roleId);
  }

  /** What every member holds whatever their roles (the documented default when the file says nothing). */
  get memberCan(): readonly GrantEntry[] {
    return this.definition.organization.member_can ?? DEFAULT_MEMBER_CAN;
  }

  /** A role's own `can`, with `own` as its department (without `member_can`). */
  roleGrants(roleId: string): Grant[] {
    const role = this.role(roleId);
    if (!role) return [];
    const own = role.department === undefined ? [] : [role.department];
    return role.can.map((entry) => toGrant(entry, own)).filter(coversSomething);
  }

  /**
   * Everything someone holding these roles may do: `member_can` (its `own` = the departments of their
   * roles) and each role's `can`. The one place permissions are worked out; unknown roles grant nothing.
   */
  grantsOf(roleIds: Iterable<string>): Grant[] {
    const ids = [...roleIds].filter((id) => this.role(id));
    const own = [...new Set(ids.flatMap((id) => this.role(id)!.department ?? []))];
    return [
      ...this.memberCan.map((entry) => toGrant(entry, own)).filter(coversSomething),
      ...ids.flatMap((id) => this.roleGrants(id)),
    ];
  }

  /** The names of the permissions held in any scope (what a route's guard asks). */
  permissionsOf(roleIds: Iterable<string>): Set<string> {
    return new Set(this.grantsOf(roleIds).map((grant) => grant.permission));
  }
}
