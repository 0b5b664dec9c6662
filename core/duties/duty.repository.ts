// The one query the duty scheduler makes itself: which duty keys already have a card.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export function createDutyRepository(db: Kysely<Database>) {
  return {
    /** The subset of `keys` that cards already carry (archived cards count: their period is done). */
    async existingKeys(keys: string[]): Promise<Set<string>> {
      const found = new Set<string>();
      // In slices, so a large organisation stays far below PostgreSQL's limit of bind parameters.
      for (let i = 0; i < keys.length; i += 1000) {
        const rows = await db.selectFrom('tasks').select('duty_key').where('duty_key', 'in', keys.slice(i, i + 1000)).execute();
        for (const row of rows) found.add(row.duty_key!);
      }
      return found;
    },
  };
}

export type DutyRepository = ReturnType<typeof createDutyRepository>;
