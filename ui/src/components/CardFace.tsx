// A card on the board: type (or that its type is not loaded), title, assignee, due date (overdue in red),
// priority, labels, escalation level, checklist progress and what plugins show on it. It is a focusable
// button: Enter opens it, Space picks it up to move.
import { Show, For } from 'solid-js';
import type { BoardCard } from '../../../core/http/contract.ts';
import type { Catalogue } from '../data/session.ts';
import { formatDate } from '../i18n/format.ts';
import { nameOf, t } from '../i18n/i18n.ts';
import { PluginSlot } from '../plugins/PluginSlot.tsx';
import { Avatar } from './Avatar.tsx';
import { Icon } from './Icon.tsx';

export function isOverdue(card: Pick<BoardCard, 'dueAt' | 'category'>, now = Date.now()): boolean {
  return card.dueAt !== null && Date.parse(card.dueAt) < now && card.category !== 'done';
}

export function CardFace(props: {
  card: BoardCard;
  catalogue: Catalogue | undefined;
  viewers: string[];
  carried?: boolean;
}) {
  const person = () => props.catalogue?.person(props.card.assigneeId);
  const role = () => props.catalogue?.role(props.card.roleId);
  const type = () => props.catalogue?.types.get(props.card.type);
  return (
    <div
      class="card-face"
      classList={{ carried: props.carried, [`priority-${props.card.priority}`]: true }}
      data-priority={props.card.priority}
    >
      <div class="card-top">
        <Show
          when={props.catalogue && !type()}
          fallback={<span class="card-type">{nameOf(type()?.name) || props.card.type}</span>}
        >
          <span class="card-type unknown-type" title={t('card.unknownTypeTitle', { type: props.card.type })}>
            {t('card.unknownType')} · {props.card.type}
          </span>
        </Show>
        <Show when={props.card.priority !== 'normal'}>
          <span class={`chip chip-priority-${props.card.priority}`}>{t(`priority.${props.card.priority}`)}</span>
        </Show>
        <Show when={props.card.escalationLevel > 0}>
          <span class="chip chip-escalation" title={t('card.escalation', { level: props.card.escalationLevel })}>
            <Icon name="up" size={11} />
            {props.card.escalationLevel}
            <span class="visually-hidden">{t('card.escalation', { level: props.card.escalationLevel })}</span>
          </span>
        </Show>
      </div>
      <p class="card-title">{props.card.title}</p>
      <Show when={props.card.labels.length > 0}>
        <ul class="labels" aria-label={t('panel.labels')}>
          <For each={props.card.labels}>{(label) => <li class="label">{label}</li>}</For>
        </ul>
      </Show>
      <div class="card-bottom">
        <Show when={props.card.dueAt}>
          <span class="due" classList={{ overdue: isOverdue(props.card) }}>
            {isOverdue(props.card) ? `${t('card.overdue')} · ` : ''}
            {t('card.due', { date: formatDate(props.card.dueAt!) })}
          </span>
        </Show>
        <Show when={props.card.checklistTotal > 0}>
          <span
            class="checklist-progress"
            classList={{ complete: props.card.checklistDone === props.card.checklistTotal }}
          >
            <Icon name="check" size={12} /> {props.card.checklistDone}/{props.card.checklistTotal}
            <span class="visually-hidden">
              {t('card.checklist', { done: props.card.checklistDone, total: props.card.checklistTotal })}
            </span>
          </span>
        </Show>
        <PluginSlot slot="cardFace" types={[props.card.type]} props={{ card: props.card }} class="card-plugin" />
        <span class="spacer" />
        <Show when={props.viewers.length > 0}>
          <span class="viewing" title={t('board.viewing', { names: props.viewers.join(', ') })}>
            <Icon name="eye" size={14} />{' '}
            <span class="visually-hidden">{t('board.viewing', { names: props.viewers.join(', ') })}</span>
          </span>
        </Show>
        <Show
          when={person()}
          fallback={
            <Show when={role()}>
              {(r) => (
                <span class="role-chip" title={t('card.role', { role: nameOf(r().name) })}>
                  {nameOf(r().name)}
                </span>
              )}
            </Show>
          }
        >
          {(p) => <Avatar id={p().id} name={p().displayName} size="small" />}
        </Show>
      </div>
    </div>
  );
}
