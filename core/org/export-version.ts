// Writes an organisation version back as the roles files it was made from, so a version activated
// over the API can be committed to git and becomes what the roles folder holds.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { createVersionsRepository } from './versions.repository.ts';

export interface Exported {
  versionId: number;
  written: string[];
  /** YAML files already in the folder that the version does not have: an import would read them too. */
  strangers: string[];
}

/** Writes version `versionId` (default: the active one) into `dir`; undefined when there is no version. */
export async function exportVersion(
  db: Kysely<Database>,
  dir: string,
  versionId?: number,
): Promise<Exported | undefined> {
  const versions = createVersionsRepository(db);
  const id = versionId ?? (await versions.activeId());
  const version = id === null ? undefined : await versions.get(id);
  if (!version) return undefined;
  const root = path.resolve(dir);
  const files = version.sources.map((source) => {
    const target = path.resolve(root, source.name);
    // Stored names are relative to the folder they were read from; nothing may land outside `dir`.
    if (path.dirname(target) !== root)
      throw new Error(`version ${version.id} has a file named "${source.name}", which is not a plain file name`);
    return { target, text: source.text };
  });
  mkdirSync(root, { recursive: true });
  for (const file of files) writeFileSync(file.target, file.text);
  const names = new Set(files.map((file) => path.basename(file.target)));
  const strangers = readdirSync(root).filter((name) => /\.ya?ml$/.test(name) && !names.has(name));
  return { versionId: version.id, written: [...names].sort(), strangers };
}
