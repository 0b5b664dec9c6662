// My work (/me): my open cards by due date, duty cards due this week, and what escalated to my roles.
import { A } from '@solidjs/router';
import { createResource, For, Show, type JSX } from 'solid-js';
import { isOverdue } from '../components/CardFace.tsx';
import { api, unwrap } from '../data/api.ts';
import { session } from '../data/session.ts';
import { formatDate, formatDateTime } from '../i18n/format.ts';
import { nameOf, t } from '../i18n/i18n.ts';

function List<T>(props: { title: string; items: T[] | undefined; children: (item: T) => JSX.Element }) {
  return (
    <section class="section work-list">
      <h2>{props.title}</h2>
      <Show when={(props.items?.length ?? 0) > 0} fallback={<p class="muted">{t('me.empty')}</p>}>
        <ul>
          <For each={props.items}>{(item) => <li>{props.children(item)}</li>}</For>
        </ul>
      </Show>
    </section>
  );
}

export default function MePage() {
  const [work] = createResource(() => unwrap(api.me.work.$get()));
  const typeName = (id: string) => nameOf(session.catalogue()?.types.get(id)?.name) || id;
  return (
    <section class="page">
      <h1>{t('me.title')}</h1>
      <Show when={work()} fallback={<p class="loading">{t('app.loading')}</p>}>
        {(shown) => (
          <div class="work-grid">
            <List title={t('me.cards')} items={shown().cards}>
              {(card) => (
                <A href={`/cards/${card.id}`} class="work-item">
                  <span class="card-type">{typeName(card.type)}</span>
                  <span class="work-title">{card.title}</span>
                  <Show when={card.dueAt}>
                    <span class="due" classList={{ overdue: isOverdue(card) }}>
                      {t('card.due', { date: formatDate(card.dueAt!) })}
                    </span>
                  </Show>
                </A>
              )}
            </List>
            <List title={t('me.duties')} items={shown().duties}>
              {(card) => (
                <A href={`/cards/${card.id}`} class="work-item">
                  <span class="work-title">{card.title}</span>
                  <span class="due" classList={{ overdue: isOverdue(card) }}>
                    {card.dueAt ? t('card.due', { date: formatDate(card.dueAt) }) : ''}
                  </span>
                </A>
              )}
            </List>
            <List title={t('me.escalated')} items={shown().escalated}>
              {(item) => (
                <A href={`/cards/${item.taskId}`} class="work-item">
                  <span class="chip chip-escalation">{t('me.level', { level: item.level + 1 })}</span>
                  <span class="work-title">{item.title}</span>
                  <time class="muted" dateTime={item.firedAt}>
                    {formatDateTime(item.firedAt)}
                  </time>
                </A>
              )}
            </List>
          </div>
        )}
      </Show>
    </section>
  );
}
