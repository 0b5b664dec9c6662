// The websocket messages of /api/boards/:id/live and /api/me/live, defined once: the server builds
// them with these types and the UI reads them with the same ones (tests parse what is sent).
import { z } from 'zod';
import { EVENT_TYPES } from './event-log.ts';
import { taskViewSchema } from '../http/output.schemas.ts';

const liveEvent = z.object({
  id: z.number().int(),
  type: z.enum(EVENT_TYPES),
  taskId: z.number().int().nullable(),
  taskType: z.string().nullable(),
  actorId: z.string().nullable(),
  recipientId: z.string().nullable(),
  createdAt: z.string(),
});

/** Who has which card open on a board (this process's sockets). */
export const viewerSchema = z.object({ taskId: z.number().int(), personId: z.string(), name: z.string() });

export const serverMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), lastEventId: z.number().int() }),
  z.object({ type: z.literal('event'), event: liveEvent, task: taskViewSchema.nullable() }),
  z.object({ type: z.literal('notification'), event: liveEvent, task: taskViewSchema.nullable() }),
  z.object({ type: z.literal('refresh'), reason: z.string() }),
  z.object({ type: z.literal('presence'), viewers: z.array(viewerSchema) }),
]);

/** What a board client may send: the card it has open now (null: none). */
export const clientMessageSchema = z.object({
  type: z.literal('viewing'),
  taskId: z.number().int().positive().nullable(),
});

export type LiveServerMessage = z.infer<typeof serverMessageSchema>;
export type LiveClientMessage = z.infer<typeof clientMessageSchema>;
export type Viewer = z.infer<typeof viewerSchema>;
