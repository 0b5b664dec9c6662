// Sign-in, sign-out and who a session belongs to.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import type { OrgService } from '../org/org.service.ts';
import type { Actor } from './actor.ts';
import { burnPasswordCheck, verifyPassword } from './password.ts';
import { createSessionsRepository, type SessionPerson } from './sessions.repository.ts';
import { createTtlCache } from '../ttl-cache.ts';
import { createHashSlots } from './hash-slots.ts';
import { createSignInLimit } from './sign-in-limit.ts';
import type { UsersRepository } from './users.repository.ts';

/**
 * Every request resolves its session; a signed-in person's session is read from the database at most
 * this often. Sign-out, disabling and role changes made through this process apply at once; made
 * through another server process, within this time.
 */
const SESSION_CACHE_MS = 2_000;

const tooMany = (retryAfterSeconds: number) =>
  new AppError('RATE_LIMITED', `Too many sign-in attempts. Try again in ${retryAfterSeconds < 120 ? `${retryAfterSeconds} second(s)` : `${Math.ceil(retryAfterSeconds / 60)} minute(s)`}.`, { retryAfterSeconds });

/** `now`: the clock of the sign-in limits (tests move it; the product uses the real one). */
export function createAuthService(deps: { db: Kysely<Database>; users: UsersRepository; org: OrgService; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  const sessions = createSessionsRepository(deps.db);
  const limit = createSignInLimit(deps.db);
  const slots = createHashSlots();
  const live = createTtlCache<string, SessionPerson | undefined>({ ttlMs: SESSION_CACHE_MS, maxEntries: 10_000 });

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
    async signIn(email: string, password: string, address: string) {
      const key = email.trim().toLowerCase();
      // No free slot: answered at once, before the database or the hash is touched, and not counted.
      const release = slots.tryTake(key, address);
      if (!release) throw tooMany(1);
      try {
        const reservation = await limit.reserve(key, address, now());
        if (!reservation.ok) throw tooMany(reservation.retryAfterSeconds);
        const user = await deps.users.findCredentials(key);
        const valid = user && user.disabled_at === null ? await verifyPassword(password, user.password_hash) : (await burnPasswordCheck(password), false);
        if (!user || !valid) throw new AppError('UNAUTHENTICATED', 'The email or the password is wrong.');
        await limit.succeeded(key, address);
        const session = await sessions.create(user.id);
        return { ...session, actor: (await actorOf(user.id))! };
      } finally {
        release();
      }
    },
    async signOut(token: string) {
      await sessions.delete(token);
      live.delete(token);
    },
    /** The actor of a session token, or null when the token is unknown, expired or its person disabled. */
    async actorForToken(token: string): Promise<{ actor: Actor; expiresAt: Date } | null> {
      const session = await live.get(token, () => sessions.resolve(token));
      if (!session || session.expiresAt <= new Date()) return null;
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
    async endSessionsOf(userId: string) {
      await sessions.deleteForUser(userId);
      live.deleteWhere((session) => session?.userId === userId);
    },
    /** After a change to someone's roles: their next request reads them again. */
    rolesChanged: (userId: string) => live.deleteWhere((session) => session?.userId === userId),
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
