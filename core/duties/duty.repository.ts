// The queries the duty scheduler makes itself: which duty keys already have a card, and since when
// each duty of the active organisation version has been in force.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export function createDutyRepository(db: Kysely<Database>) {
  return {
    /** The subset of `keys` that cards already carry (archived cards count: their period is done). */
    async existingKeys(keys: string[]): Promise<Set<string>> {
      const found = new Set<string>();
      // In slices, so a large organisation stays far below PostgreSQL's limit of bind parameters.
      for (let i = 0; i < keys.length; i += 1000) {
        const rows = await db
          .selectFrom('tasks')
          .select('duty_key')
          .where('duty_key', 'in', keys.slice(i, i + 1000))
          .execute();
        for (const row of rows) found.add(row.duty_key!);
      }
      return found;
    },
    /**
     * When each duty (`role/duty`, as the versions' diffs name them) of version `versionId` became
     * active: the time of the newest version up to it whose diff added the duty. Versions form one
     * line (each names the one it replaced), so walking back by id walks that line.
     */
    async activeSince(versionId: number, duties: string[]): Promise<Map<string, Date>> {
      const since = new Map<string, Date>();
      const wanted = new Set(duties);
      const rows = await db
        .selectFrom('org_versions')
        .select(['created_at', sql<string[]>`diff->'duties'->'added'`.as('added')])
        .where('id', '<=', versionId)
        .orderBy('id', 'desc')
        .execute();
      for (const row of rows) {
        for (const duty of row.added ?? []) {
          if (wanted.delete(duty)) since.set(duty, new Date(row.created_at));
        }
        if (wanted.size === 0) break;
      }
      return since;
    },
  };
}

export type DutyRepository = ReturnType<typeof createDutyRepository>;
