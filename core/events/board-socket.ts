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
import type { DeliveredEvent } from './event-bus.ts';

const PATH = /^\/api\/boards\/([a-z0-9][a-z0-9-]*)\/live$/;
const INBOX_PATH = '/api/me/live';
export const REPLAY_LIMIT = 500;
const RECHECK_MS = 30_000;

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function cookie(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

const wire = (event: DeliveredEvent) => ({ type: 'event' as const, event: { ...event, task: undefined }, task: event.task });

export function attachBoardSockets(server: Server, services: Services, log: Logger): { close(): void } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 });

  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const match = PATH.exec(url.pathname);
    if (!match && url.pathname !== INBOX_PATH) return refuse(socket, 404, 'Not Found');
    // Browsers send cookies cross-site on websocket handshakes: accept only our own origin.
    const origin = request.headers.origin;
    if (origin && new URL(origin).host !== request.headers.host) return refuse(socket, 403, 'Forbidden');
    void (async () => {
      const token = cookie(request, SESSION_COOKIE);
      const session = token ? await services.auth.actorForToken(token) : null;
      if (!session) return refuse(socket, 401, 'Unauthorized');
      if (!match) return wss.handleUpgrade(request, socket, head, (ws) => serveInbox(ws, session.actor.id));
      if (!session.actor.permissions.has('boards.view')) return refuse(socket, 403, 'Forbidden');
      const board = await services.boards.get(match[1]!).catch(() => undefined);
      if (!board) return refuse(socket, 404, 'Not Found');
      wss.handleUpgrade(request, socket, head, (ws) => {
        void serve(ws, { token: token!, actor: session.actor, taskTypes: board.task_types, since: Number(url.searchParams.get('since') ?? NaN) }).catch((error: unknown) => {
          log.warn({ err: error }, 'board socket failed');
          ws.close(1011, 'server error');
        });
      });
    })().catch((error: unknown) => {
      log.warn({ err: error }, 'board socket upgrade failed');
      refuse(socket, 500, 'Internal Server Error');
    });
  });

  async function serve(ws: WebSocket, session: { token: string; actor: Actor; taskTypes: string[]; since: number }): Promise<void> {
    let checkedAt = Date.now();
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
    const stillAllowed = async () => {
      if (Date.now() - checkedAt < RECHECK_MS) return true;
      checkedAt = Date.now();
      const again = await services.auth.actorForToken(session.token);
      return Boolean(again?.actor.permissions.has('boards.view'));
    };
    const unsubscribe = services.events.subscribe((events) => {
      const mine = events.filter((event) => event.recipientId === null && event.taskType !== null && session.taskTypes.includes(event.taskType));
      if (mine.length === 0) return;
      if (replaying) return void queued.push(...mine);
      void stillAllowed().then((allowed) => (allowed ? send(mine) : ws.close(4403, 'no longer allowed to view this board')));
    });
    ws.on('close', unsubscribe);
    ws.on('error', unsubscribe);

    ws.send(JSON.stringify({ type: 'hello', lastEventId: services.events.lastId }));
    if (Number.isInteger(session.since) && session.since >= 0) {
      const missed = await services.events.since(session.since, session.taskTypes, REPLAY_LIMIT + 1);
      if (missed.length > REPLAY_LIMIT) ws.send(JSON.stringify({ type: 'refresh', reason: `more than ${REPLAY_LIMIT} events missed` }));
      else send(missed);
    }
    replaying = false;
    send(queued.sort((a, b) => a.id - b.id));
  }

  /** A person's own live channel: their inbox notifications as they arrive. */
  function serveInbox(ws: WebSocket, userId: string): void {
    const unsubscribe = services.events.subscribe((events) => {
      for (const event of events) {
        if (event.recipientId === userId) ws.send(JSON.stringify({ type: 'notification', event: { ...event, task: undefined }, task: event.task }));
      }
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
