// The inbox (/inbox): escalations, assignments, approval requests, mentions and watched changes, newest first, live.
import { A } from '@solidjs/router';
import { For, Show } from 'solid-js';
import { inbox } from '../data/inbox.ts';
import { formatDateTime } from '../i18n/format.ts';
import { t, type MessageKey } from '../i18n/i18n.ts';

const kindKey = (kind: string): MessageKey => {
  for (const known of ['escalation', 'assigned', 'approval', 'mention', 'watched'] as const)
    if (kind.startsWith(known)) return `inbox.kind.${known}`;
  return 'inbox.kind.other';
};

export default function InboxPage() {
  const items = () => [...(inbox.latest.latest?.items ?? []), ...inbox.older()];
  return (
    <section class="page">
      <h1>
        {t('inbox.title')} <span class="muted">{t('inbox.unread', { n: inbox.unread() })}</span>
      </h1>
      <Show when={items().length > 0} fallback={<p class="muted">{t('inbox.empty')}</p>}>
        <ul class="inbox-list" data-testid="inbox-list">
          <For each={items()}>
            {(item) => (
              <li classList={{ unread: !item.read }} data-kind={item.kind}>
                <span class="chip">{t(kindKey(item.kind))}</span>
                <Show when={item.taskId} fallback={<span class="work-title">{item.title}</span>}>
                  <A
                    href={`/cards/${item.taskId}`}
                    class="work-title"
                    onClick={() => !item.read && void inbox.markRead(item.id)}
                  >
                    {item.title}
                  </A>
                </Show>
                <time class="muted" dateTime={item.createdAt}>
                  {formatDateTime(item.createdAt)}
                </time>
                <Show when={!item.read}>
                  <button type="button" class="button-quiet" onClick={() => void inbox.markRead(item.id)}>
                    {t('inbox.markRead')}
                  </button>
                </Show>
              </li>
            )}
          </For>
        </ul>
        <Show when={inbox.latest.latest?.olderCursor}>
          <button type="button" class="button-quiet" onClick={() => void inbox.loadOlder()}>
            {t('inbox.older')}
          </button>
        </Show>
      </Show>
    </section>
  );
}
