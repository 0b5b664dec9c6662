// Caps how many password checks (scrypt, 32 MiB and ~0.15 s of a thread each) run at once per email,
// per address and in all. A check that finds no free slot waits in a short, bounded line (an office
// behind one address signing in at nine o'clock still gets in); when that line is full, or the wait
// runs out, it is refused at once, so a burst of guesses is answered quickly and cannot keep the
// thread pool busy for the next person.
export interface HashSlotLimits {
  perEmail: number;
  perAddress: number;
  total: number;
  /** How many checks may wait for a slot, per email, per address and in all. */
  waitingPerEmail: number;
  waitingPerAddress: number;
  waitingTotal: number;
  /** The longest a check waits for a slot before it is refused. */
  maxWaitMs: number;
}

export const HASH_SLOT_LIMITS: HashSlotLimits = {
  perEmail: 1,
  perAddress: 2,
  total: 4,
  waitingPerEmail: 2,
  waitingPerAddress: 8,
  waitingTotal: 32,
  maxWaitMs: 3_000,
};

/** Gives a taken slot back; calling it again does nothing. */
export type ReleaseSlot = () => void;

interface Waiter {
  keys: [string, string];
  grant: (release: ReleaseSlot | undefined) => void;
}

export function createHashSlots(options: Partial<HashSlotLimits> = {}) {
  const limits = { ...HASH_SLOT_LIMITS, ...options };
  const running = createCounter();
  const waiting = createCounter();
  const line: Waiter[] = [];

  const fits = ([email, address]: [string, string]) =>
    running.total < limits.total && running.of(email) < limits.perEmail && running.of(address) < limits.perAddress;
  const roomToWait = ([email, address]: [string, string]) =>
    waiting.total < limits.waitingTotal &&
    waiting.of(email) < limits.waitingPerEmail &&
    waiting.of(address) < limits.waitingPerAddress;

  function take(keys: [string, string]): ReleaseSlot {
    running.add(keys, 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      running.add(keys, -1);
      admitWaiting();
    };
  }

  /** Hands freed slots to the longest-waiting checks that fit. */
  function admitWaiting() {
    for (let i = 0; i < line.length; ) {
      const waiter = line[i]!;
      if (!fits(waiter.keys)) {
        i += 1;
        continue;
      }
      line.splice(i, 1);
      waiting.add(waiter.keys, -1);
      waiter.grant(take(waiter.keys));
    }
  }

  return {
    /** A slot for a check of this email from this address now, or undefined when one of the caps is full. */
    tryTake(email: string, address: string): ReleaseSlot | undefined {
      const keys = keysOf(email, address);
      return fits(keys) ? take(keys) : undefined;
    },
    /**
     * A slot now, or after a wait of at most `maxWaitMs` in the bounded line; undefined when the line is
     * full or the wait runs out.
     */
    take(email: string, address: string): Promise<ReleaseSlot | undefined> {
      const keys = keysOf(email, address);
      if (fits(keys)) return Promise.resolve(take(keys));
      if (!roomToWait(keys)) return Promise.resolve(undefined);
      return new Promise((resolve) => {
        const waiter: Waiter = {
          keys,
          grant: (release) => {
            clearTimeout(timer);
            resolve(release);
          },
        };
        const timer = setTimeout(() => {
          const at = line.indexOf(waiter);
          if (at === -1) return;
          line.splice(at, 1);
          waiting.add(keys, -1);
          resolve(undefined);
        }, limits.maxWaitMs);
        timer.unref?.();
        line.push(waiter);
        waiting.add(keys, 1);
      });
    },
    /** Checks running now (for tests and diagnostics). */
    inFlight: () => running.total,
    /** Checks waiting for a slot now. */
    waiting: () => line.length,
  };
}

const keysOf = (email: string, address: string): [string, string] => [`email:${email}`, `address:${address}`];

function createCounter() {
  const counts = new Map<string, number>();
  const counter = {
    total: 0,
    of: (key: string) => counts.get(key) ?? 0,
    add(keys: readonly string[], by: number) {
      counter.total += by;
      for (const key of keys) {
        const next = counter.of(key) + by;
        if (next === 0) counts.delete(key);
        else counts.set(key, next);
      }
    },
  };
  return counter;
}

export type HashSlots = ReturnType<typeof createHashSlots>;
