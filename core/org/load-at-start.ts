// At start: bring the roles folder in as the active version when it changed since it was last imported,
// or keep the last good one when it is broken.
import { existsSync } from 'node:fs';
import { seedMembers } from '../auth/seed-members.ts';
import type { UsersRepository } from '../auth/users.repository.ts';
import { ConfigError } from '../config.ts';
import type { Logger } from '../logger.ts';
import { formatOrgError } from './org-error.ts';
import type { OrgService } from './org.service.ts';
import { readRoleSources } from './read-sources.ts';

/**
 * `demoMembers`: whether the roles file's members may be created with the public demo password.
 * Returns how many demo members this start created (more than 0 only on an empty database).
 */
export async function loadRolesAtStart(
  rolesDir: string,
  services: { org: Pick<OrgService, 'current' | 'syncFromFolder' | 'active'>; users: UsersRepository },
  log: Logger,
  options: { demoMembers: boolean },
): Promise<{ seededMembers: number }> {
  const kept = await services.org.current();
  if (!existsSync(rolesDir)) {
    if (kept) {
      log.warn({ rolesDir, versionId: kept.versionId }, 'no roles folder; running on the stored organisation');
      return { seededMembers: 0 };
    }
    throw new ConfigError(
      `No roles folder at ${rolesDir} and no organisation stored yet. Fix: set ROLES_DIR to the folder with your roles YAML.`,
    );
  }
  const result = await services.org.syncFromFolder(readRoleSources(rolesDir, rolesDir));
  if (result.status === 'invalid') {
    const lines = result.errors.map((error) => formatOrgError({ ...error, file: `${rolesDir}/${error.file}` }));
    if (result.keptVersionId === null) {
      throw new ConfigError(
        `The roles in ${rolesDir} have ${lines.length} error(s) and no earlier version exists:\n${lines.join('\n')}`,
      );
    }
    for (const line of lines) log.error({ rolesDir }, line);
    log.warn(
      { versionId: result.keptVersionId, errors: lines.length },
      'roles folder is invalid; the last good organisation version stays active',
    );
  } else if (result.status === 'behind') {
    log.warn(
      { rolesDir, versionId: result.versionId, folderVersionId: result.folderVersionId },
      `the roles folder is behind: it has not changed since it was imported as version ${result.folderVersionId}, and version ${result.versionId} (activated since) stays active. ` +
        `To bring the folder up to date: npm run roles -- export ${rolesDir}`,
    );
  } else {
    log.info(
      { versionId: result.versionId, status: result.status },
      `organisation version ${result.versionId} ${result.status === 'activated' ? 'activated from the roles folder' : 'is up to date'}`,
    );
  }
  const { members } = (await services.org.active()).definition;
  if (!options.demoMembers) {
    if (members.length > 0 && (await services.users.count()) === 0) {
      log.warn(
        { members: members.length },
        'the roles file lists demo members, but they are created only on a server that listens on loopback with a local PUBLIC_URL (they would share a public password); set DEMO_MEMBERS=on to create them anyway',
      );
    }
    return { seededMembers: 0 };
  }
  const seeded = await seedMembers(members, services.users);
  if (seeded) log.info({ seeded }, 'demo members created from the roles file');
  return { seededMembers: seeded };
}
