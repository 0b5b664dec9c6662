// A live channel to the server that reconnects by itself (1 s, 2 s, … up to 10 s) and, on a board,
// asks for what it missed (`since` the last event it saw); the server says `refresh` when that is too much.
import { createSignal, onCleanup, type Accessor } from 'solid-js';
import type { LiveClientMessage, LiveServerMessage } from '../../../core/http/contract.ts';

export interface LiveChannel {
  online: Accessor<boolean>;
  send(message: LiveClientMessage): void;
}

export function openLive(
  path: string,
  onMessage: (message: LiveServerMessage) => void,
  options: { replay?: boolean } = {},
): LiveChannel {
  const [online, setOnline] = createSignal(false);
  let socket: WebSocket | undefined;
  let lastEventId: number | undefined;
  let retry = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  let pending: LiveClientMessage | undefined;

  const connect = () => {
    const url = new URL(path, location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    if (options.replay && lastEventId !== undefined) url.searchParams.set('since', String(lastEventId));
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      retry = 0;
      setOnline(true);
      if (pending) ws.send(JSON.stringify(pending));
    };
    ws.onmessage = (message) => {
      const parsed = JSON.parse(String(message.data)) as LiveServerMessage;
      if (parsed.type === 'hello' && lastEventId === undefined) lastEventId = parsed.lastEventId;
      if (parsed.type === 'event' || parsed.type === 'notification')
        lastEventId = Math.max(lastEventId ?? 0, parsed.event.id);
      onMessage(parsed);
    };
    ws.onclose = () => {
      setOnline(false);
      if (closed) return;
      timer = setTimeout(connect, Math.min(10_000, 1000 * 2 ** retry++));
    };
  };
  connect();
  onCleanup(() => {
    closed = true;
    clearTimeout(timer);
    socket?.close();
  });
  return {
    online,
    send(message) {
      // The last message is what counts (what the person views now): resent after a reconnect.
      pending = message;
      if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
    },
  };
}
