// The listing's UI (docs/plugins/listing.md): a product's face shows its title's bytes against the
// platform's 60 and a hero badge, so an over-long title is seen before the go-live check refuses it.
import { definePluginUi, text, type CardFaceProps } from '#plugin-ui';
import { Show } from 'solid-js';
import { TITLE_LIMIT_BYTES, titleBytes } from './title-bytes.ts';

function ProductFace(props: CardFaceProps) {
  const title = () =>
    props.card.type === 'listing.product' && typeof props.card.fields.platform_title === 'string'
      ? props.card.fields.platform_title
      : null;
  const bytes = () => titleBytes(title() ?? '');
  return (
    <>
      <Show when={title() !== null}>
        <span
          class="chip"
          classList={{ warning: bytes() > TITLE_LIMIT_BYTES }}
          title={text({ 'zh-CN': '宝贝标题字节数/平台上限', en: 'Title bytes / platform limit' })}
        >
          <span aria-hidden="true">
            {bytes()}/{TITLE_LIMIT_BYTES}
          </span>
          <span class="visually-hidden">
            {text({
              'zh-CN': `宝贝标题 ${bytes()} 字节，上限 ${TITLE_LIMIT_BYTES} 字节`,
              en: `Title ${bytes()} of ${TITLE_LIMIT_BYTES} bytes`,
            })}
          </span>
        </span>
      </Show>
      <Show when={props.card.type === 'listing.product' && props.card.fields.hero === true}>
        <span class="chip">{text({ 'zh-CN': '主打款', en: 'Hero' })}</span>
      </Show>
    </>
  );
}

export default definePluginUi({ cardFace: ProductFace });
