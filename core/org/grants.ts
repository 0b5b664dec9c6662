// Permissions as the org model hands them out: each a grant, organisation-wide or scoped to cards of
// some task types and/or departments. Whether a grant covers a card, or another grant, is decided here.
import type { GrantEntry } from './format.schema.ts';

export interface Grant {
  permission: string;
  /** Only cards of these task types (absent: any type). */
  taskTypes?: readonly string[];
  /** Only cards that belong to these departments (absent: any card); `own` already resolved. */
  departments?: readonly string[];
}

/** What a scoped permission is judged on: the card's type and the departments it belongs to. */
export interface CardScope {
  type: string;
  departments: ReadonlySet<string>;
}

export const OWN_DEPARTMENT = 'own';

/** A written entry as a grant; `own` stands for `ownDepartments` (none: the grant covers no department). */
export function toGrant(entry: GrantEntry, ownDepartments: readonly string[]): Grant {
  if (typeof entry === 'string') return { permission: entry };
  const departments = entry.departments?.flatMap((id) => (id === OWN_DEPARTMENT ? ownDepartments : [id]));
  return {
    permission: entry.permission,
    ...(entry.task_types ? { taskTypes: entry.task_types } : {}),
    ...(departments ? { departments: [...new Set(departments)] } : {}),
  };
}

export function grantCoversCard(grant: Grant, card: CardScope): boolean {
  if (grant.taskTypes && !grant.taskTypes.includes(card.type)) return false;
  if (grant.departments && !grant.departments.some((id) => card.departments.has(id))) return false;
  return true;
}

/** True when `wide` allows everything `narrow` allows (same permission, a scope at least as wide). */
export function grantCovers(wide: Grant, narrow: Grant): boolean {
  if (wide.permission !== narrow.permission) return false;
  const within = (outer?: readonly string[], inner?: readonly string[]) =>
    outer === undefined || (inner?.every((id) => outer.includes(id)) ?? false);
  return within(wide.taskTypes, narrow.taskTypes) && within(wide.departments, narrow.departments);
}

/** The grants of `wanted` that none of `held` covers: what someone holding `held` may not hand out. */
export function uncoveredGrants(held: readonly Grant[], wanted: readonly Grant[]): Grant[] {
  return wanted.filter((grant) => !held.some((mine) => grantCovers(mine, grant)));
}

/** "tasks.approve" or "tasks.approve (task types store.price-request; departments hr)", for messages. */
export function describeGrant(grant: Grant): string {
  const scope = [
    ...(grant.taskTypes ? [`task types ${grant.taskTypes.join(', ')}`] : []),
    ...(grant.departments ? [`departments ${grant.departments.join(', ') || '(none)'}`] : []),
  ];
  return scope.length ? `${grant.permission} (${scope.join('; ')})` : grant.permission;
}
