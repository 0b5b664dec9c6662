// /plugins/:id: the page a plugin's navigation entry opens, under the entry's label.
import { useParams } from '@solidjs/router';
import { Show } from 'solid-js';
import { Dynamic } from 'solid-js/web';
import { t } from '../i18n/i18n.ts';
import { text } from './api.ts';
import { Contained } from './PluginSlot.tsx';
import { plugins } from './plugin-slots.ts';

export default function PluginPage() {
  const params = useParams<{ id: string }>();
  const contribution = () => plugins.filling('navigation').find((shown) => shown.plugin === params.id);
  return (
    <section class="page" data-plugin={params.id} data-slot="navigation">
      <Show
        when={contribution()}
        fallback={<p class="muted">{plugins.ready() ? t('plugins.notFound') : t('app.loading')}</p>}
      >
        {(shown) => (
          <>
            <h1>{text(shown().ui.navigation!.label)}</h1>
            <Contained contribution={shown()} slot="navigation">
              <Dynamic component={shown().ui.navigation!.page} />
            </Contained>
          </>
        )}
      </Show>
    </section>
  );
}
