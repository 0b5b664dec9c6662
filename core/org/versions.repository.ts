// Stored organisation versions: append-only; the newest is the active one.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { ORG_ACTIVATED } from '../events/event-log.ts';
import { canonicalJson, sha256 } from './canonical.ts';
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

/** Names and text of a set of roles files, in name order: equal folders, equal hash. */
export function sortedSources(sources: SourceFile[]): SourceFile[] {
  return [...sources].sort((a, b) => a.name.localeCompare(b.name)).map(({ name, text }) => ({ name, text }));
}

export function sourcesHash(sources: SourceFile[]): string {
  return sha256(canonicalJson(sortedSources(sources)));
}

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
        .select([
          'org_versions.id',
          'previous_id',
          'content_hash',
          'origin',
          'org_versions.created_at',
          'diff',
          'users.display_name as author',
        ])
        .orderBy('org_versions.id', 'desc')
        .execute();
    },
    /** What the roles folder was (its hash) when it was last imported, and the version it became. */
    async lastFolderImport(): Promise<{ sourcesHash: string; versionId: number } | undefined> {
      const row = await db
        .selectFrom('roles_folder_imports')
        .select(['sources_hash', 'version_id'])
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (row) return { sourcesHash: row.sources_hash, versionId: row.version_id };
      // Recorded only since 0017; before it, the newest version made from the folder is the last import.
      const old = await db
        .selectFrom('org_versions')
        .select(['id', 'sources'])
        .where('origin', '=', 'roles-folder')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return old && { sourcesHash: sourcesHash(old.sources), versionId: old.id };
    },
    async recordFolderImport(hash: string, versionId: number): Promise<void> {
      await db.insertInto('roles_folder_imports').values({ sources_hash: hash, version_id: versionId }).execute();
    },
    /**
     * Appends a version after `previousId`. Returns null when another version was appended after the
     * same predecessor first (the unique index on previous_id decides), so exactly one of two racing
     * activations wins.
     */
    async append(version: NewVersion): Promise<number | null> {
      try {
        return await db.transaction().execute(async (tx) => {
          const row = await tx
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
          // Committed with the version, so every process hears of it (event-bus.ts).
          await tx
            .insertInto('events')
            .values({
              type: ORG_ACTIVATED,
              task_id: null,
              task_type: null,
              actor_id: version.authorId,
              recipient_id: null,
            })
            .execute();
          return row.id;
        });
      } catch (error) {
        if ((error as { code?: string }).code === UNIQUE_VIOLATION) return null;
        throw error;
      }
    },
  };
}

export type VersionsRepository = ReturnType<typeof createVersionsRepository>;
