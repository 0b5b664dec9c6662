// The plugin contract: what a plugin declares, validated with zod when it is defined and again when it
// is loaded. Ids are namespaced by the plugin's id, so two plugins (or a plugin and core) cannot clash.
import { z } from 'zod';
import type { Metric } from '../kpis/metric-registry.ts';
import {
  escalationSchema,
  isoDuration,
  taskTypeSchema,
  type Escalation,
  type TaskTypeDefinition,
} from '../org/format.schema.ts';
import { routeSchema, type PluginCards, type PluginRoute } from './plugin-routes.ts';
import type { PluginMigration } from './plugin-migrations.ts';
import { fieldTypeSchema, type PluginFieldType } from './plugin-field-types.ts';
import { channelSchema, type NotificationChannel } from '../notifications/channel.ts';

const PLUGIN_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const LOCAL_NAME = /^[a-z][a-z0-9_-]*$/;

/** What a beforeTransition hook sees: the card as it is, and where it is asked to go. */
export interface TransitionContext {
  task: { id: number; type: string; title: string; status: string; fields: Record<string, unknown> };
  from: string;
  to: string;
  actor: { id: string; email: string };
}

/** A committed change, as the event bus delivers it; after-commit hooks cannot undo it. */
export interface CommittedChange {
  eventId: number;
  type: string;
  taskId: number | null;
  taskType: string | null;
  actorId: string | null;
  createdAt: string;
}

export type Veto = { veto: string };

/** A card as hooks read it. */
export interface HookCard {
  id: number;
  type: string;
  title: string;
  status: string;
  category: string;
  fields: Record<string, unknown>;
  assigneeId: string | null;
  roleId: string | null;
  dueAt: string | null;
  createdAt: string;
  archived: boolean;
}

/** A card a hook makes, as the system (no person made it, like a duty card). */
export interface HookNewCard {
  type: string;
  title: string;
  description?: string;
  fields?: Record<string, unknown>;
  dueAt?: Date;
  assignTo?: { personId?: string | null; roleId?: string | null };
}

/** What hooks may do besides answering: read cards, and make new ones through core's one card writer. */
export interface HookCards {
  get(id: number): Promise<HookCard | undefined>;
  /** Cards that are not archived, of one type, in any of `statuses` (all when absent), whose fields contain `fields`; oldest first, at most `limit` (100). */
  find(query: {
    type: string;
    statuses?: string[];
    fields?: Record<string, unknown>;
    limit?: number;
  }): Promise<HookCard[]>;
  /** With `key`, at most one card ever carries it: a second create with the same key makes nothing and returns undefined. */
  create(card: HookNewCard, options?: { key?: string }): Promise<HookCard | undefined>;
  /** Sets fields of a card as the system, through core's card writer (validation, locks and version checks apply). */
  setFields(id: number, fields: Record<string, unknown>): Promise<HookCard>;
}

/** What a plugin's escalation action gets when a level naming it has fired. */
export interface EscalationActionContext {
  /** The card as it is when the action runs (after the level's own changes). */
  card: HookCard;
  /** What follows the action's name in `then:` (`stock.follow_up:restock` → "restock"), or null. */
  argument: string | null;
  escalation: { rule: string; cycle: number; level: number; targetRole: string | null };
  /** Unique to this firing and action: give it to `cards.create` so an action run twice makes one card. */
  key: string;
}

/** An action escalations may take (`then: [<plugin id>.<name>]`), run after the firing is committed. */
export interface PluginEscalationAction {
  name: string;
  /** Time-boxed like hooks; a throw or time-out is logged in the escalation run log and changes nothing else. */
  run(ctx: EscalationActionContext, plugin: HookContext): void | Promise<void>;
}

/** The second argument of every hook. */
export interface HookContext {
  cards: HookCards;
  /**
   * The active organisation, as far as a plugin may know it: which roles hold a permission (in any scope),
   * doers first — a role before any role above it in the reporting line (then in file order).
   */
  roles: { holding(permission: string): Promise<string[]> };
  /** The product's clock (tests inject one). */
  now(): Date;
}

/** What a plugin's demo gets: cards as one of the demo members (undefined when nobody has that email). */
export interface DemoContext {
  as(email: string): PluginCards | undefined;
  now(): Date;
}

export interface PluginHooks {
  /** Called before a card changes state; return `{veto: reason}` to refuse. Time-boxed: a throw or time-out vetoes. */
  beforeTransition?(
    ctx: TransitionContext,
    plugin: HookContext,
    // biome-ignore lint/suspicious/noConfusingVoidType: lets a hook that returns nothing (no veto) type-check
  ): Veto | undefined | void | Promise<Veto | undefined | void>;
  /** Called after a change is committed; errors are logged, the change stays. */
  afterCommit?(change: CommittedChange, plugin: HookContext): void | Promise<void>;
}

