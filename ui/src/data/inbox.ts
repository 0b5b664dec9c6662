// The signed-in person's inbox: unread count and latest items, pushed live over /api/me/live.
import { createResource, createRoot, createSignal } from 'solid-js';
import { api, unwrap } from './api.ts';
import { openLive } from './live.ts';
import { session } from './session.ts';

const PAGE = 30;

export const inbox = createRoot(() => {
  const [older, setOlder] = createSignal<Awaited<ReturnType<typeof fetchPage>>['items']>([]);
  const fetchPage = (before?: number) =>
    unwrap(api.notifications.$get({ query: { limit: PAGE, ...(before ? { before } : {}) } }));
  const [latest, { refetch }] = createResource(
    () => (session.me() ? session.version() + 1 : false),
    () => fetchPage(),
  );
  let channel: ReturnType<typeof openLive> | undefined;
  return {
    latest,
    older,
    unread: () => latest()?.unread ?? 0,
    /** Opens the live channel once someone is signed in (the shell calls it inside its own lifetime). */
    connect() {
      channel = openLive('/api/me/live', (message) => {
        if (message.type === 'notification') void refetch();
      });
      return channel;
    },
    async loadOlder() {
      const last = older().at(-1)?.id ?? latest()?.olderCursor;
      if (!last) return;
      const page = await fetchPage(last);
      setOlder((items) => [...items, ...page.items]);
    },
    async markRead(id: number) {
      await unwrap(api.notifications[':id'].read.$post({ param: { id: String(id) } }));
      await refetch();
    },
    refetch,
  };
});
