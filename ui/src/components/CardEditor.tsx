// Editing a card: title, description, priority, due date and the type's fields, as a draft. Changes from
// others flow into the fields the person has not touched; a save against a card that changed meanwhile
// (409) shows, field by field, theirs against the person's own, and the person picks. Typing is never lost.
import { createEffect, createSignal, For, on, Show } from 'solid-js';
import type { TaskType, TaskView } from '../../../core/http/contract.ts';
import { ApiError } from '../data/api.ts';
import { errorMessage, fieldErrors, type NameLookup } from '../i18n/error-message.ts';
import { nameOf, t } from '../i18n/i18n.ts';
import { FieldInput } from './FieldInput.tsx';
import { ImeInput } from './ImeInput.tsx';

type Draft = Record<string, unknown>;
const BASIC = ['title', 'description', 'priority', 'dueAt'] as const;

/** The editable values of a card, flat: basics by name, custom fields as "fields.<id>". */
function valuesOf(task: TaskView): Draft {
  return {
    title: task.title,
    description: task.description,
    priority: task.priority,
    dueAt: task.dueAt,
    ...Object.fromEntries(Object.entries(task.fields).map(([k, v]) => [`fields.${k}`, v])),
  };
}
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export interface Conflict {
  key: string;
  mine: unknown;
  theirs: unknown;
}

