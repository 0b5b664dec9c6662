// A modal dialog on the native <dialog>: focus moves in and is trapped, Escape closes, focus returns.
import { onCleanup, onMount, type JSX } from 'solid-js';
import { t } from '../i18n/i18n.ts';

export function Dialog(props: { title: string; onClose(): void; children: JSX.Element }) {
  let dialog!: HTMLDialogElement;
  const titleId = `dialog-${Math.random().toString(36).slice(2)}`;
  onMount(() => dialog.showModal());
  onCleanup(() => dialog.open && dialog.close());
  return (
    <dialog
      ref={dialog}
      class="dialog"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        props.onClose();
      }}
    >
      <header class="dialog-head">
        <h2 id={titleId}>{props.title}</h2>
        <button type="button" class="button-quiet" onClick={props.onClose} aria-label={t('panel.close')}>
          ✕
        </button>
      </header>
      {props.children}
    </dialog>
  );
}
