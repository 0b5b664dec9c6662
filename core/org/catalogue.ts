// What a roles file may refer to besides itself: permissions, metrics and task types from core and plugins.
import { CORE_PERMISSIONS, POWERFUL_CORE_PERMISSIONS } from '../auth/permissions.ts';
import { CORE_METRICS } from '../kpis/core-metrics.ts';
import { CORE_TASK_TYPES } from '../tasks/core-task-types.ts';
import type { ParsedPlugin } from '../plugins/contract.ts';
import type { FieldTypeRegistry } from '../plugins/plugin-field-types.ts';
import type { Escalation, TaskTypeDefinition } from './format.schema.ts';

/** A loaded plugin's default escalation. */
export interface PluginEscalation {
  plugin: string;
  rule: Escalation;
}

export interface OrgCatalogue {
  permissions: ReadonlySet<string>;
  /** Permissions that give power over others (core's and those a plugin marks so): kept out of defaults. */
  powerfulPermissions: ReadonlySet<string>;
  /** Metric ids and their units (a KPI target is checked against its metric's unit). */
  metrics: ReadonlyMap<string, { unit: string }>;
  taskTypes: ReadonlyMap<string, TaskTypeDefinition>;
  /** Field types the loaded plugins add (`<plugin id>.<name>`). */
  fieldTypes: FieldTypeRegistry;
  /** Task-type prefixes a roles file may not use: `core` and every loaded plugin's id. */
  reservedPrefixes: ReadonlySet<string>;
  /** Loaded plugins' default escalations by id (a roles file escalation with that id overrides one). */
  escalations: ReadonlyMap<string, PluginEscalation>;
  /** Loaded plugins' escalation actions, `<plugin id>.<name>`. */
  escalationActions: ReadonlySet<string>;
}

export function coreCatalogue(): OrgCatalogue {
  return {
    permissions: new Set(Object.keys(CORE_PERMISSIONS)),
    powerfulPermissions: POWERFUL_CORE_PERMISSIONS,
    metrics: new Map(Object.entries(CORE_METRICS)),
    taskTypes: new Map(CORE_TASK_TYPES.map((type) => [type.id, type])),
    fieldTypes: new Map(),
    reservedPrefixes: new Set(['core']),
    escalations: new Map(),
    escalationActions: new Set(),
  };
}

/** Core's catalogue with the loaded plugins' task types, field types, permissions and metrics, and their ids reserved. */
export function catalogueWith(plugins: readonly ParsedPlugin[], base: OrgCatalogue = coreCatalogue()): OrgCatalogue {
  const permissions = plugins.flatMap((plugin) => plugin.permissions ?? []);
  return {
    permissions: new Set([...base.permissions, ...permissions.map((permission) => permission.id)]),
    powerfulPermissions: new Set([
      ...base.powerfulPermissions,
      ...permissions.filter((permission) => permission.powerful).map((permission) => permission.id),
    ]),
    metrics: new Map([...base.metrics, ...plugins.flatMap((plugin) => Object.entries(plugin.metrics ?? {}))]),
    taskTypes: new Map([
      ...base.taskTypes,
      ...plugins.flatMap((plugin) => plugin.taskTypes.map((type) => [type.id, type] as const)),
    ]),
    fieldTypes: new Map([
      ...base.fieldTypes,
      ...plugins.flatMap((plugin) => (plugin.fieldTypes ?? []).map((type) => [type.id, type] as const)),
    ]),
    reservedPrefixes: new Set([...base.reservedPrefixes, ...plugins.map((plugin) => plugin.id)]),
    escalations: new Map([
      ...base.escalations,
      ...plugins.flatMap((plugin) => plugin.escalations.map((rule) => [rule.id, { plugin: plugin.id, rule }] as const)),
    ]),
    escalationActions: new Set([
      ...base.escalationActions,
      ...plugins.flatMap((plugin) => (plugin.escalationActions ?? []).map((action) => `${plugin.id}.${action.name}`)),
    ]),
  };
}
