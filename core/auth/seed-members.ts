// Demo people from the roles file's `members:`, created only in an empty database and only where the
// configuration allows (DEMO_MEMBERS: by default, only on a server nobody else can reach).
import type { Logger } from '../logger.ts';
import type { Member } from '../org/format.schema.ts';
import { hashPassword, verifyPassword } from './password.ts';
import type { UsersRepository } from './users.repository.ts';

/** Documented in the README; only ever given to seeded demo members (people cannot choose it). */
export const DEMO_PASSWORD = 'dutyboard-demo';

export async function seedMembers(members: readonly Member[], users: UsersRepository): Promise<number> {
  if (members.length === 0 || (await users.count()) > 0) return 0;
  // One hash for all: the password is public anyway, and scrypt per member would slow the first start.
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return users.createAllIfEmpty(
    members.map((member) => ({
      email: member.email,
      displayName: member.name,
      passwordHash,
      roles: [...member.roles],
    })),
  );
}

/**
 * The ids of enabled accounts that still have the public demo password. Only seeded members can have
 * it (the password schema refuses it), so only they are looked at, one password check per distinct hash.
 */
export async function accountsWithDemoPassword(members: readonly Member[], users: UsersRepository): Promise<string[]> {
  const byHash = new Map<string, string[]>();
  for (const member of members) {
    const account = await users.findCredentials(member.email);
    if (!account || account.disabled_at !== null) continue;
    byHash.set(account.password_hash, [...(byHash.get(account.password_hash) ?? []), account.id]);
  }
  const found: string[] = [];
  for (const [hash, ids] of byHash) if (await verifyPassword(DEMO_PASSWORD, hash)) found.push(...ids);
  return found;
}

/** Logged at every start while any account still has the demo password (ids only: logs carry no emails). */
export async function warnAboutDemoPasswords(
  members: readonly Member[],
  users: UsersRepository,
  log: Logger,
): Promise<void> {
  const ids = await accountsWithDemoPassword(members, users);
  if (ids.length === 0) return;
  log.warn(
    { accounts: ids.length, userIds: ids },
    `${ids.length} account(s) still have the public demo password, so anyone who can reach this server can sign in as them: change their passwords or disable them`,
  );
}
