// The shapes the API answers with (what the UI and the OpenAPI document rely on).
import { z } from 'zod';
import {
  BOARD_VIEW_COLUMNS,
  CARD_COLUMNS,
  CARD_VIEW_COLUMNS,
  viewKey,
  type BoardViewColumn,
  type CardSqlType,
  type CardViewColumn,
  type ViewKey,
} from '../db/card-columns.ts';
import { displayName } from '../org/format.schema.ts';
import { checklistSchema } from '../tasks/checklist.ts';

const isoTime = z.string().datetime({ offset: true });
const category = z.enum(['todo', 'active', 'blocked', 'done']);

/** A shown card column's value, from its SQL type: times as ISO text; some columns' values are narrower. */
type ColumnSchema<K extends CardViewColumn> = K extends keyof typeof narrower
  ? (typeof narrower)[K]
  : NullableIf<K, BySqlType<(typeof CARD_COLUMNS)[K]['sql']>>;
type BySqlType<S extends CardSqlType> = S extends 'int8' | 'int4' | 'int2'
  ? z.ZodNumber
  : S extends 'text' | 'uuid' | 'timestamptz'
    ? z.ZodString
    : S extends '_text'
      ? z.ZodArray<z.ZodString>
      : z.ZodUnknown;
type NullableIf<K extends CardViewColumn, T extends z.ZodType> = (typeof CARD_COLUMNS)[K] extends { nullable: true }
  ? z.ZodNullable<T>
  : T;
const bySqlType: Record<CardSqlType, z.ZodType> = {
  int8: z.number().int(),
  int4: z.number().int(),
  int2: z.number().int(),
  text: z.string(),
  uuid: z.string(),
  timestamptz: isoTime,
  _text: z.array(z.string()),
  jsonb: z.unknown(),
};
const narrower = {
  category,
  priority: z.enum(['low', 'normal', 'high', 'urgent']),
  fields: z.record(z.string(), z.unknown()),
  checklist: checklistSchema,
} satisfies Partial<Record<CardViewColumn, z.ZodType>>;

function cardViewShape(): { [K in CardViewColumn as ViewKey<K>]: ColumnSchema<K> } {
  const shape: Record<string, z.ZodType> = {};
  for (const column of CARD_VIEW_COLUMNS) {
    const schema =
      (narrower as Partial<Record<CardViewColumn, z.ZodType>>)[column] ?? bySqlType[CARD_COLUMNS[column].sql];
    shape[viewKey(column)] = 'nullable' in CARD_COLUMNS[column] ? schema.nullable() : schema;
  }
  return shape as { [K in CardViewColumn as ViewKey<K>]: ColumnSchema<K> };
}

/** The card as the API shows it: each column core/db/card-columns.ts shows, under its camelCase name. */
export const taskViewSchema = z.object(cardViewShape());

/**
 * A card as a board shows it: what a card face, its column and a move need. The whole card (description,
 * checklist, who made it and when) is at GET /api/tasks/:id; a board of thousands of cards loads without it.
 */
export const boardCardSchema = taskViewSchema
  .pick(
    Object.fromEntries(BOARD_VIEW_COLUMNS.map((column) => [viewKey(column), true])) as {
      [K in BoardViewColumn as ViewKey<K>]: true;
    },
  )
  .extend({
    /** How many levels its open escalations have fired (1: the first; 0: none open). Ledger levels count from 0. */
    escalationLevel: z.number().int(),
    /** Checklist progress: items ticked, items in all. */
    checklistDone: z.number().int(),
    checklistTotal: z.number().int(),
  });

/** What a request was asked about: the card's title, description and fields when it was opened. */
export const approvalSnapshotSchema = z.object({
  title: z.string(),
  description: z.string(),
  fields: z.record(z.string(), z.unknown()),
});

export const approvalViewSchema = z.object({
  id: z.number().int(),
  taskId: z.number().int(),
  from: z.string(),
  to: z.string(),
  role: z.string(),
  mode: z.enum(['any', 'all', 'count']),
  required: z.number().int(),
  state: z.enum(['pending', 'approved', 'rejected', 'cancelled', 'withdrawn']),
  requestedBy: z.string().nullable(),
  selfApproval: z.boolean(),
  snapshot: approvalSnapshotSchema,
  createdAt: isoTime,
  decidedAt: isoTime.nullable(),
});

export const approvalDecisionSchema = z.object({
  personId: z.string(),
  name: z.string().nullable(),
  approve: z.boolean(),
  comment: z.string().nullable(),
  /** The requester's own decision: recorded, counted only where the rule allows self-approval. */
  own: z.boolean(),
  counted: z.boolean(),
  at: isoTime,
});

export const boardViewSchema = z.object({
  id: z.string(),
  name: displayName,
  taskTypes: z.array(z.string()),
  columns: z.array(
    z.object({
      id: z.string(),
      name: displayName,
      states: z.array(z.string()),
      wipLimit: z.number().int().nullable(),
      wipMode: z.enum(['block', 'warn']),
    }),
  ),
  swimlanes: z.string(),
  personalWip: z.number().int().nullable(),
  version: z.number().int(),
});

/** A swimlane of a board: the cards whose role, assignee, priority or field value is `key` (null: none). */
export const laneSchema = z.object({ key: z.string().nullable(), name: displayName });

export const savedViewSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  filters: z.record(z.string(), z.string()),
  shared: z.boolean(),
  ownerId: z.string(),
});

export const personSchema = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  roles: z.array(z.string()),
  disabled: z.boolean(),
  createdAt: isoTime,
});

