// The campaign's card face: its kind, the days until it starts (while it is still to come), and once
// cost and revenue are in, its ROI against the campaign's target, marked when below.
import { definePluginUi, text, type CardFaceProps } from '#plugin-ui';
import { Show } from 'solid-js';
import { chinaDate, daysBetween } from './china-dates.ts';
import { KIND_NAMES, type Kind } from './kinds.ts';
import { roi } from './roi-value.ts';

const UPCOMING = new Set(['draft', 'review', 'preparing']);

function CampaignFace(props: CardFaceProps) {
  const fields = () => (props.card.type === 'campaigns.campaign' ? props.card.fields : {});
  const kind = () => KIND_NAMES[fields().kind as Kind];
  const daysToStart = () => {
    const startsOn = fields().starts_on;
    if (typeof startsOn !== 'string' || !UPCOMING.has(props.card.status)) return null;
    const days = daysBetween(chinaDate(new Date()), startsOn);
    return days >= 0 ? days : null;
  };
  const value = () => roi(fields().revenue, fields().cost);
  const target = () => (typeof fields().roi_target_pct === 'number' ? (fields().roi_target_pct as number) : null);
  const pct = () => Math.round((value() ?? 0) * 100);
  const below = () => target() !== null && pct() < target()!;
  return (
    <>
      <Show when={kind()}>{(words) => <span class="chip">{text(words())}</span>}</Show>
      <Show when={daysToStart() !== null}>
        <span class="chip">{text({ 'zh-CN': `${daysToStart()} 天后开始`, en: `starts in ${daysToStart()} d` })}</span>
      </Show>
      <Show when={value() !== null}>
        <span class="chip" classList={{ warning: below() }}>
          <span aria-hidden="true">
            ROI {pct()}%<Show when={target() !== null}>/{target()}%</Show>
          </span>
          <span class="visually-hidden">
            {text({
              'zh-CN': `投资回报率 ${pct()}%${target() === null ? '' : `,目标 ${target()}%${below() ? ',未达标' : ',已达标'}`}`,
              en: `ROI ${pct()}%${target() === null ? '' : ` against a target of ${target()}%${below() ? ', below it' : ', met'}`}`,
            })}
          </span>
        </span>
      </Show>
    </>
  );
}

export default definePluginUi({ cardFace: CampaignFace });
