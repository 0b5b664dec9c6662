// Cursors for long lists (activity, comments, inbox): `before` an item id, at most `limit` items, the
// newest of those; the next page starts before the oldest item of this one.
import { z } from 'zod';

export const pageQuery = z.object({
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});

export type Page = z.output<typeof pageQuery>;

/** The cursor of the page after `items` (oldest first): null when the page was not full. */
export function olderCursor(items: { id: number }[], limit: number | undefined): number | null {
  return limit !== undefined && items.length === limit ? items[0]!.id : null;
}