/** Time-based work (a calendar, a sweep): run on core's scheduler tick when `every` has passed since its last run. */
export interface PluginSchedule {
  /** Names it in the log; unique within the plugin. */
  id: string;
  /** An ISO-8601 duration (`PT1H`, `P1D`): at most this often, per process; the first run is on the first tick. */
  every: string;
  /** Time-boxed like escalation actions; a throw or time-out is logged with the plugin's id and the tick goes on. */
  run(plugin: HookContext): void | Promise<void>;
}

export interface PluginPermission {
  /** `<plugin id>.<action>`. */
  id: string;
  name: { 'zh-CN': string; en: string };
  /** Power over other people or their work: refused in `member_can` unless explicitly acknowledged. */
  powerful?: boolean;
}

export interface PluginOperation {
  /** Registered as `<plugin id>.<name>`; a pure function of its arguments. */
  name: string;
  fn: (...args: unknown[]) => unknown;
}

export interface PluginManifest {
  id: string;
  name: { 'zh-CN': string; en: string };
  version: string;
  /** The core versions it works with: `^0.1`, `~0.1.2`, `>=0.1.0`, `0.1.0` or `*`. */
  core: string;
  dependsOn?: string[];
  /** Same format as a roles file's task types; ids are `<plugin id>.<name>`. */
  taskTypes?: z.input<typeof taskTypeSchema>[];
  permissions?: PluginPermission[];
  /** Metrics KPIs can name, keyed `<plugin id>.<name>`. */
  metrics?: Record<string, Metric>;
  operations?: PluginOperation[];
  hooks?: PluginHooks;
  /** HTTP routes under /api/plugins/<id> (core/plugins/plugin-routes.ts). */
  routes?: PluginRoute[];
  /**
   * Default escalations, same format as a roles file's; active while the plugin is loaded. Each applies to
   * the plugin's own task types (`applies_to.task_types` is required) and watches their cards wherever they sit.
   * A roles file overrides one by giving an escalation the same id (its keys replace these), `enabled: false` turns it off.
   * One that goes to a role id the organisation lacks, or reads a policy it does not set, is inactive there.
   */
  escalations?: z.input<typeof escalationSchema>[];
  /** Demo cards for a new demo database, made as its demo members (core/plugins/demo-data.ts). */
  demo?(ctx: DemoContext): Promise<void>;
  /** Its own schema steps, applied at start in name order (core/plugins/plugin-migrations.ts). */
  migrations?: Record<string, PluginMigration>;
  /** Field types task types can use as `<plugin id>.<name>` (core/plugins/plugin-field-types.ts). */
  fieldTypes?: PluginFieldType[];
  /** Actions escalations may name in `then:` as `<plugin id>.<name>` (core/escalation/plugin-actions.ts). */
  escalationActions?: PluginEscalationAction[];
  /** Notification channels webhooks may name as `<plugin id>.<name>` (core/notifications/channel.ts). */
  channels?: NotificationChannel[];
  /** Time-based work run on core's scheduler tick (core/plugins/schedules.ts); make cards with keys so a run twice makes them once. */
  schedules?: PluginSchedule[];
}

const fn = <T>() => z.custom<T>((value) => typeof value === 'function', 'expected a function');
const bilingual = z.strictObject({ 'zh-CN': z.string().min(1), en: z.string().min(1) });
const semver = z.string().regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, 'expected a version like 1.0.0');

const metricSchema = z.strictObject({
  description: z.string().min(1),
  unit: z.string().min(1),
  compute: fn<Metric['compute']>(),
});

