// Live updates over websockets: /api/boards/:id/live for a board, /api/me/live for one's own inbox.
// Board sockets at /api/boards/:id/live are authenticated by the session cookie,
// authorised by boards.view (checked again as events flow), replaying what a reconnecting client
// missed (?since=<event id>) or telling it to refresh when that is too much.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Actor } from '../auth/actor.ts';
import { SESSION_COOKIE } from '../http/session.ts';
import type { Logger } from '../logger.ts';
import type { Services } from '../services.ts';
import { parse as parseCookie } from 'hono/utils/cookie';
import { createSite, type Site } from '../http/site.ts';
import type { DeliveredEvent } from './event-bus.ts';

const PATH = /^\/api\/boards\/([a-z0-9][a-z0-9-]*)\/live$/;
const INBOX_PATH = '/api/me/live';
export const REPLAY_LIMIT = 500;
/** How long a socket's session and permission, once checked, are trusted before the next push checks again. */
const RECHECK_MS = 30_000;

function refuse(socket: Duplex, status: number, text: string): void {
  if (socket.writable) socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  else socket.destroy();
}

/** `?since=<event id>`: a plain non-negative integer the database can hold, or none. */
function sinceParam(url: URL): number | undefined {
  const value = url.searchParams.get('since');
  return value !== null && /^\d{1,15}$/.test(value) ? Number(value) : undefined;
}

const wire = (event: DeliveredEvent) => ({ type: 'event' as const, event: { ...event, task: undefined }, task: event.task });

export interface BoardSocketOptions {
  /** Our host names and origins; by default the loopback address the server listens on. */
  site?: Site;
  recheckMs?: number;
}

/** The site of a server started without one (tests): its own loopback address is all that is ours. */
function siteOfServer(server: Server): Site {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return createSite({ publicUrl: `http://localhost:${port}`, bindHost: '127.0.0.1', port });
}

