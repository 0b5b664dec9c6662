// The shared board: columns with counts and WIP state, swimlanes, live cards that move by drag or
// keyboard, filters and saved views in the address, quick search on "/", and the card panel beside.
import { useNavigate, useParams, useSearchParams } from '@solidjs/router';
import { createEffect, createMemo, createSignal, For, lazy, on, onCleanup, onMount, Show } from 'solid-js';
import type { BoardCard } from '../../../core/http/contract.ts';
import { Announcer, announce } from '../components/Announcer.tsx';
import { BoardCell } from '../components/BoardCell.tsx';
import { Icon } from '../components/Icon.tsx';
import { BoardFilters } from '../components/BoardFilters.tsx';
import { toast } from '../components/Toasts.tsx';
import { createBoardStore, faceOf, type Filters } from '../data/board-store.ts';
import { session } from '../data/session.ts';
import type { DropTarget } from '../dnd/drop-target.ts';
import { createKeyboardMove } from '../dnd/keyboard-move.ts';
import { justDropped, startPointerDrag } from '../dnd/pointer-drag.ts';
import { errorMessage } from '../i18n/error-message.ts';
import { nameOf, t } from '../i18n/i18n.ts';
import { PluginSlot } from '../plugins/PluginSlot.tsx';

const CardPanel = lazy(() => import('../components/CardPanel.tsx'));
const CreateCard = lazy(() => import('../components/CreateCard.tsx'));

const FILTER_KEYS = ['q', 'type', 'role', 'assignee', 'label', 'dueBefore', 'overdue'] as const;

