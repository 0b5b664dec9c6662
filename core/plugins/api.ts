// The one module a plugin imports (as `#plugin-api`): the contract and the types its parts use.
// Everything else in core is internal and may change without notice.
export { z } from 'zod';
export { AppError } from '../errors.ts';
export { definePlugin, PluginDefinitionError } from './contract.ts';
export { defineRoute } from './plugin-routes.ts';
export type {
  CommittedChange,
  DemoContext,
  EscalationActionContext,
  HookCard,
  HookCards,
  HookContext,
  HookNewCard,
  PluginHooks,
  PluginManifest,
  PluginEscalationAction,
  PluginOperation,
  PluginPermission,
  PluginSchedule,
  TransitionContext,
  Veto,
} from './contract.ts';
export type { PluginCards, PluginNewCard, PluginRequest, PluginRoute } from './plugin-routes.ts';
export type { PluginMigrationDb, PluginTables, PluginTablesDb } from './own-tables.ts';
export type { PluginMigration } from './plugin-migrations.ts';
export type {
  ChannelRequest,
  ChannelTarget,
  NotificationChannel,
  NotificationMessage,
} from '../notifications/channel.ts';
export type { TaskView } from '../tasks/task-view.ts';
export type { Metric, MetricContext, MetricValue } from '../kpis/metric-registry.ts';
export type { TaskTypeDefinition } from '../org/format.schema.ts';
export type { KpiEntity } from '../kpis/kpi-entities.ts';
/** The cards a metric measures (the KPI's entity's, else its subject's), narrowed by the KPI's scope. */
export { cardsOf } from '../kpis/core-metrics.ts';
