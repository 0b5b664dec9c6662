import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPresence } from './presence.ts';

/** A socket as presence sees it: it receives frames and records what the server sends. */
function socket() {
  const ws = Object.assign(new EventEmitter(), { OPEN: 1, readyState: 1, sent: [] as string[] });
  return Object.assign(ws, { send: (text: string) => ws.sent.push(text) });
}
const viewing = (taskId: number | null) => Buffer.from(JSON.stringify({ type: 'viewing', taskId }));
const asWs = (ws: ReturnType<typeof socket>) => ws as unknown as WebSocket;

describe('board presence', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('tells everyone on the board who has which card open', () => {
    const presence = createPresence({ intervalMs: 250 });
    const ann = socket();
    const bob = socket();
    presence.join(asWs(ann), 'b1', { id: 'ann', name: 'Ann' });
    presence.join(asWs(bob), 'b1', { id: 'bob', name: 'Bob' });
    ann.emit('message', viewing(7));
    expect(JSON.parse(bob.sent.at(-1)!)).toEqual({
      type: 'presence',
      viewers: [{ taskId: 7, personId: 'ann', name: 'Ann' }],
    });
  });

  it('sends a flood of viewing changes on at most once per interval, ending with the last state', async () => {
    const presence = createPresence({ intervalMs: 250 });
    const flooder = socket();
    const watchers = Array.from({ length: 3 }, () => socket());
    presence.join(asWs(flooder), 'b1', { id: 'mallory', name: 'Mallory' });
    for (const ws of watchers) presence.join(asWs(ws), 'b1', { id: 'w', name: 'W' });
    for (let i = 0; i < 1000; i++) flooder.emit('message', viewing(i % 2 === 0 ? 1 : 2));
    flooder.emit('message', viewing(3));
    await vi.advanceTimersByTimeAsync(1000);
    for (const ws of watchers) {
      expect(ws.sent.length).toBeLessThanOrEqual(2);
      expect(JSON.parse(ws.sent.at(-1)!).viewers).toEqual([{ taskId: 3, personId: 'mallory', name: 'Mallory' }]);
    }
  });
});
