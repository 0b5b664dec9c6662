// Checks the permissions a roles file hands out: in a role's `can` and in `organization.member_can`.
// Every name and scope resolves; `own` needs a department; a powerful permission for every member
// must be acknowledged in the file.
import { CARD_PERMISSIONS, CORE_PERMISSIONS } from '../auth/permissions.ts';
import type { OrgCatalogue } from './catalogue.ts';
import type { GrantEntry } from './format.schema.ts';
import { OWN_DEPARTMENT } from './grants.ts';
import { errorAt, type Located } from './located.ts';
import type { MergedOrg } from './merge-files.ts';
import type { OrgError, PathSegment } from './org-error.ts';
import { notLoadedPlugin, suggest } from './suggest.ts';
import type { PartKind, Unreadable } from './unreadable.ts';

const CORE_PERMISSION_NAMES: ReadonlySet<string> = new Set(Object.keys(CORE_PERMISSIONS));

interface Known {
  catalogue: OrgCatalogue;
  departments: string[];
  taskTypes: string[];
  /** Parts the files define but that could not be read: references to them are not reported. */
  unreadable: Unreadable;
}

function checkEntries(
  at: Located<unknown>,
  key: string,
  entries: readonly GrantEntry[],
  known: Known,
  options: { hasOwn: boolean; forEveryone: boolean },
): OrgError[] {
  const errors: OrgError[] = [];
  const ref = (sub: PathSegment[], what: string, id: string, list: string[], kind?: PartKind) => {
    if (kind && known.unreadable.has(kind, id)) return;
    if (!list.includes(id))
      errors.push(
        errorAt(
          at,
          [key, ...sub],
          'unresolved_ref',
          `unknown ${what} "${id}"${notLoadedPlugin(id, list)}`,
          suggest(id, list),
        ),
      );
  };
  entries.forEach((entry, i) => {
    const permission = typeof entry === 'string' ? entry : entry.permission;
    const where: PathSegment[] = typeof entry === 'string' ? [i] : [i, 'permission'];
    ref(where, 'permission', permission, [...known.catalogue.permissions]);
    if (typeof entry === 'string' || !entry.i_understand_everyone_gets_this) {
      if (options.forEveryone && known.catalogue.powerfulPermissions.has(permission)) {
        errors.push(
          errorAt(
            at,
            [key, i],
            'schema',
            `"${permission}" gives power over other people or their work, so every member would hold it; give it to roles with can:, ` +
              `or, if everyone really should, write {permission: ${permission}, i_understand_everyone_gets_this: true}`,
          ),
        );
      }
    }
    if (typeof entry === 'string') return;
    if (
      (entry.task_types || entry.departments) &&
      known.catalogue.permissions.has(permission) &&
      CORE_PERMISSION_NAMES.has(permission) &&
      !CARD_PERMISSIONS.has(permission)
    ) {
      errors.push(
        errorAt(
          at,
          [key, i],
          'schema',
          `"${permission}" is not about one card, so it cannot be scoped to task types or departments; scopable: ${[...CARD_PERMISSIONS].join(', ')} and plugin permissions`,
        ),
      );
    }
    entry.task_types?.forEach((type, j) => {
      ref([i, 'task_types', j], 'task type', type, known.taskTypes, 'task_types');
    });
    entry.departments?.forEach((department, j) => {
      if (department !== OWN_DEPARTMENT)
        ref([i, 'departments', j], 'department (or own)', department, known.departments, 'departments');
      else if (!options.hasOwn)
        errors.push(
          errorAt(at, [key, i, 'departments', j], 'unresolved_ref', 'this role has no department, so "own" names none'),
        );
    });
  });
  return errors;
}

export function checkGrants(merged: MergedOrg, catalogue: OrgCatalogue, taskTypes: Iterable<string>): OrgError[] {
  const known: Known = {
    catalogue,
    departments: merged.departments.map((at) => at.value.id),
    taskTypes: [...taskTypes],
    unreadable: merged.unreadable,
  };
  const errors = merged.roles.flatMap((at) =>
    checkEntries(at, 'can', at.value.can, known, { hasOwn: at.value.department !== undefined, forEveryone: false }),
  );
  const organization = merged.organization;
  if (organization?.value.member_can) {
    // `own` in member_can: each member's own departments (a member without one gets nothing from it).
    errors.push(
      ...checkEntries(organization, 'member_can', organization.value.member_can, known, {
        hasOwn: true,
        forEveryone: true,
      }),
    );
  }
  return errors;
}
