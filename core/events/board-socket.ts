// Live updates over websockets: /api/boards/:id/live for a board, /api/me/live for one's own inbox.
// This file admits sockets: our host and origin, the session cookie, boards.view, the per-session and
// per-person caps; and it has a person's sockets checked again when their access changes, on any
// process (live-channels.ts says what an admitted socket is sent).
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AuthService } from '../auth/auth.service.ts';
import type { BoardService } from '../board/board.service.ts';
import { SESSION_COOKIE } from '../http/session.ts';
import type { Logger } from '../logger.ts';
import { parse as parseCookie } from 'hono/utils/cookie';
import { createSite, type Site } from '../http/site.ts';
import { AppError } from '../errors.ts';
import { ACCESS_CHANGED } from './event-log.ts';
import { createLiveChannels, RECHECK_MS, type Guard, type LiveChannelServices } from './live-channels.ts';
import { createSocketRegistry, SOCKETS_PER_PERSON, SOCKETS_PER_SESSION } from './socket-registry.ts';
import { createPresence } from './presence.ts';

export { REPLAY_LIMIT } from './live-channels.ts';

const PATH = /^\/api\/boards\/([a-z0-9][a-z0-9-]*)\/live$/;
const INBOX_PATH = '/api/me/live';

function refuse(socket: Duplex, status: number, text: string, body = ''): void {
  const head = `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\n${body ? 'Content-Type: application/json\r\n' : ''}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
  if (socket.writable) socket.end(head + body);
  else socket.destroy();
}

/** `?since=<event id>`: a plain non-negative integer the database can hold, or none. */
function sinceParam(url: URL): number | undefined {
  const value = url.searchParams.get('since');
  return value !== null && /^\d{1,15}$/.test(value) ? Number(value) : undefined;
}

export interface BoardSocketOptions {
  /** Our host names and origins; by default the loopback address the server listens on. */
  site?: Site;
  recheckMs?: number;
}

/** What admitting a socket reads, besides what its channel sends (live-channels.ts). */
export interface BoardSocketServices extends LiveChannelServices {
  auth: Pick<AuthService, 'actorForToken' | 'forget'>;
  boards: Pick<BoardService, 'get'>;
  /** Runs `react` after every activation, here or on another process (core/org/activation.ts). */
  onActivated(react: () => void): void;
}

/** The site of a server started without one (tests): its own loopback address is all that is ours. */
function siteOfServer(server: Server): Site {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return createSite({ publicUrl: `http://localhost:${port}`, bindHost: '127.0.0.1', port });
}

export function attachBoardSockets(
  server: Server,
  services: BoardSocketServices,
  log: Logger,
  options: BoardSocketOptions = {},
): { close(): void } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 });
  let site = options.site;
  const channels = createLiveChannels({ services, log, recheckMs: options.recheckMs ?? RECHECK_MS });
  const registry = createSocketRegistry();
  const presence = createPresence();
  // A new organisation version (here or on another process) may take boards.view from a role.
  services.onActivated(() => registry.recheckAll());
  // Sign-out, disabling and role changes on any process: forget the cached session here and check
  // that person's sockets again now.
  const unsubscribe = services.events.subscribe((events) => {
    for (const event of events) {
      if (event.type !== ACCESS_CHANGED || event.recipientId === null) continue;
      services.auth.forget(event.recipientId);
      registry.recheckPerson(event.recipientId);
    }
  });

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
    if (!site.isOurHost(request.headers.host)) {
      refuse(socket, 421, 'Misdirected Request');
      return;
    }
    const url = new URL(request.url ?? '/', 'http://localhost');
    const match = PATH.exec(url.pathname);
    if (!match && url.pathname !== INBOX_PATH) {
      refuse(socket, 404, 'Not Found');
      return;
    }
    // Browsers send cookies cross-site on websocket handshakes: accept only our own origins (scheme,
    // host and port). A client that sends no Origin is not a browser, and has to hold the cookie itself.
    const origin = request.headers.origin;
    if (origin !== undefined && !site.isOurOrigin(origin)) {
      refuse(socket, 403, 'Forbidden');
      return;
    }
    void (async () => {
      const token = parseCookie(request.headers.cookie ?? '', SESSION_COOKIE)[SESSION_COOKIE];
      const session = token ? await services.auth.actorForToken(token) : null;
      if (!session) return refuse(socket, 401, 'Unauthorized');
      if (match && !session.actor.permissions.has('boards.view')) return refuse(socket, 403, 'Forbidden');
      const board = match ? await services.boards.get(match[1]!).catch(() => undefined) : undefined;
      if (match && !board) return refuse(socket, 404, 'Not Found');
      const place = registry.admit(session.actor.id, token!);
      if (!place.admitted) {
        const error = new AppError('TOO_MANY_SOCKETS', `Live connection refused: ${place.reason}.`, {
          perSession: SOCKETS_PER_SESSION,
          perPerson: SOCKETS_PER_PERSON,
        });
        return refuse(socket, error.status, 'Too Many Requests', JSON.stringify(error.toBody()));
      }
      socket.once('close', place.release);
      wss.handleUpgrade(request, socket, head, (ws) =>
        opened(ws, place.attach, () => {
          if (!board) return channels.serveInbox(ws, token!, session.actor.id);
          const guard = channels.serveBoard(ws, { token: token!, taskTypes: board.task_types, since: sinceParam(url) });
          presence.join(ws, board.id, { id: session.actor.id, name: session.actor.displayName });
          return guard;
        }),
      );
    })().catch((error: unknown) => {
      log.warn({ err: error }, 'live socket upgrade failed');
      refuse(socket, 500, 'Internal Server Error');
    });
  }

  /** Every open socket: errors and stray frames are logged, never thrown; a failure to serve closes it. */
  function opened(ws: WebSocket, attach: (recheck: () => void) => void, serve: () => Guard): void {
    ws.on('error', (error) => log.debug({ err: error }, 'live socket error'));
    // The live channels only send, except a board client saying which card it has open (presence.ts).
    ws.on('message', () => {});
    try {
      const guard = serve();
      attach(() => guard.recheck());
    } catch (error) {
      log.warn({ err: error }, 'live socket failed');
      ws.close(1011, 'server error');
    }
  }

  return {
    close() {
      unsubscribe();
      for (const client of wss.clients) client.close(1001, 'server shutting down');
      wss.close();
    },
  };
}
