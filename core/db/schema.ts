// The database's tables as Kysely types: the one source that queries, routes and the UI types flow from.
import type { ColumnType, Generated } from 'kysely';
import type { TasksTable } from './card-columns.ts';

/**
 * What the jsonb columns hold whose shape a domain module defines. Each module adds its own here
 * (`declare module '../db/schema.ts' { interface JsonShapes { … } }`), so this layer imports none of them.
 * The cards table's are in core/db/card-columns.ts (CardJsonShapes).
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging from each domain module (a type alias cannot be merged)
export interface JsonShapes {}

export interface InstanceTable {
  /** Always 1: the table holds exactly one row describing this installation. */
  id: ColumnType<1, 1 | undefined, never>;
  instance_id: Generated<string>;
  created_at: ColumnType<Date, never, never>;
}

export interface UsersTable {
  id: Generated<string>;
  email: string;
  display_name: string;
  password_hash: string;
  created_at: Generated<Date>;
  disabled_at: Date | null;
}

export interface RoleAssignmentsTable {
  user_id: string;
  role_id: string;
  assigned_at: Generated<Date>;
}

export interface SessionsTable {
  token_hash: string;
  user_id: string;
  created_at: Generated<Date>;
  expires_at: Date;
}

export type SignInScope = 'pair' | 'email' | 'address';

export interface SignInAttemptsTable {
  scope: SignInScope;
  key: string;
  attempts: number;
  window_ends_at: Date;
  blocked_until: Date | null;
}

export interface OrgVersionsTable {
  id: Generated<number>;
  previous_id: number | null;
  org_id: string;
  sources: JsonColumn<JsonShapes['sourceFile'][]>;
  definition: JsonColumn<JsonShapes['orgDefinition']>;
  content_hash: string;
  diff: JsonColumn<JsonShapes['orgDiff']>;
  /** How the version came to be: loaded from the roles folder, activated through the API, or a revert. */
  origin: 'roles-folder' | 'api' | 'revert';
  author_id: string | null;
  created_at: Generated<Date>;
}

export interface RolesFolderImportsTable {
  id: Generated<number>;
  sources_hash: string;
  version_id: number;
  imported_at: Generated<Date>;
}

/** One applied migration of one plugin (core/plugins/plugin-migrations.ts). */
export interface PluginMigrationsTable {
  plugin_id: string;
  name: string;
  applied_at: Generated<Date>;
}

export type { Priority, StateCategory, TasksTable } from './card-columns.ts';

export interface TaskActivityTable {
  id: ColumnType<number, never, never>;
  task_id: number;
  actor_id: string | null;
  action: string;
  changes: JsonColumn<Record<string, [unknown, unknown]>>;
  note: string | null;
  created_at: Generated<Date>;
}

export interface TaskCommentsTable {
  id: ColumnType<number, never, never>;
  task_id: number;
  author_id: string | null;
  body: string;
  created_at: Generated<Date>;
}

export interface TaskWatchersTable {
  task_id: number;
  user_id: string;
}

export interface BoardColumn {
  id: string;
  name: JsonShapes['displayName'];
  states: string[];
  wip_limit?: number;
  wip_mode?: 'block' | 'warn';
}

export interface BoardsTable {
  id: string;
  name: JsonColumn<JsonShapes['displayName']>;
  task_types: string[];
  columns: JsonColumn<BoardColumn[]>;
  swimlanes: Generated<string>;
  /** At most this many open cards of the board per person, when cards are assigned to a role. */
  personal_wip: ColumnType<number | null, number | null | undefined, number | null>;
  version: Generated<number>;
  created_by: string | null;
  created_at: Generated<Date>;
}

export interface EventsTable {
  id: ColumnType<number, never, never>;
  type: string;
  task_id: number | null;
  task_type: string | null;
  actor_id: string | null;
  /** For personal events (an inbox notification): who it is for. */
  recipient_id: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Generated<Date>;
}

export type ApprovalState = 'pending' | 'approved' | 'rejected' | 'cancelled' | 'withdrawn';

/** What an approval request was asked about: the card's content when it was opened. */
export interface ApprovalSnapshot {
  title: string;
  description: string;
  fields: Record<string, unknown>;
}