export function attachBoardSockets(server: Server, services: Services, log: Logger, options: BoardSocketOptions = {}): { close(): void } {
  const recheckMs = options.recheckMs ?? RECHECK_MS;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 });
  let site = options.site;

  // Nothing a client sends may take the process down: every step of an upgrade is contained, and the
  // raw socket gets an error listener at once (Node removes its own when it hands the socket over).
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', (error) => log.debug({ err: error }, 'live socket error before the handshake'));
    try {
      upgrade(request, socket, head);
    } catch (error) {
      log.warn({ err: error }, 'live socket upgrade failed');
      refuse(socket, 400, 'Bad Request');
    }
  });

  function upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    site ??= siteOfServer(server);
    if (!site.isOurHost(request.headers.host)) return refuse(socket, 421, 'Misdirected Request');
    const url = new URL(request.url ?? '/', 'http://localhost');
    const match = PATH.exec(url.pathname);
    if (!match && url.pathname !== INBOX_PATH) return refuse(socket, 404, 'Not Found');
    // Browsers send cookies cross-site on websocket handshakes: accept only our own origins (scheme,
    // host and port). A client that sends no Origin is not a browser, and has to hold the cookie itself.
    const origin = request.headers.origin;
    if (origin !== undefined && !site.isOurOrigin(origin)) return refuse(socket, 403, 'Forbidden');
    void (async () => {
      const token = parseCookie(request.headers.cookie ?? '', SESSION_COOKIE)[SESSION_COOKIE];
      const session = token ? await services.auth.actorForToken(token) : null;
      if (!session) return refuse(socket, 401, 'Unauthorized');
      if (!match) return wss.handleUpgrade(request, socket, head, (ws) => opened(ws, () => serveInbox(ws, token!, session.actor.id)));
      if (!session.actor.permissions.has('boards.view')) return refuse(socket, 403, 'Forbidden');
      const board = await services.boards.get(match[1]!).catch(() => undefined);
      if (!board) return refuse(socket, 404, 'Not Found');
      wss.handleUpgrade(request, socket, head, (ws) =>
        opened(ws, () => serve(ws, { token: token!, actor: session.actor, taskTypes: board.task_types, since: sinceParam(url) })),
      );
    })().catch((error: unknown) => {
      log.warn({ err: error }, 'live socket upgrade failed');
      refuse(socket, 500, 'Internal Server Error');
    });
  }

  /** Every open socket: errors and stray frames are logged, never thrown; serving failures close it. */
  function opened(ws: WebSocket, run: () => Promise<void> | void): void {
    ws.on('error', (error) => log.debug({ err: error }, 'live socket error'));
    // The live channels only send; whatever a client sends is ignored.
    ws.on('message', () => {});
    Promise.resolve()
      .then(run)
      .catch((error: unknown) => {
        log.warn({ err: error }, 'live socket failed');
        ws.close(1011, 'server error');
      });
  }

  async function serve(ws: WebSocket, session: { token: string; actor: Actor; taskTypes: string[]; since: number | undefined }): Promise<void> {
    let replaying = true;
    let lastSent = 0;
    const queued: DeliveredEvent[] = [];
    const send = (events: DeliveredEvent[]) => {
      for (const event of events) {
        if (event.id <= lastSent) continue;
        ws.send(JSON.stringify(wire(event)));
        lastSent = event.id;
      }
    };
    const pushIfAllowed = guardedPusher(ws, session.token, (actor) => actor.permissions.has('boards.view'), { code: 4403, reason: 'no longer allowed to view this board' });
    const unsubscribe = services.events.subscribe((events) => {
      const mine = events.filter((event) => event.recipientId === null && event.taskType !== null && session.taskTypes.includes(event.taskType));
      if (mine.length === 0) return;
      if (replaying) return void queued.push(...mine);
      pushIfAllowed(() => send(mine));
    });
    ws.on('close', unsubscribe);
    ws.on('error', unsubscribe);

    ws.send(JSON.stringify({ type: 'hello', lastEventId: services.events.lastId }));
    if (session.since !== undefined) {
      const missed = await services.events.since(session.since, session.taskTypes, REPLAY_LIMIT + 1);
      if (missed.length > REPLAY_LIMIT) ws.send(JSON.stringify({ type: 'refresh', reason: `more than ${REPLAY_LIMIT} events missed` }));
      else send(missed);
    }
    replaying = false;
    send(queued.sort((a, b) => a.id - b.id));
  }

  /**
   * Pushes to a socket while its session holds and `allowed` still says yes. Once `recheckMs` has
   * passed since the last check, the next push checks again, so signing out or losing a role stops the
   * pushes within that time. Pushes go one after another: a slow check cannot let later events overtake
   * earlier ones.
   */
  function guardedPusher(ws: WebSocket, token: string, allowed: (actor: Actor) => boolean, refused: { code: number; reason: string }) {
    let checkedAt = Date.now();
    let last = Promise.resolve();
    return (push: () => void) => {
      last = last
        .then(async () => {
          if (ws.readyState !== ws.OPEN) return;
          if (Date.now() - checkedAt >= recheckMs) {
            checkedAt = Date.now();
            const again = await services.auth.actorForToken(token);
            if (!again || !allowed(again.actor)) return ws.close(refused.code, refused.reason);
          }
          push();
        })
        .catch((error: unknown) => log.warn({ err: error }, 'live push failed'));
    };
  }

  /** A person's own live channel: their inbox notifications as they arrive, while their session holds. */
  function serveInbox(ws: WebSocket, token: string, userId: string): void {
    const pushIfSignedIn = guardedPusher(ws, token, () => true, { code: 4401, reason: 'signed out' });
    const unsubscribe = services.events.subscribe((events) => {
      const mine = events.filter((event) => event.recipientId === userId);
      if (mine.length === 0) return;
      pushIfSignedIn(() => {
        for (const event of mine) ws.send(JSON.stringify({ type: 'notification', event: { ...event, task: undefined }, task: event.task }));
      });
    });
    ws.on('close', unsubscribe);
    ws.on('error', unsubscribe);
    ws.send(JSON.stringify({ type: 'hello', lastEventId: services.events.lastId }));
  }

  return {
    close() {
      for (const client of wss.clients) client.close(1001, 'server shutting down');
      wss.close();
    },
  };
}
