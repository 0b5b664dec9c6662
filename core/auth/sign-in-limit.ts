// Slows down password guessing: too many failed sign-ins for one email, or from one address, within
// the window lock further attempts until the oldest failure leaves it. Kept in the database so every
// server process shares the count.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export const SIGN_IN_LIMITS = { windowMs: 15 * 60_000, perEmail: 5, perAddress: 30 };

export function createSignInLimit(db: Kysely<Database>) {
  const since = (now: Date) => new Date(now.getTime() - SIGN_IN_LIMITS.windowMs);
  return {
    /** Seconds until another attempt is allowed, or 0 when it is allowed now. */
    async retryAfterSeconds(email: string, ip: string, now = new Date()): Promise<number> {
      const { rows } = await sql<{ by_email: number; by_ip: number; oldest_email: Date | null; oldest_ip: Date | null }>`
        SELECT count(*) FILTER (WHERE email = ${email.toLowerCase()})::int AS by_email,
               count(*) FILTER (WHERE ip = ${ip})::int AS by_ip,
               min(failed_at) FILTER (WHERE email = ${email.toLowerCase()}) AS oldest_email,
               min(failed_at) FILTER (WHERE ip = ${ip}) AS oldest_ip
        FROM sign_in_failures
        WHERE failed_at > ${since(now)} AND (email = ${email.toLowerCase()} OR ip = ${ip})`.execute(db);
      const row = rows[0]!;
      const waits = [
        row.by_email >= SIGN_IN_LIMITS.perEmail ? row.oldest_email : null,
        row.by_ip >= SIGN_IN_LIMITS.perAddress ? row.oldest_ip : null,
      ]
        .filter((oldest): oldest is Date => oldest !== null)
        .map((oldest) => Math.ceil((new Date(oldest).getTime() + SIGN_IN_LIMITS.windowMs - now.getTime()) / 1000));
      return Math.max(0, ...waits);
    },
    async recordFailure(email: string, ip: string): Promise<void> {
      await db.insertInto('sign_in_failures').values({ email: email.toLowerCase(), ip }).execute();
    },
    async clear(email: string, now = new Date()): Promise<void> {
      await db.deleteFrom('sign_in_failures').where((eb) => eb.or([eb('email', '=', email.toLowerCase()), eb('failed_at', '<=', since(now))])).execute();
    },
  };
}
