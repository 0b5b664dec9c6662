// Approvals (/approvals): the requests waiting for me, each with the fields its move covers and their
// values now; approve or reject with a comment.
import { A } from '@solidjs/router';
import { createResource, createSignal, For, Show } from 'solid-js';
import type { ApprovalRequest } from '../../../core/http/contract.ts';
import { ImeInput } from '../components/ImeInput.tsx';
import { toast } from '../components/Toasts.tsx';
import { api, unwrap } from '../data/api.ts';
import { session } from '../data/session.ts';
import { errorMessage } from '../i18n/error-message.ts';
import { formatDateTime, formatMoney } from '../i18n/format.ts';
import { nameOf, t } from '../i18n/i18n.ts';

function Request(props: { request: ApprovalRequest; decided(): void }) {
  const [card] = createResource(
    () => props.request.taskId,
    (id) => unwrap(api.tasks[':id'].$get({ param: { id: String(id) } })),
  );
  const [comment, setComment] = createSignal('');
  const type = () => session.catalogue()?.types.get(props.request.taskType);
  const state = (id: string) => nameOf(type()?.workflow.states.find((s) => s.id === id)?.name) || id;
  const covered = () => {
    const transition = type()?.workflow.transitions.find(
      (tr) => tr.from === props.request.from && tr.to === props.request.to,
    );
    const ids = transition?.requiredFields.length ? transition.requiredFields : (type()?.fields.map((f) => f.id) ?? []);
    return ids.map((id) => type()?.fields.find((f) => f.id === id)).filter((f) => f !== undefined);
  };
  const decide = async (approve: boolean) => {
    try {
      await unwrap(
        api.approvals[':id'].decision.$post({
          param: { id: String(props.request.id) },
          json: { approve, ...(comment().trim() ? { comment: comment().trim() } : {}) },
        }),
      );
      toast(t('approvals.done'));
      props.decided();
    } catch (error) {
      toast(errorMessage(error), 'error');
    }
  };
  return (
    <li class="approval-request" data-testid="approval-request">
      <div class="approval-head">
        <A href={`/cards/${props.request.taskId}`} class="work-title">
          {props.request.title}
        </A>
        <span class="chip">
          {t('approvals.move', { from: state(props.request.from), to: state(props.request.to) })}
        </span>
        <span class="muted">
          {t('approvals.requestedBy', { name: props.request.requestedBy ?? t('activity.someone') })} ·{' '}
          <time dateTime={props.request.createdAt}>{formatDateTime(props.request.createdAt)}</time>
        </span>
      </div>
      <Show when={covered().length > 0}>
        <dl class="covered" aria-label={t('approvals.covers')}>
          <For each={covered()}>
            {(field) => {
              const value = () => card()?.fields[field!.id];
              return (
                <>
                  <dt>{nameOf(field!.name)}</dt>
                  <dd>
                    {field!.type === 'money' && typeof value() === 'number'
                      ? formatMoney(value() as number, field!.currency ?? 'CNY')
                      : value() === undefined
                        ? t('field.none')
                        : String(value())}
                  </dd>
                </>
              );
            }}
          </For>
        </dl>
      </Show>
      <ImeInput
        multiline
        rows={2}
        value={comment()}
        onCommit={setComment}
        placeholder={t('approvals.comment')}
        aria-label={t('approvals.comment')}
      />
      <div class="actions">
        <button type="button" class="button-secondary" onClick={() => void decide(false)}>
          {t('approvals.reject')}
        </button>
        <button type="button" class="button-primary" onClick={() => void decide(true)}>
          {t('approvals.approve')}
        </button>
      </div>
    </li>
  );
}

export default function ApprovalsPage() {
  const [requests, { refetch }] = createResource(() => unwrap(api.approvals.$get()));
  return (
    <section class="page">
      <h1>{t('approvals.title')}</h1>
      <Show when={requests.latest} fallback={<p class="loading">{t('app.loading')}</p>}>
        <Show when={requests.latest!.length > 0} fallback={<p class="muted">{t('approvals.empty')}</p>}>
          <ul class="approval-list">
            <For each={requests.latest}>
              {(request) => <Request request={request} decided={() => void refetch()} />}
            </For>
          </ul>
        </Show>
      </Show>
    </section>
  );
}
