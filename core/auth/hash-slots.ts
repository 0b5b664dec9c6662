// Caps how many password checks (scrypt, 32 MiB and ~0.15 s of a thread each) run at once per email,
// per address and in all. A check that finds no free slot is refused at once instead of queued, so a
// burst of guesses is answered quickly and cannot keep the thread pool busy for the next person.
export interface HashSlotLimits {
  perEmail: number;
  perAddress: number;
  total: number;
}

export const HASH_SLOT_LIMITS: HashSlotLimits = { perEmail: 1, perAddress: 2, total: 4 };

/** Gives a taken slot back; calling it again does nothing. */
export type ReleaseSlot = () => void;

export function createHashSlots(limits: HashSlotLimits = HASH_SLOT_LIMITS) {
  const held = new Map<string, number>();
  let total = 0;
  const count = (key: string) => held.get(key) ?? 0;
  const change = (key: string, by: number) => {
    const next = count(key) + by;
    if (next === 0) held.delete(key);
    else held.set(key, next);
  };

  return {
    /** A slot for a check of this email from this address, or undefined when one of the caps is full. */
    tryTake(email: string, address: string): ReleaseSlot | undefined {
      const keys = [`email:${email}`, `address:${address}`];
      if (total >= limits.total || count(keys[0]!) >= limits.perEmail || count(keys[1]!) >= limits.perAddress) return undefined;
      total += 1;
      for (const key of keys) change(key, 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        total -= 1;
        for (const key of keys) change(key, -1);
      };
    },
    /** Checks running now (for tests and diagnostics). */
    inFlight: () => total,
  };
}

export type HashSlots = ReturnType<typeof createHashSlots>;
