// One custom field of a task type as a form control, drawn from the type's field metadata, with the
// server's validation message for it shown inline (and tied to it for screen readers).
import { For, Match, Show, Switch } from 'solid-js';
import type { FieldMeta } from '../../../core/http/contract.ts';
import { session } from '../data/session.ts';
import { formatMoney } from '../i18n/format.ts';
import { nameOf, t } from '../i18n/i18n.ts';
import { ImeInput } from './ImeInput.tsx';

export interface FieldInputProps {
  field: FieldMeta;
  value: unknown;
  error?: string | undefined;
  onChange(value: unknown): void;
}

const numberOrNull = (text: string) => (text.trim() === '' ? null : Number(text));

export function FieldInput(props: FieldInputProps) {
  const id = () => `field-${props.field.id}`;
  const describedBy = () => (props.error ? `${id()}-error` : undefined);
  const text = () => (props.value === null || props.value === undefined ? '' : String(props.value));
  return (
    <div class="field" classList={{ invalid: Boolean(props.error) }}>
      <label for={id()}>
        {nameOf(props.field.name)}
        <Show when={props.field.required}>
          <span class="required" aria-hidden="true">
            {' '}
            *
          </span>
        </Show>
        <Show when={props.field.type === 'money' && typeof props.value === 'number'}>
          <span class="muted"> {formatMoney(props.value as number, props.field.currency ?? 'CNY')}</span>
        </Show>
      </label>
      <Switch
        fallback={
          <ImeInput
            id={id()}
            value={text()}
            onCommit={(v) => props.onChange(v === '' ? null : v)}
            aria-invalid={Boolean(props.error)}
            aria-describedby={describedBy()}
            aria-required={props.field.required}
          />
        }
      >
        <Match when={props.field.type === 'long_text'}>
          <ImeInput
            multiline
            id={id()}
            value={text()}
            rows={3}
            onCommit={(v) => props.onChange(v === '' ? null : v)}
            aria-invalid={Boolean(props.error)}
            aria-describedby={describedBy()}
          />
        </Match>
        <Match when={['number', 'money', 'percent'].includes(props.field.type)}>
          <input
            id={id()}
            type="number"
            step={props.field.type === 'money' ? '0.01' : 'any'}
            value={text()}
            min={props.field.min ?? undefined}
            max={props.field.max ?? undefined}
            onChange={(e) => props.onChange(numberOrNull(e.currentTarget.value))}
            aria-invalid={Boolean(props.error)}
            aria-describedby={describedBy()}
          />
        </Match>
        <Match when={props.field.type === 'date'}>
          <input
            id={id()}
            type="date"
            value={text()}
            onChange={(e) => props.onChange(e.currentTarget.value || null)}
            aria-invalid={Boolean(props.error)}
            aria-describedby={describedBy()}
          />
        </Match>
        <Match when={props.field.type === 'datetime'}>
          <input
            id={id()}
            type="datetime-local"
            value={text() ? text().slice(0, 16) : ''}
            onChange={(e) =>
              props.onChange(e.currentTarget.value ? new Date(e.currentTarget.value).toISOString() : null)
            }
            aria-invalid={Boolean(props.error)}
            aria-describedby={describedBy()}
          />
        </Match>
        <Match when={props.field.type === 'enum'}>
          <select
            id={id()}
            value={text()}
            onChange={(e) => props.onChange(e.currentTarget.value || null)}
            aria-invalid={Boolean(props.error)}
            aria-describedby={describedBy()}
          >
            <option value="">{t('field.none')}</option>
            <For each={props.field.options ?? []}>{(option) => <option value={option}>{option}</option>}</For>
          </select>
        </Match>
        <Match when={props.field.type === 'multi_enum'}>
          <select
            id={id()}
            multiple
            value={(props.value as string[] | null) ?? []}
            onChange={(e) => props.onChange([...e.currentTarget.selectedOptions].map((o) => o.value))}
            aria-describedby={describedBy()}
          >
            <For each={props.field.options ?? []}>
              {(option) => (
                <option value={option} selected={((props.value as string[] | null) ?? []).includes(option)}>
                  {option}
                </option>
              )}
            </For>
          </select>
        </Match>
        <Match when={props.field.type === 'boolean'}>
          <select
            id={id()}
            value={props.value === true ? 'yes' : props.value === false ? 'no' : ''}
            onChange={(e) => props.onChange(e.currentTarget.value === '' ? null : e.currentTarget.value === 'yes')}
          >
            <option value="">{t('field.none')}</option>
            <option value="yes">{t('field.yes')}</option>
            <option value="no">{t('field.no')}</option>
          </select>
        </Match>
        <Match when={props.field.type === 'person'}>
          <select
            id={id()}
            value={text()}
            onChange={(e) => props.onChange(e.currentTarget.value || null)}
            aria-describedby={describedBy()}
          >
            <option value="">{t('field.none')}</option>
            <For each={session.catalogue()?.directory.people ?? []}>
              {(person) => <option value={person.id}>{person.displayName}</option>}
            </For>
          </select>
        </Match>
        <Match when={props.field.type === 'role'}>
          <select
            id={id()}
            value={text()}
            onChange={(e) => props.onChange(e.currentTarget.value || null)}
            aria-describedby={describedBy()}
          >
            <option value="">{t('field.none')}</option>
            <For each={session.catalogue()?.directory.roles ?? []}>
              {(role) => <option value={role.id}>{nameOf(role.name)}</option>}
            </For>
          </select>
        </Match>
        <Match when={props.field.type === 'checklist'}>
          <p class="muted" id={id()}>
            {Array.isArray(props.value)
              ? `${(props.value as { done: boolean }[]).filter((i) => i.done).length}/${(props.value as unknown[]).length}`
              : t('field.none')}
          </p>
        </Match>
      </Switch>
      <Show when={props.field.description}>
        <p class="hint">{props.field.description}</p>
      </Show>
      <Show when={props.error}>
        <p class="field-error" id={`${id()}-error`} role="alert">
          {props.error}
        </p>
      </Show>
    </div>
  );
}
