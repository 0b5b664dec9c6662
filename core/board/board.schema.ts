// What a board definition looks like over the API and in templates.
import { z } from 'zod';
import { isoDateTime, positiveInt4 } from '../input.schemas.ts';
import { displayName } from '../org/format.schema.ts';

export const SWIMLANES = /^(none|role|assignee|priority|field:[a-z][a-z0-9_]*)$/;

export const boardDefinition = z.object({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a slug: lowercase letters, digits and "-"')
    .max(64),
  name: displayName,
  taskTypes: z.array(z.string().min(1)).min(1).max(20),
  columns: z
    .array(
      z.object({
        id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/),
        name: displayName,
        states: z.array(z.string().min(1)).min(1),
        wipLimit: positiveInt4.optional(),
        wipMode: z.enum(['block', 'warn']).default('block'),
      }),
    )
    .min(1)
    .max(30),
  swimlanes: z.string().regex(SWIMLANES, 'expected none, role, assignee, priority or field:<field id>').default('none'),
  /** At most this many open cards of the board per person: assignment to a role passes over those at it. */
  personalWip: positiveInt4.optional(),
});

export type BoardDefinition = z.output<typeof boardDefinition>;

const PERSON_OR_ME = 'expected a person id or "me"';

export const cardFilters = z.object({
  q: z.string().max(200).optional(),
  type: z.string().optional(),
  role: z.string().optional(),
  /** A person's id, or `me`: the person signed in (so a shared view means each viewer's own cards). */
  assignee: z.union([z.literal('me', PERSON_OR_ME), z.uuid(PERSON_OR_ME)]).optional(),
  label: z.string().optional(),
  dueBefore: isoDateTime().optional(),
  overdue: z.enum(['true', 'false']).optional(),
});

export type CardFilters = z.output<typeof cardFilters>;
