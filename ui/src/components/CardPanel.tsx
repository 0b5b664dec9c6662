// A card's detail as a side panel on the board (a full page on a phone, and at /cards/:id): who else
// has it open, its status and the moves available now (unavailable ones saying why), watch, what plugins
// show, the editor and every section of its history. A card whose type is not loaded stays readable.
import { createEffect, For, on, Show } from 'solid-js';
import type { BoardCard, CardDetail, TaskView } from '../../../core/http/contract.ts';
import { ApiError, unwrap } from '../data/api.ts';
import { createCardDetail } from '../data/card-detail.ts';
import { session } from '../data/session.ts';
import { errorMessage, type NameLookup } from '../i18n/error-message.ts';
import { nameOf, t } from '../i18n/i18n.ts';
import { PluginSlot } from '../plugins/PluginSlot.tsx';
import { CardEditor } from './CardEditor.tsx';
import { Activity, Approvals, Checklist, Comments, Escalations, Links } from './CardSections.tsx';
import { toast } from './Toasts.tsx';

export interface CardPanelProps {
  id: number;
  viewers: string[];
  names: NameLookup;
  /** The card as the board has it now: a newer version refreshes the detail. */
  liveCard?: BoardCard | undefined;
  onClose?: () => void;
  onOpenFull?: () => void;
  page?: boolean;
}

export default function CardPanel(props: CardPanelProps) {
  const store = createCardDetail(() => props.id);
  createEffect(
    on(
      () => props.liveCard?.version,
      (version) => {
        const shown = store.detail.latest?.task.version;
        if (version !== undefined && shown !== undefined && version > shown) void store.refetch();
      },
      { defer: true },
    ),
  );

  const move = async (detail: CardDetail, to: string, name: string) => {
    try {
      const response = await store.move(to, detail.task.version);
      const result = await unwrap(Promise.resolve(response));
      toast(response.status === 202 ? t('board.requested', { column: name }) : t('board.moved', { column: name }));
      store.showTask(result.task as TaskView);
    } catch (error) {
      toast(t('board.snappedBack', { reason: errorMessage(error, props.names) }), 'error', 10_000);
      void store.refetch();
    }
  };
  const whyNot = (transition: CardDetail['transitions'][number]) =>
    errorMessage(
      new ApiError(422, 'UNPROCESSABLE', transition.message ?? '', {
        reason: transition.reason,
        ...transition.details,
      }),
      props.names,
    );

  return (
    <aside
      class="card-panel"
      classList={{ 'card-page': props.page }}
      aria-label={store.detail()?.task.title ?? t('panel.loading')}
      data-testid="card-panel"
    >
      <Show
        when={store.detail.latest}
        fallback={
          <Show when={store.detail.error} fallback={<p class="loading">{t('panel.loading')}</p>}>
            <p class="form-error" role="alert">
              {errorMessage(store.detail.error)}
            </p>
          </Show>
        }
      >
        {(detail) => {
          const type = () => session.catalogue()?.types.get(detail().task.type);
          const state = () => type()?.workflow.states.find((s) => s.id === detail().task.status);
          return (
            <>
              <header class="panel-head">
                <span class="card-type">
                  {nameOf(type()?.name) || detail().task.type} #{detail().task.id}
                </span>
                <span class="chip chip-state" data-category={detail().task.category}>
                  {nameOf(state()?.name) || detail().task.status}
                </span>
                <span class="spacer" />
                <button
                  type="button"
                  class="button-quiet"
                  aria-pressed={detail().watching}
                  onClick={async () => {
                    await store.watch(!detail().watching);
                    void store.refetch();
                  }}
                >
                  {detail().watching ? t('panel.unwatch') : t('panel.watch')} ·{' '}
                  {t('panel.watchers', { n: detail().watchers.length })}
                </button>
                <Show when={props.onOpenFull}>
                  <button type="button" class="button-quiet" onClick={() => props.onOpenFull?.()}>
                    {t('panel.openFull')}
                  </button>
                </Show>
                <Show when={props.onClose}>
                  <button
                    type="button"
                    class="button-quiet"
                    onClick={() => props.onClose?.()}
                    aria-label={t('panel.close')}
                  >
                    ✕
                  </button>
                </Show>
              </header>
              <Show when={session.catalogue() && !type()}>
                <section class="section unknown-type-note">
                  <p role="note">{t('panel.unknownType', { type: detail().task.type })}</p>
                  <dl class="raw-fields">
                    <For each={Object.entries(detail().task.fields)}>
                      {([key, value]) => (
                        <>
                          <dt>{key}</dt>
                          <dd>{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
                        </>
                      )}
                    </For>
                  </dl>
                </section>
              </Show>
              <Show when={props.viewers.length > 0}>
                <p class="presence" role="status" data-testid="presence">
                  {t('panel.viewingToo', { names: props.viewers.join('、') })}
                </p>
              </Show>
              <section class="section transitions" aria-label={t('panel.transitions')}>
                <h3>{t('panel.transitions')}</h3>
                <ul>
                  <For each={detail().transitions}>
                    {(transition) => (
                      <li>
                        <button
                          type="button"
                          class={transition.needsApproval ? 'button-secondary' : 'button-primary'}
                          disabled={!transition.available}
                          onClick={() => void move(detail(), transition.to, nameOf(transition.name))}
                        >
                          {transition.needsApproval
                            ? t('panel.requestApproval', { state: nameOf(transition.label ?? transition.name) })
                            : nameOf(transition.label ?? transition.name)}
                        </button>
                        <Show when={!transition.available}>
                          <span class="why-not">{whyNot(transition)}</span>
                        </Show>
                      </li>
                    )}
                  </For>
                </ul>
              </section>
              <PluginSlot
                slot="cardPanel"
                types={[detail().task.type]}
                props={{ card: detail().task }}
                class="section plugin-section"
              />
              <CardEditor
                task={detail().task}
                type={type()}
                names={props.names}
                save={(version, changes) => store.edit(version, changes) as Promise<TaskView>}
                saved={(task) => store.showTask(task)}
              />
              <Checklist detail={detail()} store={store} />
              <Comments detail={detail()} store={store} />
              <Approvals detail={detail()} />
              <Escalations detail={detail()} />
              <Links detail={detail()} />
              <Activity detail={detail()} store={store} />
            </>
          );
        }}
      </Show>
    </aside>
  );
}
