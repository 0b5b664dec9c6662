// The organisation as the product runs it: the active version (reloaded when another process
// activates one), dry runs, activation with optimistic concurrency, reverts, and the roles folder at start.
import type { Kysely, Transaction } from 'kysely';
import type { UsersRepository } from '../auth/users.repository.ts';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { canonicalJson, sha256 } from './canonical.ts';
import type { OrgCatalogue } from './catalogue.ts';
import { diffOrgs, type OrgDiff } from './diff.ts';
import { escalationImpact, rolesLosingCards, type EscalationImpact, type TasksAffected } from './impact.ts';
import { loadOrg } from './load-org.ts';
import type { OrgError } from './org-error.ts';
import { OrgModel } from './org-model.ts';
import { createVersionsRepository, sortedSources, sourcesHash } from './versions.repository.ts';
import type { SourceFile } from './yaml-source.ts';

export interface Impact {
  /** Roles the change removes that people still hold; those people lose the roles' permissions. */
  heldRolesRemoved: { role: string; holders: number }[];
  /** Task types the change removes that open cards still use (such a change is refused). */
  taskTypesInUse: { taskType: string; openCards: number }[];
  /** Open cards sitting with a role the change removes. */
  rolesLosingCards: ({ role: string } & TasksAffected)[];
  /** Open cards an added, removed or changed escalation watches. */
  escalations: EscalationImpact[];
}

export type Preview = { ok: true; diff: OrgDiff; impact: Impact; errors: [] } | { ok: false; errors: OrgError[] };

export interface Activated {
  versionId: number;
  diff: OrgDiff;
  /** True when the sources equal the active version's: nothing new was stored. */
  unchanged: boolean;
}

export type FolderSync =
  | { status: 'activated' | 'unchanged'; versionId: number }
  /** The folder has not changed since it was imported as `folderVersionId`; a later version is active. */
  | { status: 'behind'; versionId: number; folderVersionId: number }
  | { status: 'invalid'; errors: OrgError[]; keptVersionId: number | null };

const ACTIVE_VERSION_TTL_MS = 250;