export const meSchema = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  roles: z.array(z.object({ id: z.string(), name: displayName, department: z.string().nullable() })),
  permissions: z.array(z.string()),
});

const changes = z.object({ added: z.array(z.string()), removed: z.array(z.string()), changed: z.array(z.string()) });
export const orgDiffSchema = z.record(z.string(), changes);
const orgError = z.object({
  file: z.string(),
  line: z.number(),
  column: z.number(),
  path: z.string(),
  kind: z.string(),
  message: z.string(),
  suggestion: z.string().optional(),
});
const affected = z.object({ openCards: z.number().int(), taskIds: z.array(z.number().int()) });

export const orgVersionSummarySchema = z.object({
  id: z.number().int(),
  previousId: z.number().int().nullable(),
  active: z.boolean(),
  contentHash: z.string(),
  origin: z.enum(['roles-folder', 'api', 'revert']),
  author: z.string().nullable(),
  createdAt: isoTime,
  diff: orgDiffSchema,
});
export const orgVersionSchema = z.object({
  id: z.number().int(),
  previousId: z.number().int().nullable(),
  origin: z.enum(['roles-folder', 'api', 'revert']),
  createdAt: isoTime,
  contentHash: z.string(),
  files: z.array(z.object({ name: z.string(), text: z.string() })),
  diff: orgDiffSchema,
});
export const previewSchema = z.union([
  z.object({
    ok: z.literal(true),
    errors: z.array(orgError).length(0),
    diff: orgDiffSchema,
    impact: z.object({
      heldRolesRemoved: z.array(z.object({ role: z.string(), holders: z.number().int() })),
      taskTypesInUse: z.array(z.object({ taskType: z.string(), openCards: z.number().int() })),
      rolesLosingCards: z.array(affected.extend({ role: z.string() })),
      escalations: z.array(
        affected.extend({
          escalation: z.string(),
          change: z.enum(['added', 'removed', 'changed']),
          wouldFireNow: z.array(z.number().int()),
        }),
      ),
    }),
  }),
  z.object({ ok: z.literal(false), errors: z.array(orgError) }),
]);
export const activatedSchema = z.object({ versionId: z.number().int(), diff: orgDiffSchema, unchanged: z.boolean() });

export const activitySchema = z.object({
  id: z.number().int(),
  action: z.string(),
  changes: z.record(z.string(), z.tuple([z.unknown(), z.unknown()])),
  note: z.string().nullable(),
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  at: isoTime,
});
export const commentSchema = z.object({
  id: z.number().int(),
  body: z.string(),
  authorId: z.string().nullable(),
  authorName: z.string().nullable().optional(),
  createdAt: isoTime,
});
export const linkSchema = z.object({
  id: z.number().int(),
  kind: z.enum(['relates', 'blocks', 'duplicates', 'url']),
  url: z.string().nullable(),
  title: z.string().nullable(),
  direction: z.enum(['outgoing', 'incoming']),
  otherTaskId: z.number().int().nullable(),
  otherTitle: z.string().nullable(),
});
export const newLinkSchema = z.object({
  id: z.number().int(),
  kind: z.string(),
  toTaskId: z.number().int().nullable(),
  url: z.string().nullable(),
  title: z.string().nullable(),
});

export const inboxItemSchema = z.object({
  id: z.number().int(),
  taskId: z.number().int(),
  title: z.string(),
  taskType: z.string(),
  from: z.string(),
  to: z.string(),
  role: z.string(),
  mode: z.string(),
  required: z.number().int(),
  requestedBy: z.string().nullable(),
  snapshot: approvalSnapshotSchema,
  createdAt: isoTime,
});

const targetBounds = z
  .object({ gte: z.number(), gt: z.number(), lte: z.number(), lt: z.number(), eq: z.number() })
  .partial()
  .describe("Bounds in the metric's unit (a ratio: 1 = 100 %), policies read; a range has a lower and an upper one");
const kpiEntitySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('card'), taskType: z.string(), taskId: z.number().int(), title: z.string() }),
  z.object({ kind: z.literal('field'), taskType: z.string(), field: z.string(), value: z.string() }),
]);

export const kpiResultSchema = z.object({
  kpi: z.object({
    id: z.string(),
    name: displayName,
    metric: z.string(),
    unit: z.string(),
    target: targetBounds,
    policies: z
      .object({ gte: z.string(), gt: z.string(), lte: z.string(), lt: z.string(), eq: z.string() })
      .partial()
      .describe('The policy each bound was read from'),
    period: z.string(),
    per: z
      .object({
        task_type: z.string(),
        field: z.string().optional(),
        from: z.string().optional(),
        to: z.string().optional(),
      })
      .nullable(),
  }),
  role: z.string(),
  person: z.object({ id: z.string(), displayName: z.string() }).nullable(),
  entity: kpiEntitySchema.nullable().describe('The card or field value a per-entity KPI measured; null otherwise'),
  period: z
    .object({ start: isoTime, end: isoTime })
    .describe("The calendar period, or a per-entity KPI's entity's own period"),
  value: z.number().nullable(),
  sample: z.number().int(),
  status: z.enum(['met', 'missed', 'no_data']),
});

export const healthSchema = z.object({
  status: z.enum(['ok', 'unavailable']),
  database: z.enum(['pglite', 'postgres']),
  schemaVersion: z.string().nullable(),
  uptimeSeconds: z.number(),
  instanceId: z.string().nullable(),
});

export const anyObject = z.record(z.string(), z.unknown());
