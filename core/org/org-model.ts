// An immutable snapshot of one organisation version, with the questions the rest of the product asks.
import { calendarOf, type BusinessCalendar } from '../time/business-hours.ts';
import type { OrgCatalogue } from './catalogue.ts';
import type { Department, OrgDefinition, Role, TaskTypeDefinition } from './format.schema.ts';

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

export class OrgModel {
  readonly definition: OrgDefinition;
  readonly #roles: Map<string, Role>;
  readonly #departments: Map<string, Department>;
  readonly #taskTypes: Map<string, TaskTypeDefinition>;

  constructor(
    readonly versionId: number,
    definition: OrgDefinition,
    catalogue: OrgCatalogue,
  ) {
    this.definition = deepFreeze(structuredClone(definition));
    this.#roles = new Map(this.definition.roles.map((role) => [role.id, role]));
    this.#departments = new Map(this.definition.departments.map((department) => [department.id, department]));
    this.#taskTypes = new Map([...catalogue.taskTypes, ...this.definition.task_types.map((type) => [type.id, type] as const)]);
  }

  get id(): string {
    return this.definition.organization.id;
  }

  #calendar: BusinessCalendar | undefined;
  /** The organisation's business-hours calendar (wall time when it has no business_hours). */
  get calendar(): BusinessCalendar {
    return (this.#calendar ??= calendarOf(this.definition.organization));
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

  /** Permissions of someone holding these roles: the union of their `can` (unknown roles grant nothing). */
  permissionsOf(roleIds: Iterable<string>): Set<string> {
    const permissions = new Set<string>();
    for (const id of roleIds) for (const permission of this.role(id)?.can ?? []) permissions.add(permission);
    return permissions;
  }
}
