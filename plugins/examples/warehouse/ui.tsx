// The warehouse's UI (docs/writing-a-plugin.md, "UI slots"): each receipt's face shows counted against
// expected, and its detail panel says how far the count is off and whether it may be shelved.
import { definePluginUi, text, type CardFaceProps, type CardPanelProps } from '#plugin-ui';
import { Show } from 'solid-js';

const quantity = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/** "8/10": small, and said in full to a screen reader. */
function CountBadge(props: CardFaceProps) {
  const counted = () => quantity(props.card.fields.counted);
  const expected = () => quantity(props.card.fields.expected);
  return (
    <Show when={expected() !== null}>
      <span class="chip" title={text({ 'zh-CN': '实收/应收', en: 'Counted/expected' })}>
        <span aria-hidden="true">
          {counted() ?? '–'}/{expected()}
        </span>
        <span class="visually-hidden">
          {text({
            'zh-CN': `实收 ${counted() ?? '未清点'}，应收 ${expected()}`,
            en: `Counted ${counted() ?? 'not yet'} of ${expected()} expected`,
          })}
        </span>
      </span>
    </Show>
  );
}

function CountSummary(props: CardPanelProps) {
  const counted = () => quantity(props.card.fields.counted);
  const expected = () => quantity(props.card.fields.expected);
  // The same 2 % the shelving guard allows (index.ts).
  const within = () => Math.abs(counted()! - expected()!) <= expected()! * 0.02;
  return (
    <>
      <h3>{text({ 'zh-CN': '清点', en: 'Count' })}</h3>
      <Show
        when={counted() !== null && expected() !== null}
        fallback={<p>{text({ 'zh-CN': '尚未清点。', en: 'Not counted yet.' })}</p>}
      >
        <p data-testid="warehouse-count">
          {text({
            'zh-CN': `实收 ${counted()}，应收 ${expected()}，差 ${counted()! - expected()!}。`,
            en: `Counted ${counted()} of ${expected()} expected (${counted()! - expected()!}).`,
          })}{' '}
          {within()
            ? text({ 'zh-CN': '在 2% 以内，可以上架。', en: 'Within 2 %: may be shelved.' })
            : text({ 'zh-CN': '超过 2%，请重新清点。', en: 'More than 2 % off: count again.' })}
        </p>
      </Show>
    </>
  );
}

export default definePluginUi({ cardFace: CountBadge, cardPanel: CountSummary });
