// The board's filters (type, role, assignee incl. "me", label, due, overdue, text) and saved views,
// private or shared. The filters live in the address, so a filtered board is a link to share.
import { createResource, createSignal, For, Show } from 'solid-js';
import type { BoardView } from '../../../core/http/contract.ts';
import { api, unwrap } from '../data/api.ts';
import type { Filters } from '../data/board-store.ts';
import { session } from '../data/session.ts';
import { errorMessage } from '../i18n/error-message.ts';
import { nameOf, t } from '../i18n/i18n.ts';
import { ImeInput } from './ImeInput.tsx';
import { toast } from './Toasts.tsx';

const SEARCH_DELAY_MS = 250;

export function BoardFilters(props: {
  boardId: string;
  board: BoardView;
  filters: Filters;
  setFilters(next: Filters): void;
}) {
  const [views, { refetch }] = createResource(
    () => props.boardId,
    (id) => unwrap(api.boards[':id'].views.$get({ param: { id } })),
  );
  const [saving, setSaving] = createSignal(false);
  // On a phone the filters fold away behind one button; the search box stays.
  const [open, setOpen] = createSignal(false);
  const set = (key: keyof Filters, value: string | undefined) =>
    props.setFilters({ ...props.filters, [key]: value || undefined });
  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  const types = () =>
    props.board.taskTypes.map((id) => session.catalogue()?.types.get(id)).filter((type) => type !== undefined);
  const activeView = () =>
    views()?.find(
      (view) =>
        JSON.stringify(Object.entries(view.filters).sort()) ===
        JSON.stringify(
          Object.entries(props.filters)
            .filter(([, v]) => v)
            .sort(),
        ),
    );

  const saveView = async (event: SubmitEvent) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    try {
      const filters = Object.fromEntries(Object.entries(props.filters).filter(([, v]) => v)) as Record<string, string>;
      await unwrap(
        api.boards[':id'].views.$post({
          param: { id: props.boardId },
          json: { name: String(form.get('name')), shared: form.get('shared') === 'on', filters },
        }),
      );
      setSaving(false);
      await refetch();
    } catch (error) {
      toast(errorMessage(error), 'error');
    }
  };
  const deleteView = async (viewId: number) => {
    try {
      await unwrap(
        api.boards[':id'].views[':viewId'].$delete({ param: { id: props.boardId, viewId: String(viewId) } }),
      );
      await refetch();
    } catch (error) {
      toast(errorMessage(error), 'error');
    }
  };

  return (
    // biome-ignore lint/a11y/useSemanticElements: the search landmark on a div is axe-clean in tests/browser; the filters' CSS and tests address this div
    <div class="filters" classList={{ open: open() }} role="search" aria-label={t('filters.label')}>
      <label class="search">
        <span class="visually-hidden">{t('search.label')}</span>
        <ImeInput
          id="board-search"
          type="search"
          placeholder={t('search.placeholder')}
          aria-label={t('search.label')}
          value={props.filters.q ?? ''}
          onCommit={(value) => {
            clearTimeout(searchTimer);
            searchTimer = setTimeout(() => set('q', value.trim()), SEARCH_DELAY_MS);
          }}
        />
        {/* biome-ignore lint/a11y/noAriaHiddenOnFocusable: a <kbd> is not focusable; the "/" shortcut hint is decoration, hidden from screen readers */}
        <kbd aria-hidden="true">/</kbd>
      </label>
      <button type="button" class="button-quiet filters-toggle" aria-expanded={open()} onClick={() => setOpen(!open())}>
        {t('filters.label')}
      </button>
      <Show when={types().length > 1}>
        <label class="filter">
          <span>{t('filters.type')}</span>
          <select value={props.filters.type ?? ''} onChange={(e) => set('type', e.currentTarget.value)}>
            <option value="">{t('filters.any')}</option>
            <For each={types()}>{(type) => <option value={type!.id}>{nameOf(type!.name)}</option>}</For>
          </select>
        </label>
      </Show>
      <label class="filter">
        <span>{t('filters.role')}</span>
        <select value={props.filters.role ?? ''} onChange={(e) => set('role', e.currentTarget.value)}>
          <option value="">{t('filters.any')}</option>
          <For each={session.catalogue()?.directory.roles ?? []}>
            {(role) => <option value={role.id}>{nameOf(role.name)}</option>}
          </For>
        </select>
      </label>
      <label class="filter">
        <span>{t('filters.assignee')}</span>
        <select
          value={props.filters.assignee ?? ''}
          onChange={(e) => set('assignee', e.currentTarget.value)}
          data-testid="filter-assignee"
        >
          <option value="">{t('filters.any')}</option>
          <option value="me">{t('filters.me')}</option>
          <For each={session.catalogue()?.directory.people ?? []}>
            {(person) => <option value={person.id}>{person.displayName}</option>}
          </For>
        </select>
      </label>
      <label class="filter">
        <span>{t('filters.labelName')}</span>
        <ImeInput value={props.filters.label ?? ''} onCommit={(value) => set('label', value.trim())} size={8} />
      </label>
      <label class="filter">
        <span>{t('filters.due')}</span>
        <input
          type="date"
          value={props.filters.dueBefore?.slice(0, 10) ?? ''}
          onChange={(e) =>
            set(
              'dueBefore',
              e.currentTarget.value ? new Date(`${e.currentTarget.value}T00:00:00`).toISOString() : undefined,
            )
          }
        />
      </label>
      <label class="filter filter-check">
        <input
          type="checkbox"
          checked={props.filters.overdue === 'true'}
          onChange={(e) => set('overdue', e.currentTarget.checked ? 'true' : undefined)}
        />
        <span>{t('filters.overdue')}</span>
      </label>
      <button type="button" class="button-quiet" onClick={() => props.setFilters({})}>
        {t('filters.clear')}
      </button>
      <span class="spacer" />
      <label class="filter">
        <span>{t('views.label')}</span>
        <select
          value={activeView()?.id ?? ''}
          onChange={(e) =>
            props.setFilters(
              (views()?.find((view) => String(view.id) === e.currentTarget.value)?.filters ?? {}) as Filters,
            )
          }
          data-testid="saved-views"
        >
          <option value="">{t('views.none')}</option>
          <For each={views() ?? []}>
            {(view) => <option value={view.id}>{view.shared ? `${view.name} ⇄` : view.name}</option>}
          </For>
        </select>
      </label>
      <Show when={activeView() && activeView()!.ownerId === session.me()?.id}>
        <button type="button" class="button-quiet" onClick={() => void deleteView(activeView()!.id)}>
          {t('views.delete')}
        </button>
      </Show>
      <Show
        when={saving()}
        fallback={
          <button type="button" class="button-quiet" onClick={() => setSaving(true)}>
            {t('views.save')}
          </button>
        }
      >
        <form class="save-view" onSubmit={saveView}>
          <input name="name" required maxLength={100} aria-label={t('views.name')} placeholder={t('views.name')} />
          <label class="filter-check">
            <input type="checkbox" name="shared" />
            <span>{t('views.shared')}</span>
          </label>
          <button type="submit" class="button-primary">
            {t('views.save')}
          </button>
        </form>
      </Show>
    </div>
  );
}
