// A board websocket client for tests: collects messages and waits for the ones a test expects.
import WebSocket from 'ws';

export interface LiveMessage {
  type: 'hello' | 'event' | 'refresh' | 'notification';
  lastEventId?: number;
  event?: { id: number; type: string; taskId: number; taskType: string };
  task?: { id: number; status: string; version: number; title: string } | null;
}

export interface LiveClient {
  messages: LiveMessage[];
  waitFor(predicate: (message: LiveMessage) => boolean, timeoutMs?: number): Promise<LiveMessage>;
  /** Resolves with the close code and reason once the socket closes (by either side). */
  closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

/** Opens /api/boards/:board/live; rejects with the HTTP status when the server refuses the upgrade. */
export function connectLive(
  baseUrl: string,
  board: string,
  cookie: string,
  since?: number | string,
  origin?: string,
): Promise<LiveClient> {
  return connect(
    `${baseUrl.replace(/^http/, 'ws')}/api/boards/${board}/live${since === undefined ? '' : `?since=${since}`}`,
    cookie,
    origin,
  );
}

/** Opens a person's own live channel (/api/me/live). */
export function connectInbox(baseUrl: string, cookie: string): Promise<LiveClient> {
  return connect(`${baseUrl.replace(/^http/, 'ws')}/api/me/live`, cookie);
}

function connect(url: string, cookie: string, origin?: string): Promise<LiveClient> {
  const ws = new WebSocket(url, { headers: { Cookie: cookie, ...(origin ? { Origin: origin } : {}) } });
  const messages: LiveMessage[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data) => {
    messages.push(JSON.parse(String(data)) as LiveMessage);
    for (const wake of waiters) wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  const client: LiveClient = {
    messages,
    closed,
    waitFor(predicate, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.find(predicate);
          if (!found) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(messages)}`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
    close: () =>
      new Promise((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.close();
      }),
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(client));
    ws.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
    ws.once('error', reject);
  });
}
