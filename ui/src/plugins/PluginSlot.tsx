// Renders plugins' contributions to a slot, each inside an error boundary: a component that throws shows
// a short note in its place and is reported (console, and the notice for people who manage the
// organisation), while the rest of the screen keeps working.
import { ErrorBoundary, For, type Component, type JSX } from 'solid-js';
import { Dynamic } from 'solid-js/web';
import { t } from '../i18n/i18n.ts';
import { text, type BoardToolbarProps, type CardFaceProps, type CardPanelProps, type SlotName } from './api.ts';
import { plugins, type Contribution } from './plugin-slots.ts';

/** One contribution, contained. */
export function Contained(props: { contribution: Contribution; slot: SlotName; children: JSX.Element }) {
  return (
    <ErrorBoundary
      fallback={(error) => {
        plugins.report(props.contribution.plugin, props.slot, error);
        return <span class="plugin-failed">{t('plugins.failedHere', { plugin: text(props.contribution.name) })}</span>;
      }}
    >
      {props.children}
    </ErrorBoundary>
  );
}

type ComponentSlot = 'cardFace' | 'cardPanel' | 'boardToolbar';
type SlotProps = { cardFace: CardFaceProps; cardPanel: CardPanelProps; boardToolbar: BoardToolbarProps };

/** Every loaded plugin's component for a card or board slot, for these task types. */
export function PluginSlot<K extends ComponentSlot>(props: {
  slot: K;
  types: readonly string[];
  props: SlotProps[K];
  class: string;
}) {
  return (
    <For each={plugins.filling(props.slot, props.types)}>
      {(contribution) => (
        <div class={props.class} data-plugin={contribution.plugin} data-slot={props.slot}>
          <Contained contribution={contribution} slot={props.slot}>
            <Dynamic component={contribution.ui[props.slot] as Component<object>} {...props.props} />
          </Contained>
        </div>
      )}
    </For>
  );
}
