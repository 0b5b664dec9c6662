// A checklist: items to tick off. Every card has one of its own, and a task type can declare more as
// fields (ROLES-FORMAT "Task types", field type `checklist`); both are checked by this one schema.
import { z } from 'zod';

export const checklistSchema = z
  .array(z.strictObject({ text: z.string().trim().min(1).max(500), done: z.boolean() }))
  .max(200);

export type Checklist = z.infer<typeof checklistSchema>;

/** The shape of the cards' checklist column, for core/db/card-columns.ts. */
declare module '../db/card-columns.ts' {
  interface CardJsonShapes {
    checklist: Checklist;
  }
}
