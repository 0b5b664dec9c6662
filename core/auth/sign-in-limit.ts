// Slows password guessing with counters in the database, shared by every server process. Each attempt
// is reserved by an atomic UPSERT before the password is checked (so parallel guesses cannot all pass
// one count), under three keys:
// - an email at an address: 5 attempts, then that pair is locked for 15 minutes;
// - an address: 30 attempts, then it is locked for 15 minutes;
// - an email from anywhere: after 10 attempts, one every 10 seconds until the window ends — it slows a
//   guesser with many addresses without locking the real person out from theirs.
// A successful sign-in gives its reservation back; a failed one keeps it as the failure.
import { sql, type Kysely } from 'kysely';
import type { Database, SignInScope } from '../db/schema.ts';

interface Rule {
  /** The attempt that reaches this count sets the block. */
  threshold: number;
  blockMs: number;
}

const MINUTE = 60_000;

export const SIGN_IN_LIMITS = {
  windowMs: 15 * MINUTE,
  pair: { threshold: 5, blockMs: 15 * MINUTE },
  email: { threshold: 10, blockMs: 10_000 },
  address: { threshold: 30, blockMs: 15 * MINUTE },
  /** Expired rows are deleted on a write at most this often. */
  cleanupEveryMs: MINUTE,
} satisfies Record<SignInScope, Rule> & { windowMs: number; cleanupEveryMs: number };

export type Reservation = { ok: true } | { ok: false; retryAfterSeconds: number };

class Refused extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('sign-in attempt refused');
  }
}

const pairKey = (email: string, address: string) => `${email} ${address}`;
const keysOf = (email: string, address: string): [SignInScope, string][] => [
  ['pair', pairKey(email, address)],
  ['email', email],
  ['address', address],
];

export function createSignInLimit(db: Kysely<Database>) {
  let lastCleanup = -Infinity;

  async function reserveOne(tx: Kysely<Database>, scope: SignInScope, key: string, now: Date): Promise<void> {
    const rule = SIGN_IN_LIMITS[scope];
    const windowEnds = new Date(now.getTime() + SIGN_IN_LIMITS.windowMs);
    const blockUntil = new Date(now.getTime() + rule.blockMs);
    // A row whose window ended starts again at 1; a blocked row is left alone (no row comes back).
    const { rows } = await sql<{ attempts: number }>`
      INSERT INTO sign_in_attempts AS a (scope, key, attempts, window_ends_at, blocked_until)
      VALUES (${scope}, ${key}, 1, ${windowEnds}::timestamptz, CASE WHEN ${rule.threshold}::int <= 1 THEN ${blockUntil}::timestamptz END)
      ON CONFLICT (scope, key) DO UPDATE SET
        attempts = CASE WHEN a.window_ends_at <= ${now}::timestamptz THEN 1 ELSE a.attempts + 1 END,
        window_ends_at = CASE WHEN a.window_ends_at <= ${now}::timestamptz THEN ${windowEnds}::timestamptz ELSE a.window_ends_at END,
        blocked_until = CASE WHEN (CASE WHEN a.window_ends_at <= ${now}::timestamptz THEN 1 ELSE a.attempts + 1 END) >= ${rule.threshold}::int
                             THEN ${blockUntil}::timestamptz END
      WHERE a.blocked_until IS NULL OR a.blocked_until <= ${now}::timestamptz
      RETURNING attempts`.execute(tx);
    if (rows.length) return;
    const blocked = await tx
      .selectFrom('sign_in_attempts')
      .select('blocked_until')
      .where('scope', '=', scope)
      .where('key', '=', key)
      .executeTakeFirst();
    const until = blocked?.blocked_until?.getTime() ?? now.getTime() + 1000;
    throw new Refused(Math.max(1, Math.ceil((until - now.getTime()) / 1000)));
  }

  async function cleanUp(now: Date): Promise<void> {
    if (now.getTime() - lastCleanup < SIGN_IN_LIMITS.cleanupEveryMs) return;
    lastCleanup = now.getTime();
    await db
      .deleteFrom('sign_in_attempts')
      .where('window_ends_at', '<=', now)
      .where((eb) => eb.or([eb('blocked_until', 'is', null), eb('blocked_until', '<=', now)]))
      .execute();
  }

  return {
    /** Counts an attempt under every key, or none of them when one key is blocked (and says how long). */
    async reserve(email: string, address: string, now: Date): Promise<Reservation> {
      await cleanUp(now);
      try {
        // Always in the same key order, so two reservations never wait on each other in a cycle.
        await db.transaction().execute(async (tx) => {
          for (const [scope, key] of keysOf(email, address)) await reserveOne(tx, scope, key, now);
        });
        return { ok: true };
      } catch (error) {
        if (error instanceof Refused) return { ok: false, retryAfterSeconds: error.retryAfterSeconds };
        throw error;
      }
    },
    /** The password was right: this email at this address starts afresh; the other keys get the attempt back. */
    async succeeded(email: string, address: string): Promise<void> {
      await db.transaction().execute(async (tx) => {
        await tx
          .deleteFrom('sign_in_attempts')
          .where('scope', '=', 'pair')
          .where('key', '=', pairKey(email, address))
          .execute();
        for (const [scope, key] of keysOf(email, address).slice(1)) {
          await tx
            .updateTable('sign_in_attempts')
            .set((eb) => ({ attempts: sql<number>`greatest(${eb.ref('attempts')} - 1, 0)` }))
            .where('scope', '=', scope)
            .where('key', '=', key)
            .execute();
        }
      });
    },
  };
}

export type SignInLimit = ReturnType<typeof createSignInLimit>;