export function BoardPage() {
  const params = useParams<{ id: string }>();
  const [search, setSearch] = useSearchParams<Record<string, string>>();
  const navigate = useNavigate();
  const filters = createMemo<Filters>(
    () => Object.fromEntries(FILTER_KEYS.filter((key) => search[key]).map((key) => [key, search[key]])),
    {},
    {
      equals: (a, b) => JSON.stringify(a) === JSON.stringify(b),
    },
  );
  const me = () => session.me()?.id;
  const store = createMemo(() => createBoardStore(params.id, filters, me));
  createEffect(on([store, filters], () => void store().load()));

  const [target, setTarget] = createSignal<DropTarget | null>(null);
  const [dragging, setDragging] = createSignal<number | null>(null);
  const [creating, setCreating] = createSignal<string | null>(null);
  const openCard = () => (search.card ? Number(search.card) : null);

  const columnName = (id: string) =>
    nameOf(
      store()
        .board()
        ?.columns.find((column) => column.id === id)?.name,
    ) || id;
  const names = {
    column: (ref: string) => columnName(ref.split('/').pop()!),
    state: (id: string) => {
      for (const type of session.catalogue()?.types.values() ?? []) {
        const state = type.workflow.states.find((s) => s.id === id);
        if (state && store().board()?.taskTypes.includes(type.id)) return nameOf(state.name);
      }
      return id;
    },
  };

  async function drop(cardId: number, at: DropTarget) {
    const outcome = await store().move(cardId, at);
    if (outcome.kind === 'refused')
      toast(t('board.snappedBack', { reason: errorMessage(outcome.error, names) }), 'error', 10_000);
    else if (outcome.kind === 'requested') toast(t('board.requested', { column: columnName(at.column) }));
    else for (const warning of outcome.warnings) toast(warning);
    queueMicrotask(() => document.querySelector<HTMLElement>(`[data-card-id="${cardId}"] .card-button`)?.focus());
  }

  const keyboard = createKeyboardMove({
    cells: () => store().cells(),
    columnName,
    titleOf: (id) => store().cards().get(id)?.title ?? '',
    setTarget,
    drop: (id, at) => void drop(id, at),
    announce,
  });

  const viewersByCard = createMemo(() => {
    const map = new Map<number, string[]>();
    for (const viewer of store().viewers())
      if (viewer.personId !== me())
        (map.get(viewer.taskId) ?? map.set(viewer.taskId, []).get(viewer.taskId)!).push(viewer.name);
    return map;
  });
  createEffect(() => store().viewing(openCard()));

  const open = (card: BoardCard) => {
    if (justDropped()) return;
    setSearch({ card: String(card.id) });
  };
  const onKeyDown = (event: KeyboardEvent, card: BoardCard, index: number) => {
    const cell = store()
      .cells()
      .flat()
      .find((c) => c.cards.some((shown) => shown.id === card.id));
    if (!cell) return;
    if (keyboard.onKeyDown(event, card.id, { column: cell.column, lane: cell.lane, index }))
      return event.preventDefault();
    if (event.key === 'Enter' && !event.isComposing) open(card);
  };

  // "/" jumps to the search box, unless the person is typing (or composing with an input method).
  const onGlobalKey = (event: KeyboardEvent) => {
    if (event.key !== '/' || event.isComposing || event.ctrlKey || event.metaKey) return;
    const active = document.activeElement as HTMLElement | null;
    if (active && (active.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(active.tagName))) return;
    event.preventDefault();
    document.querySelector<HTMLInputElement>('#board-search')?.focus();
  };
  onMount(() => window.addEventListener('keydown', onGlobalKey));
  onCleanup(() => window.removeEventListener('keydown', onGlobalKey));

  const wipState = (columnId: string) => {
    const column = store()
      .board()
      ?.columns.find((c) => c.id === columnId);
    const count = store().columnCounts().get(columnId) ?? 0;
    if (!column?.wipLimit || count < column.wipLimit) return null;
    return column.wipMode === 'block' ? 'full' : 'warn';
  };
  const lanesShown = () => store().board()?.swimlanes !== 'none';
  const laneName = (key: string | null) => {
    const lane = store()
      .lanes()
      .find((l) => l.key === key);
    return lane ? nameOf(lane.name) : key === null ? t('board.lane.none') : key;
  };

  return (
    <section class="board-page">
      <Announcer />
      <p id="dnd-instructions" class="visually-hidden">
        {t('dnd.instructions')}
      </p>
      <Show
        when={store().board()}
        fallback={
          <Show when={store().error()} fallback={<p class="loading">{t('board.loading')}</p>}>
            {(error) => (
              <p class="form-error" role="alert">
                {errorMessage(error())}
              </p>
            )}
          </Show>
        }
      >
        {(board) => (
          <>
            <div class="board-head">
              <h1>{nameOf(board().name)}</h1>
              <PluginSlot slot="boardToolbar" types={board().taskTypes} props={{ board: board() }} class="board-tool" />
              <Show when={!store().online()}>
                <span class="offline" role="status">
                  {t('board.live.offline')}
                </span>
              </Show>
            </div>
            <BoardFilters
              boardId={params.id}
              board={board()}
              filters={filters()}
              setFilters={(next) =>
                setSearch(Object.fromEntries(FILTER_KEYS.map((key) => [key, next[key] || undefined])))
              }
            />
            <div class="board-scroll" data-board-scroll>
              <div class="board-grid" style={{ '--columns': board().columns.length }}>
                <For each={board().columns}>
                  {(column) => (
                    <div class="column-head" data-wip={wipState(column.id) ?? 'ok'}>
                      <h2>{nameOf(column.name)}</h2>
                      <span class="count" data-testid={`count-${column.id}`}>
                        {column.wipLimit
                          ? t('board.column.wip', {
                              n: store().columnCounts().get(column.id) ?? 0,
                              limit: column.wipLimit,
                            })
                          : t('board.column.count', { n: store().columnCounts().get(column.id) ?? 0 })}
                      </span>
                      <Show when={wipState(column.id)}>
                        {(state) => (
                          <span class={`wip wip-${state()}`}>
                            {state() === 'full' ? t('board.column.wipFull') : t('board.column.wipWarn')}
                          </span>
                        )}
                      </Show>
                      <Show when={session.me()?.permissions.includes('tasks.create')}>
                        <button
                          type="button"
                          class="button-quiet add-card"
                          onClick={() => setCreating(column.id)}
                          aria-label={`${t('board.add')}: ${nameOf(column.name)}`}
                        >
                          <Icon name="plus" size={14} />
                        </button>
                      </Show>
                    </div>
                  )}
                </For>
                <For each={store().cells()}>
                  {(row) => (
                    <>
                      <Show when={lanesShown()}>
                        <h3 class="lane-head">{laneName(row[0]?.lane ?? null)}</h3>
                      </Show>
                      <For each={row}>
                        {(cell) => (
                          <BoardCell
                            cell={cell}
                            columnName={columnName(cell.column)}
                            catalogue={session.catalogue()}
                            target={target()}
                            dragging={dragging()}
                            carried={keyboard.carried()?.cardId ?? null}
                            viewersOf={(id) => viewersByCard().get(id) ?? []}
                            onPointerDown={(event, card, element) =>
                              startPointerDrag(event, card.id, element, {
                                setTarget,
                                setDragging,
                                drop: (id, at) => void drop(id, at),
                              })
                            }
                            onKeyDown={onKeyDown}
                            onOpen={open}
                            tall={!lanesShown()}
                          />
                        )}
                      </For>
                    </>
                  )}
                </For>
              </div>
            </div>
            <Show when={creating()}>
              {(column) => (
                <CreateCard
                  board={board()}
                  column={column()}
                  onClose={() => setCreating(null)}
                  onCreated={(task) => store().upsert(faceOf(task), task.id)}
                  names={names}
                />
              )}
            </Show>
            <Show when={openCard()}>
              {(id) => (
                <CardPanel
                  id={id()}
                  viewers={viewersByCard().get(id()) ?? []}
                  onClose={() => setSearch({ card: undefined })}
                  onOpenFull={() => navigate(`/cards/${id()}`)}
                  names={names}
                  liveCard={store().cards().get(id())}
                />
              )}
            </Show>
          </>
        )}
      </Show>
    </section>
  );
}
