// The shapes of the UI's reads (core/reads), declared like every other answer (core/http/output.schemas.ts).
import { z } from 'zod';
import {
  activitySchema,
  approvalViewSchema,
  commentSchema,
  linkSchema,
  taskViewSchema,
} from '../http/output.schemas.ts';
import { displayName, FIELD_TYPES, pluginFieldTypeId, STATE_CATEGORIES } from '../org/format.schema.ts';

const isoTime = z.string().datetime({ offset: true });
const cursor = z.number().int().nullable();

export const taskTypeSchema = z.object({
  id: z.string(),
  name: displayName,
  description: z.string().nullable(),
  fields: z.array(
    z.object({
      id: z.string(),
      name: displayName,
      type: z.union([z.enum(FIELD_TYPES), pluginFieldTypeId]),
      required: z.boolean(),
      default: z.unknown(),
      options: z.array(z.string()).nullable(),
      currency: z.string().nullable(),
      min: z.number().nullable(),
      max: z.number().nullable(),
      maxLength: z.number().int().nullable(),
      description: z.string().nullable(),
    }),
  ),
  workflow: z.object({
    initial: z.string(),
    states: z.array(z.object({ id: z.string(), name: displayName, category: z.enum(STATE_CATEGORIES) })),
    transitions: z.array(
      z.object({
        from: z.string(),
        to: z.string(),
        label: displayName.nullable(),
        requires: z.string().nullable(),
        requiredFields: z.array(z.string()),
        guardMessage: z.string().nullable(),
        approval: z
          .object({ by: z.string(), mode: z.enum(['any', 'all', 'count']), count: z.number().int().nullable() })
          .nullable(),
      }),
    ),
  }),
});

export const directorySchema = z.object({
  organization: z.object({ name: displayName, locale: z.string().nullable(), timezone: z.string() }),
  roles: z.array(z.object({ id: z.string(), name: displayName, department: z.string().nullable() })),
  people: z.array(z.object({ id: z.string(), displayName: z.string() })),
});

export const cardDetailSchema = z.object({
  task: taskViewSchema,
  comments: z.object({ items: z.array(commentSchema), olderCursor: cursor }),
  activity: z.object({ items: z.array(activitySchema), olderCursor: cursor }),
  approvals: z.array(
    approvalViewSchema.extend({
      decisions: z.array(
        z.object({
          personId: z.string(),
          name: z.string().nullable(),
          approve: z.boolean(),
          comment: z.string().nullable(),
          at: isoTime,
        }),
      ),
    }),
  ),
  escalations: z.array(
    z.object({
      id: z.number().int(),
      rule: z.string(),
      cycle: z.number().int(),
      level: z.number().int(),
      targetRole: z.string().nullable(),
      skippedRoles: z.array(z.string()),
      actions: z.array(z.string()),
      firedAt: isoTime,
    }),
  ),
  watchers: z.array(z.object({ id: z.string(), displayName: z.string() })),
  watching: z.boolean(),
  links: z.array(linkSchema),
  transitions: z.array(
    z.object({
      to: z.string(),
      name: displayName,
      label: displayName.nullable(),
      available: z.boolean(),
      needsApproval: z.boolean(),
      reason: z.string().optional(),
      message: z.string().optional(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  ),
});

export const myWorkSchema = z.object({
  week: z.object({ start: isoTime, end: isoTime }),
  cards: z.array(taskViewSchema),
  duties: z.array(taskViewSchema),
  escalated: z.array(
    z.object({
      id: z.number().int(),
      taskId: z.number().int(),
      title: z.string(),
      taskType: z.string(),
      status: z.string(),
      rule: z.string(),
      level: z.number().int(),
      targetRole: z.string().nullable(),
      firedAt: isoTime,
    }),
  ),
});
