// The API contract the UI builds on, in one place: request types come from the route table through
// Hono's typed client (`hc<ApiRoutes>`), response and websocket types from the zod schemas the routes
// declare (and are checked against under test). The UI imports types only from here and from ApiRoutes.
import type { z } from 'zod';
import type {
  activitySchema,
  approvalViewSchema,
  boardCardSchema,
  boardViewSchema,
  commentSchema,
  inboxItemSchema,
  laneSchema,
  linkSchema,
  meSchema,
  savedViewSchema,
  taskViewSchema,
} from './output.schemas.ts';
import type { cardDetailSchema, directorySchema, myWorkSchema, taskTypeSchema } from '../reads/reads.schemas.ts';

export type { ApiRoutes } from './app.ts';
export type { ErrorBody, ErrorCode } from '../errors.ts';
export type { LiveClientMessage, LiveServerMessage, Viewer } from '../events/live-messages.ts';
export type { CardFilters } from '../board/board.schema.ts';

export type TaskView = z.infer<typeof taskViewSchema>;
export type BoardCard = z.infer<typeof boardCardSchema>;
export type BoardView = z.infer<typeof boardViewSchema>;
export type Lane = z.infer<typeof laneSchema>;
export type SavedView = z.infer<typeof savedViewSchema>;
export type Me = z.infer<typeof meSchema>;
export type Activity = z.infer<typeof activitySchema>;
export type Comment = z.infer<typeof commentSchema>;
export type Link = z.infer<typeof linkSchema>;
export type Approval = z.infer<typeof approvalViewSchema>;
export type ApprovalRequest = z.infer<typeof inboxItemSchema>;
export type TaskType = z.infer<typeof taskTypeSchema>;
export type FieldMeta = TaskType['fields'][number];
export type Directory = z.infer<typeof directorySchema>;
export type CardDetail = z.infer<typeof cardDetailSchema>;
export type MyWork = z.infer<typeof myWorkSchema>;
