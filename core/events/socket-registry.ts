// The live sockets open on this process, by person and session: caps how many one session or person may
// hold (each socket costs memory and a share of every event read), and finds a person's sockets when
// their access changes so they are checked again at once.

export const SOCKETS_PER_SESSION = 20;
export const SOCKETS_PER_PERSON = 50;

export interface RegisteredSocket {
  userId: string;
  token: string;
  /** Checks the session and permission again now; closes the socket when they no longer hold. */
  recheck(): void;
}

export type Admission =
  | { admitted: true; attach(recheck: () => void): void; release(): void }
  | { admitted: false; reason: string };

export function createSocketRegistry(limits = { perSession: SOCKETS_PER_SESSION, perPerson: SOCKETS_PER_PERSON }) {
  const byPerson = new Map<string, Set<RegisteredSocket>>();

  return {
    /**
     * Takes a place for a new socket of this session, or says which cap it would pass. Synchronous, so
     * two upgrades of one session cannot both take the last place.
     */
    admit(userId: string, token: string): Admission {
      const mine = byPerson.get(userId) ?? new Set<RegisteredSocket>();
      const ofSession = [...mine].filter((socket) => socket.token === token).length;
      if (ofSession >= limits.perSession) {
        return {
          admitted: false,
          reason: `this session already has ${limits.perSession} live connections open; close some tabs or windows`,
        };
      }
      if (mine.size >= limits.perPerson) {
        return {
          admitted: false,
          reason: `you already have ${limits.perPerson} live connections open across your sessions; close some tabs or sign out elsewhere`,
        };
      }
      const entry: RegisteredSocket = { userId, token, recheck: () => {} };
      mine.add(entry);
      byPerson.set(userId, mine);
      return {
        admitted: true,
        attach(recheck) {
          entry.recheck = recheck;
        },
        release() {
          mine.delete(entry);
          if (mine.size === 0 && byPerson.get(userId) === mine) byPerson.delete(userId);
        },
      };
    },
    /** Every socket of this person on this process checks its access again. */
    recheckPerson(userId: string): void {
      for (const socket of byPerson.get(userId) ?? []) socket.recheck();
    },
    /** Every socket checks its access again (a new organisation version may have taken a permission away). */
    recheckAll(): void {
      for (const sockets of byPerson.values()) for (const socket of sockets) socket.recheck();
    },
    count: (userId: string) => byPerson.get(userId)?.size ?? 0,
  };
}

export type SocketRegistry = ReturnType<typeof createSocketRegistry>;