export interface ApprovalsTable {
  id: ColumnType<number, never, never>;
  task_id: number;
  from_status: string;
  to_status: string;
  reject_to: string | null;
  role_id: string;
  mode: 'any' | 'all' | 'count';
  required: number;
  requested_by: string | null;
  state: Generated<ApprovalState>;
  snapshot: JsonColumn<ApprovalSnapshot>;
  self_approval: Generated<boolean>;
  created_at: Generated<Date>;
  decided_at: Date | null;
}

export interface ApprovalDecisionsTable {
  approval_id: number;
  user_id: string;
  approve: boolean;
  comment: string | null;
  decided_at: Generated<Date>;
}

export interface SavedViewsTable {
  id: ColumnType<number, never, never>;
  board_id: string;
  owner_id: string;
  name: string;
  filters: JsonColumn<Record<string, string>>;
  shared: Generated<boolean>;
  created_at: Generated<Date>;
}

export interface TaskLinksTable {
  id: ColumnType<number, never, never>;
  task_id: number;
  kind: 'relates' | 'blocks' | 'duplicates' | 'url';
  target_task_id: number | null;
  url: string | null;
  title: string | null;
  created_by: string | null;
  created_at: Generated<Date>;
}

export interface EscalationCyclesTable {
  id: ColumnType<number, never, never>;
  task_id: number;
  rule: string;
  cycle: number;
  org_version_id: number;
  started_at: Date;
  ended_at: Date | null;
}

export interface EscalationFiringsTable {
  id: ColumnType<number, never, never>;
  task_id: number;
  rule: string;
  cycle: number;
  level: number;
  target_role: string | null;
  skipped_roles: ColumnType<string[], string[] | undefined, string[]>;
  actions: string[];
  fired_at: Generated<Date>;
}

export interface EscalationRunsTable {
  id: ColumnType<number, never, never>;
  task_id: number;
  rule: string;
  outcome: 'started' | 'ended' | 'fired' | 'failed';
  level: number | null;
  inputs: JsonColumn<Record<string, unknown>>;
  reason: string;
  at: Date;
}

export interface NotificationsTable {
  id: ColumnType<number, never, never>;
  user_id: string;
  task_id: number | null;
  kind: string;
  title: string;
  created_at: Generated<Date>;
  read_at: Date | null;
}

export interface WebhooksTable {
  id: ColumnType<number, never, never>;
  name: string;
  url: string;
  /** `generic` (core's signed JSON) or `<plugin id>.<name>`, a loaded plugin's notification channel. */
  channel: string;
  /** Checked by the channel's settings schema when the webhook is added; `{}` when left out. */
  settings: ColumnType<Record<string, unknown>, string | undefined, string>;
  /** Signs generic payloads (HMAC) and the robots' requests that are signed; never sent back over the API. */
  secret: string | null;
  enabled: Generated<boolean>;
  created_at: Generated<Date>;
}

export type WebhookDeliveryState = 'pending' | 'delivered' | 'dead';

export interface WebhookOutboxTable {
  id: ColumnType<number, never, never>;
  webhook_id: number;
  dedup_key: string;
  payload: JsonColumn<JsonShapes['webhookEvent']>;
  state: Generated<WebhookDeliveryState>;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  last_error: string | null;
  created_at: Generated<Date>;
  delivered_at: Date | null;
}

/** jsonb: objects in, objects out (inserted as JSON text). */
type JsonColumn<T> = ColumnType<T, string, string>;

export interface Database {
  instance: InstanceTable;
  users: UsersTable;
  role_assignments: RoleAssignmentsTable;
  sessions: SessionsTable;
  sign_in_attempts: SignInAttemptsTable;
  org_versions: OrgVersionsTable;
  roles_folder_imports: RolesFolderImportsTable;
  plugin_migrations: PluginMigrationsTable;
  tasks: TasksTable;
  task_activity: TaskActivityTable;
  task_comments: TaskCommentsTable;
  task_watchers: TaskWatchersTable;
  boards: BoardsTable;
  events: EventsTable;
  approvals: ApprovalsTable;
  approval_decisions: ApprovalDecisionsTable;
  saved_views: SavedViewsTable;
  task_links: TaskLinksTable;
  escalation_cycles: EscalationCyclesTable;
  escalation_firings: EscalationFiringsTable;
  notifications: NotificationsTable;
  escalation_runs: EscalationRunsTable;
  webhooks: WebhooksTable;
  webhook_outbox: WebhookOutboxTable;
}