export const manifestSchema = z
  .strictObject({
    id: z.string().regex(PLUGIN_ID, 'expected kebab-case, e.g. warehouse or front-desk'),
    name: bilingual,
    version: semver,
    core: z.string().regex(/^(\*|(\^|~|>=)?\d+(\.\d+){0,2})$/, 'expected a range like ^0.1, ~0.1.2, >=0.1.0 or *'),
    dependsOn: z.array(z.string().regex(PLUGIN_ID)).optional(),
    taskTypes: z.array(taskTypeSchema).optional(),
    permissions: z
      .array(z.strictObject({ id: z.string(), name: bilingual, powerful: z.boolean().optional() }))
      .optional(),
    metrics: z.record(z.string(), metricSchema).optional(),
    operations: z
      .array(
        z.strictObject({
          name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected lowercase letters, digits and "_"'),
          fn: fn<PluginOperation['fn']>(),
        }),
      )
      .optional(),
    escalations: z.array(escalationSchema).optional(),
    escalationActions: z
      .array(
        z.strictObject({
          name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected lowercase letters, digits and "_"'),
          run: fn<PluginEscalationAction['run']>(),
        }),
      )
      .optional(),
    schedules: z
      .array(
        z.strictObject({
          id: z.string().regex(/^[a-z][a-z0-9_-]*$/, 'expected lowercase letters, digits, "-" and "_"'),
          every: isoDuration,
          run: fn<PluginSchedule['run']>(),
        }),
      )
      .optional(),
    hooks: z
      .strictObject({
        beforeTransition: fn<NonNullable<PluginHooks['beforeTransition']>>().optional(),
        afterCommit: fn<NonNullable<PluginHooks['afterCommit']>>().optional(),
      })
      .optional(),
    routes: z.array(routeSchema).optional(),
    demo: fn<NonNullable<PluginManifest['demo']>>().optional(),
    fieldTypes: z.array(fieldTypeSchema).optional(),
    channels: z.array(channelSchema).optional(),
    migrations: z
      .record(
        z.string().regex(/^\d{4}_[a-z0-9_]+$/, 'expected a name like 0001_bins'),
        z.strictObject({ up: fn<PluginMigration['up']>() }),
      )
      .optional(),
  })
  .superRefine((plugin, ctx) => {
    // Everything a plugin adds lives under its id: its task types, permissions and metrics.
    const own = (path: (string | number)[], id: string, what: string) => {
      const [prefix, rest] = [id.slice(0, id.indexOf('.')), id.slice(id.indexOf('.') + 1)];
      if (prefix !== plugin.id || !LOCAL_NAME.test(rest))
        ctx.addIssue({ code: 'custom', path, message: `${what} "${id}" must be "${plugin.id}.<name>"` });
    };
    plugin.taskTypes?.forEach((type, i) => {
      own(['taskTypes', i, 'id'], type.id, 'task type');
    });
    plugin.permissions?.forEach((permission, i) => {
      own(['permissions', i, 'id'], permission.id, 'permission');
    });
    for (const id of Object.keys(plugin.metrics ?? {})) own(['metrics', id], id, 'metric');
    plugin.escalationActions?.forEach((action, i) => {
      if (plugin.escalationActions!.findIndex((other) => other.name === action.name) !== i)
        ctx.addIssue({
          code: 'custom',
          path: ['escalationActions', i, 'name'],
          message: `escalation action "${action.name}" is declared twice`,
        });
    });
    plugin.schedules?.forEach((schedule, i) => {
      if (plugin.schedules!.findIndex((other) => other.id === schedule.id) !== i)
        ctx.addIssue({
          code: 'custom',
          path: ['schedules', i, 'id'],
          message: `schedule "${schedule.id}" is declared twice`,
        });
    });
    plugin.escalations?.forEach((escalation, i) => {
      const at = ['escalations', i];
      if (plugin.escalations!.findIndex((other) => other.id === escalation.id) !== i)
        ctx.addIssue({
          code: 'custom',
          path: [...at, 'id'],
          message: `escalation "${escalation.id}" is declared twice`,
        });
      const types = escalation.applies_to?.task_types;
      if (!types)
        ctx.addIssue({
          code: 'custom',
          path: [...at, 'applies_to', 'task_types'],
          message: "a plugin's escalation names the task types it watches (its own)",
        });
      types?.forEach((type, j) => {
        own([...at, 'applies_to', 'task_types', j], type, 'task type');
      });
    });
    plugin.fieldTypes?.forEach((type, i) => {
      own(['fieldTypes', i, 'id'], type.id, 'field type');
    });
    plugin.channels?.forEach((channel, i) => {
      own(['channels', i, 'id'], channel.id, 'channel');
      if (plugin.channels!.findIndex((other) => other.id === channel.id) !== i)
        ctx.addIssue({
          code: 'custom',
          path: ['channels', i, 'id'],
          message: `channel "${channel.id}" is declared twice`,
        });
    });
  });

/** A manifest as checked: task types and escalations with their defaults filled in. */
export type ParsedPlugin = Omit<PluginManifest, 'taskTypes' | 'escalations'> & {
  taskTypes: TaskTypeDefinition[];
  escalations: Escalation[];
};

/** A manifest that fails the contract; `pluginId` is the id it claims, when it has one. */
export class PluginDefinitionError extends Error {
  override readonly name = 'PluginDefinitionError';
  constructor(
    readonly pluginId: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** Checks a manifest against the contract; the message names the plugin and the field. */
export function parseManifest(raw: unknown): ParsedPlugin {
  const parsed = manifestSchema.safeParse(raw);
  if (parsed.success)
    return {
      ...(parsed.data as PluginManifest),
      taskTypes: parsed.data.taskTypes ?? [],
      escalations: parsed.data.escalations ?? [],
    } as ParsedPlugin;
  const claimed =
    typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'string'
      ? (raw as { id: string }).id
      : undefined;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.length ? issue.path.join('.') : '(manifest)';
  throw new PluginDefinitionError(claimed, `plugin "${claimed ?? '?'}": ${field}: ${issue.message}`);
}

/** Declares a plugin: the default export of its module. Throws PluginDefinitionError when it breaks the contract. */
export function definePlugin<const T extends PluginManifest>(manifest: T): T {
  parseManifest(manifest);
  return manifest;
}
