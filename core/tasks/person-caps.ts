// Per-person caps on what people add, so a script or a stuck client cannot fill the database: saved
// views kept, and comments and links written in a day. Each check counts under a lock per person and
// kind until the write commits, so parallel requests cannot pass a cap together.
import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';

export interface PersonCaps {
  /** Saved views a person keeps, over all boards. */
  savedViews: number;
  /** Comments a person writes in 24 hours. */
  commentsPerDay: number;
  /** Links a person adds in 24 hours. */
  linksPerDay: number;
}

export const PERSON_CAPS: PersonCaps = { savedViews: 100, commentsPerDay: 1_000, linksPerDay: 500 };

export type CapKind = 'saved_views' | 'comments' | 'links';

const DAY_MS = 24 * 3_600_000;

const count = (rows: { n: string | number | bigint } | undefined) => Number(rows?.n ?? 0);

/** How many of a kind the person has (views) or added in the window (comments, links). */
async function countOf(tx: Transaction<Database>, kind: CapKind, userId: string, since: Date): Promise<number> {
  if (kind === 'saved_views') {
    return count(
      await tx
        .selectFrom('saved_views')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('owner_id', '=', userId)
        .executeTakeFirst(),
    );
  }
  if (kind === 'comments') {
    return count(
      await tx
        .selectFrom('task_comments')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('author_id', '=', userId)
        .where('created_at', '>', since)
        .executeTakeFirst(),
    );
  }
  return count(
    await tx
      .selectFrom('task_links')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('created_by', '=', userId)
      .where('created_at', '>', since)
      .executeTakeFirst(),
  );
}

const describe: Record<CapKind, (limit: number) => string> = {
  saved_views: (limit) =>
    `You already keep ${limit} saved views, the most one person may; delete one you no longer use first.`,
  comments: (limit) =>
    `You have written ${limit} comments in the last 24 hours, the most one person may; try again later.`,
  links: (limit) => `You have added ${limit} links in the last 24 hours, the most one person may; try again later.`,
};

/** In the write's transaction, before it adds one: refuses (429, naming the cap) when the person is at it. */
export async function holdPersonCap(
  tx: Transaction<Database>,
  input: { kind: CapKind; userId: string; limit: number; now: Date },
): Promise<void> {
  const { kind, userId, limit, now } = input;
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`cap:${kind}:${userId}`}, 0))`.execute(tx);
  const since = new Date(now.getTime() - DAY_MS);
  if ((await countOf(tx, kind, userId, since)) >= limit) {
    throw new AppError('RATE_LIMITED', describe[kind](limit), {
      reason: 'person_cap',
      cap: kind,
      limit,
      ...(kind === 'saved_views' ? {} : { windowHours: 24 }),
    });
  }
}
