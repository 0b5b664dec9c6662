// The parts of a card's detail beside its fields: checklist, comments, activity (old → new), approvals,
// escalation history and links; long lists load older pages on request.
import { A } from '@solidjs/router';
import { createSignal, For, Show } from 'solid-js';
import type { CardDetail } from '../../../core/http/contract.ts';
import type { CardDetailStore } from '../data/card-detail.ts';
import { session } from '../data/session.ts';
import { errorMessage } from '../i18n/error-message.ts';
import { formatDateTime } from '../i18n/format.ts';
import { hasMessage, nameOf, t } from '../i18n/i18n.ts';
import { ImeInput } from './ImeInput.tsx';
import { toast } from './Toasts.tsx';

const show = (value: unknown) =>
  value === null || value === undefined || value === ''
    ? '∅'
    : typeof value === 'string'
      ? value
      : JSON.stringify(value);

export function Checklist(props: { detail: CardDetail; store: CardDetailStore }) {
  const [text, setText] = createSignal('');
  const save = async (checklist: { text: string; done: boolean }[]) => {
    try {
      props.store.showTask(await props.store.edit(props.detail.task.version, { checklist }));
    } catch (error) {
      toast(errorMessage(error), 'error');
      void props.store.refetch();
    }
  };
  return (
    <section class="section">
      <h3>{t('panel.checklist')}</h3>
      <ul class="checklist">
        <For each={props.detail.task.checklist}>
          {(item, index) => (
            <li>
              <label>
                <input
                  type="checkbox"
                  checked={item.done}
                  onChange={(e) =>
                    void save(
                      props.detail.task.checklist.map((it, i) =>
                        i === index() ? { ...it, done: e.currentTarget.checked } : it,
                      ),
                    )
                  }
                />
                <span classList={{ done: item.done }}>{item.text}</span>
              </label>
            </li>
          )}
        </For>
      </ul>
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (text().trim()) {
            void save([...props.detail.task.checklist, { text: text().trim(), done: false }]);
            setText('');
          }
        }}
      >
        <ImeInput value={text()} onCommit={setText} placeholder={t('panel.addItem')} aria-label={t('panel.addItem')} />
      </form>
    </section>
  );
}

export function Comments(props: { detail: CardDetail; store: CardDetailStore }) {
  const [draft, setDraft] = createSignal('');
  const [older, setOlder] = createSignal<CardDetail['comments']['items']>([]);
  const [cursor, setCursor] = createSignal<number | null | undefined>();
  const next = () => (cursor() === undefined ? props.detail.comments.olderCursor : cursor());
  const loadOlder = async () => {
    const page = await props.store.olderComments(next()!);
    setOlder((items) => [...page, ...items]);
    setCursor(page.length === 50 ? page[0]!.id : null);
  };
  const send = async () => {
    if (!draft().trim()) return;
    try {
      await props.store.comment(draft().trim());
      setDraft('');
      void props.store.refetch();
    } catch (error) {
      toast(errorMessage(error), 'error');
    }
  };
  return (
    <section class="section">
      <h3>{t('panel.comments')}</h3>
      <Show when={next()}>
        <button type="button" class="button-quiet" onClick={() => void loadOlder()}>
          {t('panel.older')}
        </button>
      </Show>
      <ol class="comments">
        <For each={[...older(), ...props.detail.comments.items]}>
          {(comment) => (
            <li>
              <div class="meta">
                <strong>{comment.authorName ?? t('activity.someone')}</strong>{' '}
                <time dateTime={comment.createdAt}>{formatDateTime(comment.createdAt)}</time>
              </div>
              <p class="comment-body">{comment.body}</p>
            </li>
          )}
        </For>
      </ol>
      <form
        class="stack"
        onSubmit={(e) => {
          e.preventDefault();
          void send();
        }}
      >
        <ImeInput
          multiline
          rows={2}
          value={draft()}
          onCommit={setDraft}
          placeholder={t('panel.comment')}
          aria-label={t('panel.comment')}
          onKeyDown={(e: KeyboardEvent) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !e.isComposing) {
              e.preventDefault();
              void send();
            }
          }}
        />
        <div class="actions">
          <button type="submit" class="button-primary">
            {t('panel.send')}
          </button>
        </div>
      </form>
    </section>
  );
}

