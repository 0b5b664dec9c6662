// Permission names core defines. Roles grant them with `can:`; plugins add their own, namespaced.
export const CORE_PERMISSIONS = {
  'org.view': 'See the organisation: departments, roles, people and versions',
  'roles.edit': 'Change the roles file (activate or revert a version)',
  'people.manage': 'Add people, change their details and role assignments',
  'boards.view': 'See boards and their cards',
  'boards.manage': 'Create and configure boards',
  'tasks.create': 'Create cards',
  'tasks.edit': 'Edit cards',
  'tasks.assign': 'Assign cards to people or roles',
  'tasks.move': 'Move cards between states',
  'tasks.close': 'Close cards',
  'tasks.approve': 'Approve or reject requested transitions',
  'kpis.view': 'See KPI results',
  'escalations.view': 'See the escalation ledger',
} as const;

export type CorePermission = keyof typeof CORE_PERMISSIONS;

/**
 * Permissions that give power over other people or their work. Never a default for every member, and
 * refused in `member_can` unless the entry says `i_understand_everyone_gets_this: true`.
 */
export const POWERFUL_CORE_PERMISSIONS: ReadonlySet<string> = new Set<CorePermission>([
  'roles.edit',
  'people.manage',
  'tasks.approve',
  'tasks.assign',
  'boards.manage',
  'escalations.view',
]);

/**
 * Core permissions that act on one card, so a grant of them can be scoped to task types and
 * departments (core/auth/access.ts checks the scope on the card). The others are organisation-wide.
 */
export const CARD_PERMISSIONS: ReadonlySet<string> = new Set<CorePermission>([
  'tasks.create',
  'tasks.edit',
  'tasks.assign',
  'tasks.move',
  'tasks.close',
  'tasks.approve',
]);

/** What every member may do when the roles file has no `organization.member_can`: a team board's ordinary work. */
export const DEFAULT_MEMBER_CAN: readonly CorePermission[] = [
  'org.view',
  'boards.view',
  'tasks.create',
  'tasks.edit',
  'tasks.move',
  'kpis.view',
];
