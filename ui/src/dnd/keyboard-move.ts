// Moving a card from the keyboard: Space picks it up, arrows move it (left/right: column, up/down:
// place), Space or Enter drops it, Escape cancels. Each step is announced to screen readers.
import { createSignal } from 'solid-js';
import type { Cell } from '../data/board-store.ts';
import { t } from '../i18n/i18n.ts';
import type { DropTarget } from './drop-target.ts';

export interface KeyboardMoveOptions {
  cells(): Cell[][];
  columnName(id: string): string;
  titleOf(cardId: number): string;
  setTarget(target: DropTarget | null): void;
  drop(cardId: number, target: DropTarget): void;
  announce(text: string): void;
}

export function createKeyboardMove(options: KeyboardMoveOptions) {
  const [carried, setCarried] = createSignal<{ cardId: number; target: DropTarget } | null>(null);

  const cellOf = (target: DropTarget) =>
    options
      .cells()
      .flat()
      .find((cell) => cell.column === target.column && cell.lane === target.lane);
  const othersIn = (target: DropTarget, cardId: number) =>
    (cellOf(target)?.cards ?? []).filter((card) => card.id !== cardId).length;
  const say = (key: 'dnd.pickedUp' | 'dnd.over', cardId: number, target: DropTarget) =>
    options.announce(
      t(key, {
        title: options.titleOf(cardId),
        column: options.columnName(target.column),
        position: target.index + 1,
        count: othersIn(target, cardId) + 1,
      }),
    );

  const update = (cardId: number, target: DropTarget) => {
    setCarried({ cardId, target });
    options.setTarget(target);
    say('dnd.over', cardId, target);
  };
  const end = () => {
    setCarried(null);
    options.setTarget(null);
  };

  function onKeyDown(
    event: KeyboardEvent,
    cardId: number,
    at: { column: string; lane: string | null; index: number },
  ): boolean {
    if (event.isComposing) return false;
    const current = carried();
    if (!current || current.cardId !== cardId) {
      if (event.key !== ' ') return false;
      const target = { column: at.column, lane: at.lane, index: at.index };
      setCarried({ cardId, target });
      options.setTarget(target);
      say('dnd.pickedUp', cardId, target);
      return true;
    }
    const { target } = current;
    const row = options.cells().find((cells) => cells.some((cell) => cell.lane === target.lane)) ?? [];
    const columnIndex = row.findIndex((cell) => cell.column === target.column);
    switch (event.key) {
      case 'ArrowLeft':
      case 'ArrowRight': {
        const next = row[columnIndex + (event.key === 'ArrowLeft' ? -1 : 1)];
        if (next)
          update(cardId, {
            column: next.column,
            lane: target.lane,
            index: Math.min(target.index, othersIn({ ...target, column: next.column }, cardId)),
          });
        return true;
      }
      case 'ArrowUp':
      case 'ArrowDown': {
        const index = Math.max(
          0,
          Math.min(othersIn(target, cardId), target.index + (event.key === 'ArrowUp' ? -1 : 1)),
        );
        update(cardId, { ...target, index });
        return true;
      }
      case ' ':
      case 'Enter':
        end();
        options.announce(
          t('dnd.dropped', { title: options.titleOf(cardId), column: options.columnName(target.column) }),
        );
        options.drop(cardId, target);
        return true;
      case 'Escape':
      case 'Tab':
        end();
        options.announce(t('dnd.cancelled', { title: options.titleOf(cardId) }));
        return event.key === 'Escape';
    }
    return false;
  }

  return { carried, onKeyDown };
}
