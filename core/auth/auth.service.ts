// Sign-in, sign-out and who a session belongs to.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import type { OrgService } from '../org/org.service.ts';
import type { Actor } from './actor.ts';
import { burnPasswordCheck, verifyPassword } from './password.ts';
import { createSessionsRepository } from './sessions.repository.ts';
import { createSignInLimit } from './sign-in-limit.ts';
import type { UsersRepository } from './users.repository.ts';

export function createAuthService(deps: { db: Kysely<Database>; users: UsersRepository; org: OrgService }) {
  const sessions = createSessionsRepository(deps.db);
  const limit = createSignInLimit(deps.db);

  async function actorOf(userId: string): Promise<Actor | null> {
    const person = await deps.users.get(userId);
    if (!person || person.disabled) return null;
    const model = await deps.org.current();
    return {
      id: person.id,
      email: person.email,
      displayName: person.displayName,
      roles: person.roles,
      permissions: model ? model.permissionsOf(person.roles) : new Set(),
    };
  }

  return {
    async signIn(email: string, password: string, ip: string) {
      const wait = await limit.retryAfterSeconds(email, ip);
      if (wait > 0) {
        throw new AppError('RATE_LIMITED', `Too many failed sign-ins. Try again in ${Math.ceil(wait / 60)} minute(s).`, { retryAfterSeconds: wait });
      }
      const user = await deps.users.findCredentials(email);
      const valid = user && user.disabled_at === null ? await verifyPassword(password, user.password_hash) : (await burnPasswordCheck(password), false);
      if (!user || !valid) {
        await limit.recordFailure(email, ip);
        throw new AppError('UNAUTHENTICATED', 'The email or the password is wrong.');
      }
      await limit.clear(email);
      const session = await sessions.create(user.id);
      return { ...session, actor: (await actorOf(user.id))! };
    },
    signOut: (token: string) => sessions.delete(token),
    /** The actor of a session token, or null when the token is unknown, expired or its person disabled. */
    async actorForToken(token: string): Promise<{ actor: Actor; expiresAt: Date } | null> {
      const session = await sessions.resolve(token);
      if (!session) return null;
      const model = await deps.org.current();
      const actor: Actor = {
        id: session.userId,
        email: session.email,
        displayName: session.displayName,
        roles: session.roles,
        permissions: model ? model.permissionsOf(session.roles) : new Set(),
      };
      return { actor, expiresAt: session.expiresAt };
    },
    endSessionsOf: (userId: string) => sessions.deleteForUser(userId),
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
