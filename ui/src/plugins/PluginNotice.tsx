// Tells the people who manage the organisation (roles.edit) which plugins are not working and why: those
// that failed to load on the server, and UI parts that failed in this browser. Hidden until the next
// problem once they dismiss it.
import { createSignal, For, Show } from 'solid-js';
import { session } from '../data/session.ts';
import { t } from '../i18n/i18n.ts';
import { plugins, type PluginProblem } from './plugin-slots.ts';

const keyOf = (problem: PluginProblem) => `${problem.plugin}\u0000${problem.where}`;

export function PluginNotice() {
  const [dismissed, setDismissed] = createSignal<ReadonlySet<string>>(new Set());
  const manages = () => session.me()?.permissions.includes('roles.edit') ?? false;
  const shown = () => (manages() ? plugins.problems().filter((problem) => !dismissed().has(keyOf(problem))) : []);
  return (
    <Show when={shown().length > 0}>
      <section class="plugin-notice" aria-labelledby="plugin-notice-title" data-testid="plugin-notice">
        <h2 id="plugin-notice-title">{t('plugins.notice')}</h2>
        <p>{t('plugins.noticeExplain')}</p>
        <ul>
          <For each={shown()}>
            {(problem) => (
              <li>
                <code>{problem.plugin}</code> {t(`plugins.failed.${problem.where}`)}
                <Show when={problem.message}>
                  : <span class="plugin-reason">{problem.message}</span>
                </Show>
              </li>
            )}
          </For>
        </ul>
        <button type="button" class="button-quiet" onClick={() => setDismissed(new Set(plugins.problems().map(keyOf)))}>
          {t('plugins.hide')}
        </button>
      </section>
    </Show>
  );
}
