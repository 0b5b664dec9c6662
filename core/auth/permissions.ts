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
