// What a roles file may refer to besides itself: permissions, metrics and task types from core and plugins.
import { CORE_PERMISSIONS, POWERFUL_CORE_PERMISSIONS } from '../auth/permissions.ts';
import { CORE_METRICS } from '../kpis/core-metrics.ts';
import { CORE_TASK_TYPES } from '../tasks/core-task-types.ts';
import type { TaskTypeDefinition } from './format.schema.ts';

export interface OrgCatalogue {
  permissions: ReadonlySet<string>;
  /** Permissions that give power over others (core's and those a plugin marks so): kept out of defaults. */
  powerfulPermissions: ReadonlySet<string>;
  metrics: ReadonlySet<string>;
  taskTypes: ReadonlyMap<string, TaskTypeDefinition>;
  /** Task-type prefixes a roles file may not use: `core` and every loaded plugin's id. */
  reservedPrefixes: ReadonlySet<string>;
}

export function coreCatalogue(): OrgCatalogue {
  return {
    permissions: new Set(Object.keys(CORE_PERMISSIONS)),
    powerfulPermissions: POWERFUL_CORE_PERMISSIONS,
    metrics: new Set(Object.keys(CORE_METRICS)),
    taskTypes: new Map(CORE_TASK_TYPES.map((type) => [type.id, type])),
    reservedPrefixes: new Set(['core']),
  };
}
