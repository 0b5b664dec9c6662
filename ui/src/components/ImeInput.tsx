// Text inputs that work with Chinese input methods: a value is committed only when no composition is
// under way (compositionend commits it), and a new value from outside (a live update) is written into
// the box only while the person is not composing, so it never cuts a composition short.
import { createEffect, splitProps, type JSX } from 'solid-js';

type Common = {
  value: string;
  onCommit(value: string): void;
  multiline?: boolean /** The person started composing: their text is theirs from now on. */;
  onBegin?: () => void;
};
type Props = Common &
  Omit<
    JSX.InputHTMLAttributes<HTMLInputElement> & JSX.TextareaHTMLAttributes<HTMLTextAreaElement>,
    'value' | 'onInput'
  >;

export function ImeInput(all: Props) {
  const [props, rest] = splitProps(all, ['value', 'onCommit', 'multiline', 'onBegin']);
  let element!: HTMLInputElement | HTMLTextAreaElement;
  let composing = false;
  createEffect(() => {
    const next = props.value;
    if (!composing && element.value !== next) {
      // Keep the caret where it was when the box has focus.
      const focused = document.activeElement === element;
      const start = element.selectionStart;
      const end = element.selectionEnd;
      element.value = next;
      if (focused && start !== null && end !== null)
        element.setSelectionRange(Math.min(start, next.length), Math.min(end, next.length));
    }
  });
  const handlers = {
    onCompositionStart: () => {
      composing = true;
      props.onBegin?.();
    },
    onCompositionEnd: () => {
      composing = false;
      props.onCommit(element.value);
    },
    onInput: (event: InputEvent) => {
      if (!composing && !event.isComposing) props.onCommit(element.value);
    },
  };
  return props.multiline ? (
    <textarea
      ref={(el) => (element = el)}
      {...(rest as JSX.TextareaHTMLAttributes<HTMLTextAreaElement>)}
      {...handlers}
    />
  ) : (
    <input ref={(el) => (element = el)} {...(rest as JSX.InputHTMLAttributes<HTMLInputElement>)} {...handlers} />
  );
}