/** `now`: stamps when a version became active (duties start from it; tests set it). */
/** `announce`: wakes the event readers after an activation, so the other processes apply it too. */
export function createOrgService(deps: {
  db: Kysely<Database>;
  catalogue: OrgCatalogue;
  users: UsersRepository;
  log: Logger;
  now?: () => Date;
  announce?: () => void;
}) {
  const versions = createVersionsRepository(deps.db);
  const activatedHere = new Set<() => Promise<void>>();
  let cached: OrgModel | undefined;

  // Which version is active is asked several times per request; on a busy server once per quarter
  // second is enough (another process's activation shows here within that; this process's at once).
  // Callers meanwhile share the one check in flight; an activation here starts a new generation, and
  // a check begun before it neither answers later callers nor overwrites what it activated.
  let checkedAt = 0;
  let generation = 0;
  let checking: { generation: number; model: Promise<OrgModel | undefined> } | undefined;
  async function check(started: number): Promise<OrgModel | undefined> {
    const askedAt = Date.now();
    const id = await versions.activeId();
    if (started !== generation) return current();
    if (id === null) return undefined;
    if (cached?.versionId !== id) {
      const row = await versions.get(id);
      if (!row) return cached;
      // An activation meanwhile (here, or heard of from another process): ask again rather than answer
      // with the model cached before it.
      if (started !== generation) return current();
      cached = new OrgModel(id, row.definition, deps.catalogue);
    }
    // Only now: until the new model is cached, callers must wait for this check, not take the old one.
    checkedAt = askedAt;
    return cached;
  }
  function current(): Promise<OrgModel | undefined> {
    if (cached && Date.now() - checkedAt < ACTIVE_VERSION_TTL_MS) return Promise.resolve(cached);
    if (checking?.generation !== generation) {
      const mine = { generation, model: check(generation) };
      checking = mine;
      void mine.model
        .finally(() => {
          if (checking === mine) checking = undefined;
        })
        .catch(() => undefined);
    }
    return checking!.model;
  }

  /** The next question for the active version asks the database (an activation here or elsewhere). */
  function forget(): void {
    checkedAt = 0;
    generation++;
  }

  const byVersion = new Map<number, OrgModel>();
  /** The model of any stored version (escalation cycles resolve levels with the one they began under). */
  async function modelOf(
    versionId: number,
    executor: Kysely<Database> | Transaction<Database> = deps.db,
  ): Promise<OrgModel | undefined> {
    if (cached?.versionId === versionId) return cached;
    let model = byVersion.get(versionId);
    if (!model) {
      const row = await versions.get(versionId, executor);
      if (!row) return undefined;
      model = new OrgModel(versionId, row.definition, deps.catalogue);
      byVersion.set(versionId, model);
    }
    return model;
  }

  async function active(): Promise<OrgModel> {
    const model = await current();
    if (!model)
      throw new AppError('UNAVAILABLE', 'No organisation is active yet: the roles folder has not been loaded.');
    return model;
  }

  async function preview(sources: SourceFile[]): Promise<Preview> {
    const result = loadOrg(sources, deps.catalogue);
    if (!result.ok) return result;
    const before = await current();
    const diff = diffOrgs(before?.definition ?? null, result.definition);
    const holders = await deps.users.holderCounts();
    const heldRolesRemoved = diff.roles.removed
      .filter((role) => holders.has(role))
      .map((role) => ({ role, holders: holders.get(role)! }));
    return {
      ok: true,
      errors: [],
      diff,
      impact: {
        heldRolesRemoved,
        taskTypesInUse: await taskTypesInUse(diff.task_types.removed),
        rolesLosingCards: await rolesLosingCards(deps.db, diff),
        escalations: await escalationImpact(
          deps.db,
          diff,
          before?.definition ?? null,
          new OrgModel(0, result.definition, deps.catalogue),
        ),
      },
    };
  }

  async function taskTypesInUse(removed: string[]): Promise<Impact['taskTypesInUse']> {
    if (removed.length === 0) return [];
    const rows = await deps.db
      .selectFrom('tasks')
      .select(['type', (eb) => eb.fn.countAll<number>().as('n')])
      .where('type', 'in', removed)
      .where('category', '!=', 'done')
      .where('archived_at', 'is', null)
      .groupBy('type')
      .execute();
    return rows.map((row) => ({ taskType: row.type, openCards: Number(row.n) }));
  }

  async function activate(
    sources: SourceFile[],
    options: { baseVersionId: number | null; authorId: string | null; origin: 'roles-folder' | 'api' | 'revert' },
  ): Promise<Activated> {
    const result = loadOrg(sources, deps.catalogue);
    if (!result.ok) {
      throw new AppError('ROLES_INVALID', `The roles file has ${result.errors.length} error(s); nothing was changed.`, {
        errors: result.errors,
      });
    }
    const before = await current();
    const conflict = () =>
      new AppError(
        'CONFLICT',
        `The organisation was changed meanwhile (now version ${before?.versionId ?? 'none'}); reload and apply your change again.`,
        {
          activeVersionId: before?.versionId ?? null,
        },
      );
    if ((before?.versionId ?? null) !== options.baseVersionId) throw conflict();
    const diff = diffOrgs(before?.definition ?? null, result.definition);
    const inUse = await taskTypesInUse(diff.task_types.removed);
    if (inUse.length) {
      const list = inUse
        .map((t) => `${t.taskType} (${t.openCards} open card${t.openCards === 1 ? '' : 's'})`)
        .join(', ');
      throw new AppError(
        'ROLES_INVALID',
        `The change removes task types that open cards still use: ${list}. Close or archive those cards first; nothing was changed.`,
        { taskTypesInUse: inUse },
      );
    }
    if (
      before &&
      canonicalJson(sortedSources(sources)) ===
        canonicalJson(sortedSources((await versions.get(before.versionId))!.sources))
    ) {
      return { versionId: before.versionId, diff, unchanged: true };
    }
    const versionId = await versions.append({
      previousId: options.baseVersionId,
      orgId: result.definition.organization.id,
      sources: sortedSources(sources),
      definition: result.definition,
      contentHash: sha256(canonicalJson(result.definition)),
      diff,
      origin: options.origin,
      authorId: options.authorId,
      createdAt: deps.now?.() ?? new Date(),
    });
    if (versionId === null) throw conflict();
    forget();
    deps.log.info({ versionId, origin: options.origin, authorId: options.authorId }, 'organisation version activated');
    deps.announce?.();
    // Applied here before the caller hears of it: a board for a new task type exists when it answers.
    for (const apply of activatedHere) await apply();
    return { versionId, diff, unchanged: false };
  }

  async function revert(versionId: number, baseVersionId: number | null, authorId: string | null): Promise<Activated> {
    const old = await versions.get(versionId);
    if (!old) throw new AppError('NOT_FOUND', `There is no organisation version ${versionId}.`);
    return activate(old.sources, { baseVersionId, authorId, origin: 'revert' });
  }

  /**
   * At start: the roles folder is imported only when it changed since it was last imported from the
   * folder, so a version activated over the API since then stays active ('behind': the folder is
   * older than the active version). An import becomes a new version when it differs from the active
   * one. When it is invalid the last good version stays in force (its errors are returned for the
   * log); with no good version at all there is nothing to run, and the caller stops.
   */
  async function syncFromFolder(sources: SourceFile[], attempt = 0): Promise<FolderSync> {
    const before = await current();
    const hash = sourcesHash(sources);
    const last = before ? await versions.lastFolderImport() : undefined;
    if (before && last?.sourcesHash === hash) {
      const activeSources = (await versions.get(before.versionId))!.sources;
      if (last.versionId === before.versionId || sourcesHash(activeSources) === hash)
        return { status: 'unchanged', versionId: before.versionId };
      return { status: 'behind', versionId: before.versionId, folderVersionId: last.versionId };
    }
    const result = loadOrg(sources, deps.catalogue);
    if (!result.ok) return { status: 'invalid', errors: result.errors, keptVersionId: before?.versionId ?? null };
    try {
      const activated = await activate(sources, {
        baseVersionId: before?.versionId ?? null,
        authorId: null,
        origin: 'roles-folder',
      });
      await versions.recordFolderImport(hash, activated.versionId);
      return { status: activated.unchanged ? 'unchanged' : 'activated', versionId: activated.versionId };
    } catch (error) {
      // Another process starting at the same moment activated first: compare with its version instead.
      if (error instanceof AppError && error.code === 'CONFLICT' && attempt === 0) return syncFromFolder(sources, 1);
      throw error;
    }
  }

  return {
    current,
    active,
    modelOf,
    preview,
    activate,
    revert,
    syncFromFolder,
    forget,
    /** Runs `apply` after each activation made through this service, before `activate` returns. */
    onActivated: (apply: () => Promise<void>) => void activatedHere.add(apply),
    versions,
  };
}

export type OrgService = ReturnType<typeof createOrgService>;
