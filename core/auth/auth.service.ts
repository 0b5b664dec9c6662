// Sign-in, sign-out and who a session belongs to.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import type { OrgModel } from '../org/org-model.ts';
import type { OrgService } from '../org/org.service.ts';
import type { Actor } from './actor.ts';
import { burnPasswordCheck, hashPassword, verifyPassword } from './password.ts';
import { createSessionsRepository, type SessionPerson } from './sessions.repository.ts';
import { createTtlCache } from '../ttl-cache.ts';
import { recordAccessChange } from '../events/event-log.ts';
import { createHashSlots } from './hash-slots.ts';
import { createSignInLimit } from './sign-in-limit.ts';
import type { UsersRepository } from './users.repository.ts';

/**
 * Every request resolves its session; a signed-in person's session is read from the database at most
 * this often. Sign-out, disabling and role changes made through this process apply at once; made
 * through another server process, within this time.
 */
const SESSION_CACHE_MS = 2_000;

/** A person as an actor under an organisation version (none active yet: no permissions). */
export function actorIn(
  model: OrgModel | undefined,
  person: Pick<Actor, 'id' | 'email' | 'displayName' | 'roles'>,
): Actor {
  const grants = model ? model.grantsOf(person.roles) : [];
  // A scoped grant opens the route; the card's own check (core/auth/access.ts) reads the scope.
  const permissions = new Set(grants.map((grant) => grant.permission));
  return {
    id: person.id,
    email: person.email,
    displayName: person.displayName,
    roles: person.roles,
    permissions,
    grants,
  };
}

const tooMany = (retryAfterSeconds: number) =>
  new AppError(
    'RATE_LIMITED',
    `Too many sign-in attempts. Try again in ${retryAfterSeconds < 120 ? `${retryAfterSeconds} second(s)` : `${Math.ceil(retryAfterSeconds / 60)} minute(s)`}.`,
    { retryAfterSeconds },
  );

/**
 * `now`: the clock of the sign-in limits (tests move it; the product uses the real one).
 * `announce`: wakes the event readers after an access change is recorded, so live sockets of that
 * person are checked again at once on this process and on the others.
 */
export function createAuthService(deps: {
  db: Kysely<Database>;
  users: UsersRepository;
  org: OrgService;
  now?: () => Date;
  announce?: () => void;
}) {
  const now = deps.now ?? (() => new Date());
  const sessions = createSessionsRepository(deps.db);
  const limit = createSignInLimit(deps.db);
  const slots = createHashSlots();
  const live = createTtlCache<string, SessionPerson | undefined>({ ttlMs: SESSION_CACHE_MS, maxEntries: 10_000 });

  const forget = (userId: string) => live.deleteWhere((session) => session?.userId === userId);
  async function accessChanged(userId: string): Promise<void> {
    forget(userId);
    await recordAccessChange(deps.db, userId);
    deps.announce?.();
  }

  async function actorOf(userId: string): Promise<Actor | null> {
    const person = await deps.users.get(userId);
    if (!person || person.disabled) return null;
    return actorIn(await deps.org.current(), person);
  }

  /**
   * Runs `check` (which verifies a password) under a password-check slot and a reserved attempt of the
   * sign-in limits; the attempt is given back when `check` returns a value. No free slot after a short,
   * bounded wait: refused before the database or the hash is touched, and not counted.
   */
  async function limited<T>(
    email: string,
    address: string,
    check: () => Promise<T | undefined>,
  ): Promise<T | undefined> {
    const release = await slots.take(email, address);
    if (!release) throw tooMany(1);
    try {
      const reservation = await limit.reserve(email, address, now());
      if (!reservation.ok) throw tooMany(reservation.retryAfterSeconds);
      const result = await check();
      if (result !== undefined) await limit.succeeded(email, address);
      return result;
    } finally {
      release();
    }
  }

  async function endSessionsOf(userId: string, options: { except?: string } = {}) {
    await sessions.deleteForUser(userId, options.except);
    await accessChanged(userId);
  }

  return {
    async signIn(email: string, password: string, address: string) {
      const key = email.trim().toLowerCase();
      const userId = await limited(key, address, async () => {
        const user = await deps.users.findCredentials(key);
        const valid =
          user && user.disabled_at === null
            ? await verifyPassword(password, user.password_hash)
            : await burnPasswordCheck(password).then(() => false);
        return valid ? user!.id : undefined;
      });
      if (userId === undefined) throw new AppError('UNAUTHENTICATED', 'The email or the password is wrong.');
      const session = await sessions.create(userId);
      return { ...session, actor: (await actorOf(userId))! };
    },
    /**
     * A person changes their own password: the current one is checked (under the sign-in limits, so a
     * stolen session cannot guess it), and every other session of theirs ends; this one stays.
     */
    async changePassword(input: {
      actor: Actor;
      sessionToken: string;
      currentPassword: string;
      newPassword: string;
      address: string;
    }) {
      const { actor } = input;
      const passwordHash = await limited(actor.email.toLowerCase(), input.address, async () => {
        const user = await deps.users.findCredentials(actor.email);
        if (!user || !(await verifyPassword(input.currentPassword, user.password_hash))) return undefined;
        return hashPassword(input.newPassword);
      });
      if (passwordHash === undefined) {
        const issues = [{ path: 'currentPassword', message: 'is not your current password' }];
        throw new AppError('VALIDATION_FAILED', 'The current password is wrong.', { issues });
      }
      await deps.users.update(actor.id, { passwordHash });
      await endSessionsOf(actor.id, { except: input.sessionToken });
    },
    async signOut(token: string) {
      const userId = await sessions.delete(token);
      live.delete(token);
      if (userId) await accessChanged(userId);
    },
    /** The actor of a session token, or null when the token is unknown, expired or its person disabled. */
    async actorForToken(token: string): Promise<{ actor: Actor; expiresAt: Date } | null> {
      const session = await live.get(token, () => sessions.resolve(token));
      if (!session || session.expiresAt <= new Date()) return null;
      const actor = actorIn(await deps.org.current(), {
        id: session.userId,
        email: session.email,
        displayName: session.displayName,
        roles: session.roles,
      });
      return { actor, expiresAt: session.expiresAt };
    },
    endSessionsOf: (userId: string) => endSessionsOf(userId),
    /** After a change to someone's roles: their next request and their live sockets read them again. */
    rolesChanged: accessChanged,
    /** Drops this process's cached sessions of a person (their access changed on another process). */
    forget,
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
