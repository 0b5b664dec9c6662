// A polite live region: what keyboard moves and other silent changes say to screen-reader users.
import { createSignal } from 'solid-js';

const [message, setMessage] = createSignal('');

export function announce(text: string): void {
  // Cleared first, so the same sentence twice is read twice.
  setMessage('');
  queueMicrotask(() => setMessage(text));
}

export function Announcer() {
  return (
    <div class="visually-hidden" aria-live="assertive" aria-atomic="true" data-testid="announcer">
      {message()}
    </div>
  );
}
