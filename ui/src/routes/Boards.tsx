// The list of boards: the way into the shared board a team works from; below it, plugins' widgets.
import { A } from '@solidjs/router';
import { createResource, For, Show } from 'solid-js';
import { api, unwrap } from '../data/api.ts';
import { nameOf, t } from '../i18n/i18n.ts';
import { PluginWidgets } from '../plugins/PluginWidgets.tsx';

export function BoardsPage() {
  const [boards] = createResource(() => unwrap(api.boards.$get()));
  return (
    <section class="page">
      <h1>{t('boards.title')}</h1>
      <Show when={boards()} fallback={<p class="loading">{t('app.loading')}</p>}>
        <Show when={boards()!.length > 0} fallback={<p class="muted">{t('boards.empty')}</p>}>
          <ul class="board-list">
            <For each={boards()}>
              {(board) => (
                <li>
                  <A href={`/boards/${board.id}`} class="board-link">
                    <span class="board-link-name">{nameOf(board.name)}</span>
                    <span class="muted">{board.columns.map((column) => nameOf(column.name)).join(' → ')}</span>
                  </A>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </Show>
      <PluginWidgets />
    </section>
  );
}
