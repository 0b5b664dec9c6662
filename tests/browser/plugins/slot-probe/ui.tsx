// The slot probe's UI: a toolbar button, a navigation page and a dashboard widget, and a chip on every
// card face that throws on cards titled "boom…", to show that a failing contribution is contained.
import { definePluginUi, text, type CardFaceProps } from '#plugin-ui';
import { createSignal } from 'solid-js';

function ProbeChip(props: CardFaceProps) {
  if (props.card.title.startsWith('boom')) throw new Error('the probe blew up on this card');
  return <span class="chip">{text({ 'zh-CN': '探针', en: 'probe' })}</span>;
}

function ProbeButton() {
  const [on, setOn] = createSignal(false);
  return (
    <button
      type="button"
      class="button-quiet"
      aria-pressed={on()}
      onClick={() => setOn(!on())}
      data-testid="probe-tool"
    >
      {text({ 'zh-CN': '探针开关', en: 'Probe switch' })}
    </button>
  );
}

export default definePluginUi({
  taskTypes: 'all',
  cardFace: ProbeChip,
  boardToolbar: ProbeButton,
  navigation: {
    label: { 'zh-CN': '探针', en: 'Probe' },
    page: () => <p data-testid="probe-page">{text({ 'zh-CN': '探针页面。', en: 'The probe page.' })}</p>,
  },
  dashboard: {
    title: { 'zh-CN': '探针小组件', en: 'Probe widget' },
    widget: () => <p data-testid="probe-widget">{text({ 'zh-CN': '一切正常。', en: 'All is well.' })}</p>,
  },
});
