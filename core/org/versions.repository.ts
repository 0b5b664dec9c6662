// Stored organisation versions: append-only; the newest is the active one.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { OrgDiff } from './diff.ts';
import type { OrgDefinition } from './format.schema.ts';
import type { SourceFile } from './yaml-source.ts';

export interface NewVersion {
  previousId: number | null;
  orgId: string;
  sources: SourceFile[];
  definition: OrgDefinition;
  contentHash: string;
  diff: OrgDiff;
  origin: 'roles-folder' | 'api' | 'revert';
  authorId: string | null;
  /** When it became active. */
  createdAt: Date;
}

const UNIQUE_VIOLATION = '23505';

export function createVersionsRepository(db: Kysely<Database>) {
  return {
    async activeId(): Promise<number | null> {
      const row = await db.selectFrom('org_versions').select('id').orderBy('id', 'desc').limit(1).executeTakeFirst();
      return row?.id ?? null;
    },
    get(id: number, executor: Kysely<Database> | Transaction<Database> = db) {
      return executor.selectFrom('org_versions').selectAll().where('id', '=', id).executeTakeFirst();
    },
    list() {
      return db
        .selectFrom('org_versions')
        .leftJoin('users', 'users.id', 'org_versions.author_id')
        .select(['org_versions.id', 'previous_id', 'content_hash', 'origin', 'org_versions.created_at', 'diff', 'users.display_name as author'])
        .orderBy('org_versions.id', 'desc')
        .execute();
    },
    /**
     * Appends a version after `previousId`. Returns null when another version was appended after the
     * same predecessor first (the unique index on previous_id decides), so exactly one of two racing
     * activations wins.
     */
    async append(version: NewVersion): Promise<number | null> {
      try {
        const row = await db
          .insertInto('org_versions')
          .values({
            previous_id: version.previousId,
            org_id: version.orgId,
            sources: JSON.stringify(version.sources),
            definition: JSON.stringify(version.definition),
            content_hash: version.contentHash,
            diff: JSON.stringify(version.diff),
            origin: version.origin,
            author_id: version.authorId,
            created_at: version.createdAt,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        return row.id;
      } catch (error) {
        if ((error as { code?: string }).code === UNIQUE_VIOLATION) return null;
        throw error;
      }
    },
  };
}

export type VersionsRepository = ReturnType<typeof createVersionsRepository>;
