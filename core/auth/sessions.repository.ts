// Sign-in sessions. The cookie holds a random token; the database only its SHA-256, so a leaked
// table cannot be replayed as cookies.
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { sha256 } from '../org/canonical.ts';

export const SESSION_LIFETIME_MS = 7 * 24 * 3600_000;
/** A session used after half its lifetime is extended, so active people stay signed in... */
const RENEW_AFTER_MS = SESSION_LIFETIME_MS / 2;
/** ...but never past this long after sign-in: a stolen cookie in steady use does not live forever. */
export const SESSION_ABSOLUTE_LIFETIME_MS = 30 * 24 * 3600_000;

export interface SessionPerson {
  userId: string;
  email: string;
  displayName: string;
  roles: string[];
  expiresAt: Date;
}

export function createSessionsRepository(db: Kysely<Database>) {
  return {
    async create(userId: string, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
      const token = randomBytes(32).toString('base64url');
      const expiresAt = new Date(now.getTime() + SESSION_LIFETIME_MS);
      await db
        .insertInto('sessions')
        .values({ token_hash: sha256(token), user_id: userId, created_at: now, expires_at: expiresAt })
        .execute();
      return { token, expiresAt };
    },
    /**
     * The signed-in person of a token, with their roles, if the session is live (one query: it runs
     * on every request); renews sessions past their half-life, up to the absolute lifetime.
     */
    async resolve(token: string, now = new Date()): Promise<SessionPerson | undefined> {
      const tokenHash = sha256(token);
      const row = await db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .select([
          'sessions.user_id',
          'sessions.created_at',
          'sessions.expires_at',
          'users.disabled_at',
          'users.email',
          'users.display_name',
        ])
        .select(
          sql<
            string[]
          >`coalesce((SELECT array_agg(role_id ORDER BY role_id) FROM role_assignments WHERE user_id = sessions.user_id), '{}')`.as(
            'roles',
          ),
        )
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      const endOfLife = row ? row.created_at.getTime() + SESSION_ABSOLUTE_LIFETIME_MS : 0;
      if (!row || row.disabled_at !== null || row.expires_at <= now || endOfLife <= now.getTime()) return undefined;
      const person = { userId: row.user_id, email: row.email, displayName: row.display_name, roles: row.roles };
      const renewed = Math.min(now.getTime() + SESSION_LIFETIME_MS, endOfLife);
      if (
        row.expires_at.getTime() - now.getTime() < SESSION_LIFETIME_MS - RENEW_AFTER_MS &&
        renewed > row.expires_at.getTime()
      ) {
        const expiresAt = new Date(renewed);
        await db.updateTable('sessions').set({ expires_at: expiresAt }).where('token_hash', '=', tokenHash).execute();
        return { ...person, expiresAt };
      }
      return { ...person, expiresAt: row.expires_at };
    },
    /** Ends a session; answers whose it was (undefined if there was none). */
    async delete(token: string): Promise<string | undefined> {
      const row = await db
        .deleteFrom('sessions')
        .where('token_hash', '=', sha256(token))
        .returning('user_id')
        .executeTakeFirst();
      return row?.user_id;
    },
    /** Ends a person's sessions, all of them or all but the one whose token is `except`. */
    async deleteForUser(userId: string, except?: string): Promise<void> {
      let query = db.deleteFrom('sessions').where('user_id', '=', userId);
      if (except !== undefined) query = query.where('token_hash', '<>', sha256(except));
      await query.execute();
    },
    async deleteExpired(now = new Date()): Promise<void> {
      await db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
    },
  };
}

export type SessionsRepository = ReturnType<typeof createSessionsRepository>;
