// Demo people from the roles file's `members:`, created only in an empty database.
import type { Member } from '../org/format.schema.ts';
import { hashPassword } from './password.ts';
import type { UsersRepository } from './users.repository.ts';

/** Documented in the README; only ever given to seeded demo members. */
export const DEMO_PASSWORD = 'dutyboard-demo';

export async function seedMembers(members: readonly Member[], users: UsersRepository): Promise<number> {
  if (members.length === 0 || (await users.count()) > 0) return 0;
  // One hash for all: the password is public anyway, and scrypt per member would slow the first start.
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return users.createAllIfEmpty(members.map((member) => ({ email: member.email, displayName: member.name, passwordHash, roles: [...member.roles] })));
}
