// What an open live socket is sent: a board's card events (with a replay of what a reconnecting client
// missed), or a person's own inbox notifications; each only while the session and permission hold.
import type { WebSocket } from 'ws';
import type { Actor } from '../auth/actor.ts';
import type { AuthService } from '../auth/auth.service.ts';
import type { Logger } from '../logger.ts';
import { ACCESS_CHANGED, ORG_ACTIVATED } from './event-log.ts';
import type { DeliveredEvent, EventBus } from './event-bus.ts';
import type { LiveServerMessage } from './live-messages.ts';

export const REPLAY_LIMIT = 500;
/** How long a socket's session and permission, once checked, are trusted before the next push checks again. */
export const RECHECK_MS = 30_000;

const wire = (type: 'event' | 'notification', { task, ...event }: DeliveredEvent): LiveServerMessage => ({
  type,
  event,
  task,
});
/** Every message goes out in the shape the UI reads (live-messages.ts). */
const sendTo = (ws: WebSocket, message: LiveServerMessage) => ws.send(JSON.stringify(message));

export interface Guard {
  /** Pushes while the session and permission hold. */
  push(send: () => void): void;
  /** Checks the session and permission now (their access changed); closes the socket if they no longer hold. */
  recheck(): void;
}

/** What the channels read: a socket's session, and the events to send. */
export interface LiveChannelServices {
  auth: Pick<AuthService, 'actorForToken'>;
  events: Pick<EventBus, 'subscribe' | 'since' | 'lastId'>;
}

export function createLiveChannels(deps: { services: LiveChannelServices; log: Logger; recheckMs: number }) {
  const { services, log } = deps;

  /**
   * Pushes to a socket while its session holds and `allowed` still says yes. A push checks again once
   * `recheckMs` has passed since the last check, and `recheck()` checks at once (sign-out, a disabled
   * person, a role removed). Pushes and checks go one after another: a slow check cannot let later
   * events overtake earlier ones, nor an event slip out after a check that closed the socket.
   */
  function guard(
    ws: WebSocket,
    token: string,
    allowed: (actor: Actor) => boolean,
    refused: { code: number; reason: string },
  ): Guard {
    let checkedAt = Date.now();
    let last = Promise.resolve();
    const check = async (): Promise<boolean> => {
      checkedAt = Date.now();
      const again = await services.auth.actorForToken(token);
      if (again && allowed(again.actor)) return true;
      ws.close(refused.code, refused.reason);
      return false;
    };
    const then = (step: () => Promise<void>) => {
      last = last.then(step).catch((error: unknown) => log.warn({ err: error }, 'live push failed'));
    };
    return {
      push(send) {
        then(async () => {
          if (ws.readyState !== ws.OPEN) return;
          if (Date.now() - checkedAt >= deps.recheckMs && !(await check())) return;
          send();
        });
      },
      recheck() {
        then(async () => {
          if (ws.readyState === ws.OPEN) await check();
        });
      },
    };
  }

  /**
   * A board's card events. The event bus delivers every event once, late commits included (below ids
   * already sent), so live events go out as they come; only the replay of a reconnecting client can
   * overlap them, before or after it ends, and what the replay sent is not sent again.
   */
  function serveBoard(
    ws: WebSocket,
    session: { token: string; taskTypes: string[]; since: number | undefined },
  ): Guard {
    let replaying = true;
    const replayed = new Set<number>();
    const queued: DeliveredEvent[] = [];
    // The replay reads committed events that the bus may deliver here only afterwards: each replayed
    // event is held back once when it arrives live (the bus delivers every event once), then forgotten.
    const notReplayed = (events: DeliveredEvent[]) => events.filter((event) => !replayed.delete(event.id));
    const send = (events: DeliveredEvent[]) => {
      for (const event of events) sendTo(ws, wire('event', event));
    };
    const guarded = guard(ws, session.token, (actor) => actor.permissions.has('boards.view'), {
      code: 4403,
      reason: 'no longer allowed to view this board',
    });
    const unsubscribe = services.events.subscribe((events) => {
      // Its cards' events, and a new organisation version (the client reloads what it shows).
      const mine = events.filter(
        (event) =>
          event.recipientId === null &&
          (event.type === ORG_ACTIVATED || (event.taskType !== null && session.taskTypes.includes(event.taskType))),
      );
      if (replaying) return void queued.push(...mine);
      const fresh = notReplayed(mine);
      if (fresh.length > 0) guarded.push(() => send(fresh));
    });
    ws.on('close', unsubscribe);

    sendTo(ws, { type: 'hello', lastEventId: services.events.lastId });
    const replay = async () => {
      if (session.since !== undefined) {
        const missed = await services.events.since(session.since, session.taskTypes, REPLAY_LIMIT + 1);
        if (missed.length > REPLAY_LIMIT)
          sendTo(ws, { type: 'refresh', reason: `more than ${REPLAY_LIMIT} events missed` });
        else {
          send(missed);
          for (const event of missed) replayed.add(event.id);
        }
      }
      replaying = false;
      send(notReplayed(queued).sort((a, b) => a.id - b.id));
    };
    void replay().catch((error: unknown) => {
      log.warn({ err: error }, 'live replay failed');
      ws.close(1011, 'server error');
    });
    return guarded;
  }

  /** A person's own live channel: their inbox notifications as they arrive, while their session holds. */
  function serveInbox(ws: WebSocket, token: string, userId: string): Guard {
    const guarded = guard(ws, token, () => true, { code: 4401, reason: 'signed out' });
    const unsubscribe = services.events.subscribe((events) => {
      const mine = events.filter((event) => event.recipientId === userId && event.type !== ACCESS_CHANGED);
      if (mine.length === 0) return;
      guarded.push(() => {
        for (const event of mine) sendTo(ws, wire('notification', event));
      });
    });
    ws.on('close', unsubscribe);
    sendTo(ws, { type: 'hello', lastEventId: services.events.lastId });
    return guarded;
  }

  return { serveBoard, serveInbox };
}
