// The dashboard slot: each loaded plugin's widget under its title. The home page shows them below the
// boards until there is a dashboard page of its own.
import { For, Show } from 'solid-js';
import { Dynamic } from 'solid-js/web';
import { t } from '../i18n/i18n.ts';
import { text } from './api.ts';
import { Contained } from './PluginSlot.tsx';
import { plugins } from './plugin-slots.ts';

export function PluginWidgets() {
  const widgets = () => plugins.filling('dashboard');
  return (
    <Show when={widgets().length > 0}>
      <section class="plugin-widgets" aria-label={t('plugins.widgets')}>
        <For each={widgets()}>
          {(contribution) => (
            <section
              class="section plugin-widget"
              data-plugin={contribution.plugin}
              data-slot="dashboard"
              aria-labelledby={`widget-${contribution.plugin}`}
            >
              <h2 id={`widget-${contribution.plugin}`}>{text(contribution.ui.dashboard!.title)}</h2>
              <Contained contribution={contribution} slot="dashboard">
                <Dynamic component={contribution.ui.dashboard!.widget} />
              </Contained>
            </section>
          )}
        </For>
      </section>
    </Show>
  );
}
