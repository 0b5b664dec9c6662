// Who has which card open, per board, among this process's board sockets: each socket says what it
// views; every socket of the board hears the whole list when it changes. Presence is a courtesy, so it
// stays in memory and does not cross processes.
import type { WebSocket } from 'ws';
import { clientMessageSchema, type LiveServerMessage, type Viewer } from './live-messages.ts';

interface Seat {
  board: string;
  personId: string;
  name: string;
  taskId: number | null;
}

export function createPresence() {
  const seats = new Map<WebSocket, Seat>();

  const viewersOf = (board: string): Viewer[] =>
    [...seats.values()].filter((seat) => seat.board === board && seat.taskId !== null).map((seat) => ({ taskId: seat.taskId!, personId: seat.personId, name: seat.name }));

  function broadcast(board: string): void {
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
