// Tells the people who manage the organisation (roles.edit) which plugins are not working and why: those
// that failed to load on the server, and UI parts that failed in this browser. Hidden until the next
// problem once they dismiss it. Below it, the plugins' default escalations this organisation cannot staff
// (inactive here, not an error: docs/writing-a-plugin.md), with what is missing.
import { createSignal, For, Show } from 'solid-js';
import { session } from '../data/session.ts';
import { t } from '../i18n/i18n.ts';
import { plugins, type InactiveEscalation, type PluginProblem } from './plugin-slots.ts';

const keyOf = (problem: PluginProblem) => `${problem.plugin}\u0000${problem.where}`;

function InactiveEscalations(props: { list: InactiveEscalation[]; hide: () => void }) {
  return (
    <section class="plugin-notice" aria-labelledby="plugin-inactive-title" data-testid="plugin-inactive">
      <h2 id="plugin-inactive-title">{t('plugins.inactive')}</h2>
      <p>{t('plugins.inactiveExplain')}</p>
      <ul>
        <For each={props.list}>
          {(escalation) => (
            <li>
              <code>
                {escalation.plugin}/{escalation.id}
              </code>
              :{' '}
              {escalation.missing.map((missing) => t(`plugins.missing.${missing.kind}`, { id: missing.id })).join(', ')}
            </li>
          )}
        </For>
      </ul>
      <button type="button" class="button-quiet" onClick={() => props.hide()}>
        {t('plugins.hide')}
      </button>
    </section>
  );
}

export function PluginNotice() {
  const [dismissed, setDismissed] = createSignal<ReadonlySet<string>>(new Set());
  const manages = () => session.me()?.permissions.includes('roles.edit') ?? false;
  const shown = () => (manages() ? plugins.problems().filter((problem) => !dismissed().has(keyOf(problem))) : []);
  const [inactiveHidden, setInactiveHidden] = createSignal(false);
  const inactive = () => (manages() && !inactiveHidden() ? plugins.inactive() : []);
  return (
    <>
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
          <button
            type="button"
            class="button-quiet"
            onClick={() => setDismissed(new Set(plugins.problems().map(keyOf)))}
          >
            {t('plugins.hide')}
          </button>
        </section>
      </Show>
      <Show when={inactive().length > 0}>
        <InactiveEscalations list={inactive()} hide={() => setInactiveHidden(true)} />
      </Show>
    </>
  );
}
