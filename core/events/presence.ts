// Who has which card open, per board, among this process's board sockets: each socket says what it
// views; every socket of the board hears the whole list when it changes. Presence is a courtesy, so it
// stays in memory and does not cross processes. A board's list goes out at most once per
// `intervalMs` (the last change waits for the next turn), so a client flooding "viewing" messages
// cannot make the server send that flood to everyone on the board.
import type { WebSocket } from 'ws';
import { clientMessageSchema, type LiveServerMessage, type Viewer } from './live-messages.ts';

interface Seat {
  board: string;
  personId: string;
  name: string;
  taskId: number | null;
}

export const PRESENCE_INTERVAL_MS = 250;

export function createPresence(options: { intervalMs?: number; now?: () => number } = {}) {
  const intervalMs = options.intervalMs ?? PRESENCE_INTERVAL_MS;
  const now = options.now ?? Date.now;
  const seats = new Map<WebSocket, Seat>();
  const lastSent = new Map<string, number>();
  const pending = new Map<string, ReturnType<typeof setTimeout>>();

  const viewersOf = (board: string): Viewer[] =>
    [...seats.values()]
      .filter((seat) => seat.board === board && seat.taskId !== null)
      .map((seat) => ({ taskId: seat.taskId!, personId: seat.personId, name: seat.name }));

  function broadcast(board: string): void {
    if (pending.has(board)) return;
    const wait = (lastSent.get(board) ?? -Infinity) + intervalMs - now();
    if (wait > 0) {
      const timer = setTimeout(() => {
        pending.delete(board);
        broadcast(board);
      }, wait);
      timer.unref?.();
      pending.set(board, timer);
      return;
    }
    lastSent.set(board, now());
    const message: LiveServerMessage = { type: 'presence', viewers: viewersOf(board) };
    const text = JSON.stringify(message);
    for (const [ws, seat] of seats) if (seat.board === board && ws.readyState === ws.OPEN) ws.send(text);
  }

  return {
    /** Seats a socket on a board; it hears who views what now (when anyone does), and later changes. */
    join(ws: WebSocket, board: string, person: { id: string; name: string }): void {
      seats.set(ws, { board, personId: person.id, name: person.name, taskId: null });
      const viewers = viewersOf(board);
      if (viewers.length) ws.send(JSON.stringify({ type: 'presence', viewers } satisfies LiveServerMessage));
      ws.on('message', (data) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(String(data));
        } catch {
          return;
        }
        const result = clientMessageSchema.safeParse(parsed);
        const seat = seats.get(ws);
        if (!result.success || !seat || seat.taskId === result.data.taskId) return;
        seat.taskId = result.data.taskId;
        broadcast(board);
      });
      ws.on('close', () => {
        const seat = seats.get(ws);
        seats.delete(ws);
        if (seat && seat.taskId !== null) broadcast(board);
      });
    },
  };
}