export function Activity(props: { detail: CardDetail; store: CardDetailStore }) {
  const [older, setOlder] = createSignal<CardDetail['activity']['items']>([]);
  const [cursor, setCursor] = createSignal<number | null | undefined>();
  const next = () => (cursor() === undefined ? props.detail.activity.olderCursor : cursor());
  const loadOlder = async () => {
    const page = await props.store.olderActivity(next()!);
    setOlder((items) => [...page, ...items]);
    setCursor(page.length === 50 ? page[0]!.id : null);
  };
  const action = (name: string) => {
    const key = `activity.${name}`;
    return hasMessage(key) ? t(key) : t('activity.other', { action: name });
  };
  return (
    <section class="section">
      <h3>{t('panel.activity')}</h3>
      <Show when={next()}>
        <button type="button" class="button-quiet" onClick={() => void loadOlder()}>
          {t('panel.older')}
        </button>
      </Show>
      <ol class="activity">
        <For each={[...older(), ...props.detail.activity.items].reverse()}>
          {(entry) => (
            <li>
              <div class="meta">
                <strong>{entry.actorName ?? t('activity.someone')}</strong> {action(entry.action)}{' '}
                <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
              </div>
              <ul class="changes">
                <For each={Object.entries(entry.changes)}>
                  {([field, [from, to]]) => (
                    <li>
                      <span class="change-field">{field.replace(/^fields\./, '')}</span>: <del>{show(from)}</del> →{' '}
                      <ins>{show(to)}</ins>
                    </li>
                  )}
                </For>
              </ul>
              <Show when={entry.note}>{(note) => <p class="activity-note">{note()}</p>}</Show>
            </li>
          )}
        </For>
      </ol>
    </section>
  );
}

export function Approvals(props: { detail: CardDetail }) {
  return (
    <Show when={props.detail.approvals.length > 0}>
      <section class="section">
        <h3>{t('panel.approvals')}</h3>
        <ul class="approvals">
          <For each={props.detail.approvals}>
            {(approval) => (
              <li data-state={approval.state}>
                <span class={`chip chip-${approval.state}`}>{t(`approval.state.${approval.state}`)}</span>{' '}
                {approval.from} → {approval.to} ·{' '}
                {nameOf(session.catalogue()?.role(approval.role)?.name) || approval.role}
                <For each={approval.decisions}>
                  {(d) => (
                    <div class="muted">
                      {d.name}: {d.approve ? t('approvals.approve') : t('approvals.reject')}
                      {d.comment ? ` — ${d.comment}` : ''}
                    </div>
                  )}
                </For>
              </li>
            )}
          </For>
        </ul>
      </section>
    </Show>
  );
}

export function Escalations(props: { detail: CardDetail }) {
  return (
    <Show when={props.detail.escalations.length > 0}>
      <section class="section">
        <h3>{t('panel.escalations')}</h3>
        <ol class="escalations">
          <For each={props.detail.escalations}>
            {(firing) => (
              <li>
                <time dateTime={firing.firedAt}>{formatDateTime(firing.firedAt)}</time>{' '}
                {t('panel.escalationFired', {
                  level: firing.level + 1,
                  rule: firing.rule.split('/').pop() ?? firing.rule,
                  role: nameOf(session.catalogue()?.role(firing.targetRole)?.name) || (firing.targetRole ?? ''),
                })}
              </li>
            )}
          </For>
        </ol>
      </section>
    </Show>
  );
}

export function Links(props: { detail: CardDetail }) {
  return (
    <Show when={props.detail.links.length > 0}>
      <section class="section">
        <h3>{t('panel.links')}</h3>
        <ul class="links">
          <For each={props.detail.links}>
            {(link) => (
              <li>
                <Show
                  when={link.url}
                  fallback={
                    <A href={`/cards/${link.otherTaskId}`}>
                      {link.kind} · {link.otherTitle}
                    </A>
                  }
                >
                  <a href={link.url!} rel="noopener noreferrer" target="_blank">
                    {link.title || link.url}
                  </a>
                </Show>
              </li>
            )}
          </For>
        </ul>
      </section>
    </Show>
  );
}
