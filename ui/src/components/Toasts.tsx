// Short messages at the bottom of the screen (a refused move, a saved change), read out by screen readers.
import { createSignal, For } from 'solid-js';

interface Toast {
  id: number;
  text: string;
  tone: 'info' | 'error';
}

const [toasts, setToasts] = createSignal<Toast[]>([]);
let nextId = 1;

export function toast(text: string, tone: Toast['tone'] = 'info', ms = 6000): void {
  const id = nextId++;
  setToasts((list) => [...list.slice(-3), { id, text, tone }]);
  setTimeout(() => setToasts((list) => list.filter((t) => t.id !== id)), ms);
}

export function Toasts() {
  return (
    <div class="toasts" role="status" aria-live="polite">
      <For each={toasts()}>
        {(item) => (
          <div class={`toast toast-${item.tone}`} data-testid="toast">
            {item.text}
          </div>
        )}
      </For>
    </div>
  );
}
