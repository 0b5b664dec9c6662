// The one module a plugin imports (as `#plugin-api`): the contract and the types its parts use.
// Everything else in core is internal and may change without notice.
export { definePlugin, PluginDefinitionError } from './contract.ts';
export type { CommittedChange, PluginHooks, PluginManifest, PluginOperation, PluginPermission, TransitionContext, Veto } from './contract.ts';
export type { Metric, MetricContext, MetricValue } from '../kpis/metric-registry.ts';
export type { TaskTypeDefinition } from '../org/format.schema.ts';