export function CardEditor(props: {
  task: TaskView;
  type: TaskType | undefined;
  names: NameLookup;
  save(expectedVersion: number, changes: Record<string, unknown>): Promise<TaskView>;
  saved(task: TaskView): void;
}) {
  const [base, setBase] = createSignal<TaskView>(props.task);
  const [draft, setDraft] = createSignal<Draft>(valuesOf(props.task));
  const [touched, setTouched] = createSignal<Set<string>>(new Set());
  const [conflicts, setConflicts] = createSignal<Conflict[] | null>(null);
  const [choices, setChoices] = createSignal<Record<string, 'mine' | 'theirs'>>({});
  const [errors, setErrors] = createSignal<Record<string, string>>({});
  const [failure, setFailure] = createSignal<string>();
  const [status, setStatus] = createSignal<'idle' | 'saving' | 'saved'>('idle');

  // Someone else's change: untouched values follow it; touched ones stay as the person typed them.
  createEffect(
    on(
      () => props.task,
      (task) => {
        if (touched().size === 0) setBase(task);
        const incoming = valuesOf(task);
        setDraft((current) => {
          const next = { ...current };
          for (const [key, value] of Object.entries(incoming)) if (!touched().has(key)) next[key] = value;
          return next;
        });
      },
      { defer: true },
    ),
  );

  /** The person began changing `key` (an input method started composing): others' changes no longer flow into it. */
  const touch = (key: string) => setTouched((current) => (current.has(key) ? current : new Set(current).add(key)));
  const set = (key: string, value: unknown) => {
    setDraft((current) => ({ ...current, [key]: value }));
    setTouched((current) => new Set(current).add(key));
    setStatus('idle');
  };

  const changesFrom = (values: Draft, keys: Iterable<string>) => {
    const changes: Record<string, unknown> = {};
    const fields: Record<string, unknown> = {};
    for (const key of keys) {
      if (key.startsWith('fields.')) fields[key.slice(7)] = values[key] ?? null;
      else changes[key] = values[key];
    }
    return Object.keys(fields).length ? { ...changes, fields } : changes;
  };

  async function submit(expectedVersion: number, values: Draft, keys: string[]) {
    setStatus('saving');
    setErrors({});
    setFailure(undefined);
    try {
      const task = await props.save(expectedVersion, changesFrom(values, keys));
      setTouched(new Set<string>());
      setConflicts(null);
      setBase(task);
      setDraft(valuesOf(task));
      setStatus('saved');
      props.saved(task);
    } catch (error) {
      setStatus('idle');
      // A stale version: a conflict to resolve. Other 409s (a card locked by a waiting approval) say why.
      if (error instanceof ApiError && error.status === 409 && error.details.current && !error.details.reason)
        return conflictWith(error.details.current as TaskView, values, keys);
      const byField = fieldErrors(error);
      setErrors(byField);
      if (Object.keys(byField).length === 0) setFailure(errorMessage(error, props.names));
    }
  }

  /** What the other person changed that the person also changed: to choose; the rest of theirs stays. */
  function conflictWith(current: TaskView, values: Draft, keys: string[]) {
    const before = valuesOf(base());
    const theirs = valuesOf(current);
    const clashing = keys.filter((key) => !same(theirs[key], before[key]) && !same(theirs[key], values[key]));
    setBase(current);
    if (clashing.length === 0) return void submit(current.version, values, keys);
    setConflicts(clashing.map((key) => ({ key, mine: values[key], theirs: theirs[key] })));
    setChoices(Object.fromEntries(clashing.map((key) => [key, 'mine' as const])));
  }

  const resolve = () => {
    const chosen = { ...draft() };
    for (const conflict of conflicts() ?? [])
      if (choices()[conflict.key] === 'theirs') chosen[conflict.key] = conflict.theirs;
    setDraft(chosen);
    void submit(base().version, chosen, [...touched()]);
  };

  const label = (key: string) => {
    if (key.startsWith('fields.'))
      return nameOf(props.type?.fields.find((f) => f.id === key.slice(7))?.name) || key.slice(7);
    return t(`panel.${key as (typeof BASIC)[number]}`);
  };
  const shown = (value: unknown) =>
    value === null || value === undefined || value === ''
      ? t('field.none')
      : typeof value === 'string'
        ? value
        : JSON.stringify(value);

  return (
    <form
      class="card-editor stack"
      onSubmit={(e) => {
        e.preventDefault();
        void submit(base().version, draft(), [...touched()]);
      }}
      novalidate
    >
      <div class="field" classList={{ invalid: Boolean(errors().title) }}>
        <label for="card-title">{t('panel.title')}</label>
        <ImeInput
          id="card-title"
          class="title-input"
          value={String(draft().title ?? '')}
          onCommit={(v) => set('title', v)}
          onBegin={() => touch('title')}
          aria-invalid={Boolean(errors().title)}
        />
        <Show when={errors().title}>
          <p class="field-error" role="alert">
            {errors().title}
          </p>
        </Show>
      </div>
      <div class="field">
        <label for="card-description">{t('panel.description')}</label>
        <ImeInput
          multiline
          id="card-description"
          rows={4}
          value={String(draft().description ?? '')}
          onCommit={(v) => set('description', v)}
          onBegin={() => touch('description')}
          data-testid="description"
        />
      </div>
      <div class="row">
        <label class="field">
          <span>{t('panel.priority')}</span>
          <select value={String(draft().priority)} onChange={(e) => set('priority', e.currentTarget.value)}>
            <For each={['low', 'normal', 'high', 'urgent'] as const}>
              {(p) => <option value={p}>{t(`priority.${p}`)}</option>}
            </For>
          </select>
        </label>
        <label class="field">
          <span>{t('panel.dueAt')}</span>
          <input
            type="date"
            value={draft().dueAt ? String(draft().dueAt).slice(0, 10) : ''}
            onChange={(e) =>
              set('dueAt', e.currentTarget.value ? new Date(`${e.currentTarget.value}T18:00:00`).toISOString() : null)
            }
          />
        </label>
      </div>
      <Show when={(props.type?.fields.length ?? 0) > 0}>
        <fieldset class="fields">
          <legend>{t('panel.fields')}</legend>
          <For each={props.type?.fields ?? []}>
            {(field) => (
              <FieldInput
                field={field}
                value={draft()[`fields.${field.id}`]}
                error={errors()[field.id]}
                onChange={(value) => set(`fields.${field.id}`, value)}
              />
            )}
          </For>
        </fieldset>
      </Show>
      <Show when={conflicts()}>
        {(list) => (
          <section
            class="conflict"
            role="alertdialog"
            aria-labelledby="conflict-title"
            data-testid="conflict"
            ref={(el) => queueMicrotask(() => el.scrollIntoView({ block: 'nearest' }))}
          >
            <h3 id="conflict-title">{t('conflict.title')}</h3>
            <p>{t('conflict.explain')}</p>
            <table>
              <thead>
                <tr>
                  <th>{t('conflict.field')}</th>
                  <th>{t('conflict.mine')}</th>
                  <th>{t('conflict.theirs')}</th>
                </tr>
              </thead>
              <tbody>
                <For each={list()}>
                  {(conflict) => (
                    <tr>
                      <th scope="row">{label(conflict.key)}</th>
                      <td>
                        <label class="choice">
                          <input
                            type="radio"
                            name={`c-${conflict.key}`}
                            checked={choices()[conflict.key] === 'mine'}
                            onChange={() => setChoices({ ...choices(), [conflict.key]: 'mine' })}
                          />
                          <span class="value" data-testid="mine">
                            {shown(conflict.mine)}
                          </span>
                        </label>
                      </td>
                      <td>
                        <label class="choice">
                          <input
                            type="radio"
                            name={`c-${conflict.key}`}
                            checked={choices()[conflict.key] === 'theirs'}
                            onChange={() => setChoices({ ...choices(), [conflict.key]: 'theirs' })}
                          />
                          <span class="value" data-testid="theirs">
                            {shown(conflict.theirs)}
                          </span>
                        </label>
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
            <button type="button" class="button-primary" onClick={resolve}>
              {t('conflict.apply')}
            </button>
          </section>
        )}
      </Show>
      <Show when={failure()}>
        <p class="form-error" role="alert">
          {failure()}
        </p>
      </Show>
      <div class="actions">
        <Show when={status() === 'saved'}>
          <span class="muted" role="status">
            {t('panel.saved')}
          </span>
        </Show>
        <button
          type="submit"
          class="button-primary"
          disabled={touched().size === 0 || status() === 'saving' || conflicts() !== null}
        >
          {t('panel.save')}
        </button>
      </div>
    </form>
  );
}
