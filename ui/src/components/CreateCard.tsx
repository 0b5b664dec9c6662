// Creating a card in a column: its type, title and the type's own fields; what the server refuses is
// shown beside the field it concerns. A card lands in its type's first state, then moves to the column.
import { createSignal, For, Show } from 'solid-js';
import type { BoardView, TaskView } from '../../../core/http/contract.ts';
import { api, unwrap } from '../data/api.ts';
import { session } from '../data/session.ts';
import { errorMessage, fieldErrors, type NameLookup } from '../i18n/error-message.ts';
import { nameOf, t } from '../i18n/i18n.ts';
import { Dialog } from './Dialog.tsx';
import { FieldInput } from './FieldInput.tsx';
import { ImeInput } from './ImeInput.tsx';
import { toast } from './Toasts.tsx';

export default function CreateCard(props: {
  board: BoardView;
  column: string;
  names: NameLookup;
  onClose(): void;
  onCreated(task: TaskView): void;
}) {
  const types = () =>
    props.board.taskTypes.map((id) => session.catalogue()?.types.get(id)).filter((type) => type !== undefined);
  const [typeId, setTypeId] = createSignal(props.board.taskTypes[0]!);
  const [title, setTitle] = createSignal('');
  const [fields, setFields] = createSignal<Record<string, unknown>>({});
  const [errors, setErrors] = createSignal<Record<string, string>>({});
  const [failure, setFailure] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  const type = () => session.catalogue()?.types.get(typeId());
  const column = () => props.board.columns.find((c) => c.id === props.column)!;

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setFailure(undefined);
    try {
      const values = Object.fromEntries(Object.entries(fields()).filter(([, v]) => v !== null && v !== undefined));
      let task = await unwrap(api.tasks.$post({ json: { type: typeId(), title: title(), fields: values } }));
      props.onCreated(task);
      if (!column().states.includes(task.status)) {
        try {
          task = (
            await unwrap(
              api.tasks[':id'].transition.$patch({
                param: { id: String(task.id) },
                json: { expectedVersion: task.version, to: column().states[0]! },
              }),
            )
          ).task;
          props.onCreated(task);
        } catch (error) {
          toast(t('board.snappedBack', { reason: errorMessage(error, props.names) }), 'error');
        }
      }
      props.onClose();
    } catch (error) {
      const byField = fieldErrors(error);
      setErrors(byField);
      if (Object.keys(byField).length === 0) setFailure(errorMessage(error, props.names));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={t('create.title', { column: nameOf(column().name) })} onClose={props.onClose}>
      <form class="stack" onSubmit={submit} novalidate>
        <Show when={types().length > 1}>
          <label class="field">
            <span>{t('create.type')}</span>
            <select value={typeId()} onChange={(e) => setTypeId(e.currentTarget.value)}>
              <For each={types()}>{(option) => <option value={option!.id}>{nameOf(option!.name)}</option>}</For>
            </select>
          </label>
        </Show>
        <div class="field" classList={{ invalid: Boolean(errors().title) }}>
          <label for="create-title">
            {t('create.cardTitle')}
            <span class="required" aria-hidden="true">
              {' '}
              *
            </span>
          </label>
          <ImeInput
            id="create-title"
            value={title()}
            onCommit={setTitle}
            maxLength={300}
            aria-required="true"
            aria-invalid={Boolean(errors().title)}
            aria-describedby={errors().title ? 'create-title-error' : undefined}
          />
          <Show when={errors().title}>
            <p class="field-error" id="create-title-error" role="alert">
              {errors().title}
            </p>
          </Show>
        </div>
        <For each={type()?.fields ?? []}>
          {(field) => (
            <FieldInput
              field={field}
              value={fields()[field.id]}
              error={errors()[field.id]}
              onChange={(value) => setFields((current) => ({ ...current, [field.id]: value }))}
            />
          )}
        </For>
        <Show when={failure()}>
          <p class="form-error" role="alert">
            {failure()}
          </p>
        </Show>
        <div class="actions">
          <button type="button" class="button-quiet" onClick={props.onClose}>
            {t('create.cancel')}
          </button>
          <button type="submit" class="button-primary" disabled={busy()}>
            {t('create.submit')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
