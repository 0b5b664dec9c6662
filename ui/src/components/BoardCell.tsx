// One column of one lane: its cards in a virtualised list (only the cards in view are in the page, so a
// column of thousands scrolls as lightly as one of ten), each draggable and movable from the keyboard.
import { createVirtualizer } from '@tanstack/solid-virtual';
import { For, Show } from 'solid-js';
import type { BoardCard } from '../../../core/http/contract.ts';
import type { Cell } from '../data/board-store.ts';
import type { Catalogue } from '../data/session.ts';
import { laneAttr, type DropTarget } from '../dnd/drop-target.ts';
import { t } from '../i18n/i18n.ts';
import { CardFace } from './CardFace.tsx';

const ESTIMATED_CARD_PX = 96;

export interface CellProps {
  cell: Cell;
  columnName: string;
  catalogue: Catalogue | undefined;
  target: DropTarget | null;
  dragging: number | null;
  carried: number | null;
  viewersOf(cardId: number): string[];
  onPointerDown(event: PointerEvent, card: BoardCard, element: HTMLElement): void;
  onKeyDown(event: KeyboardEvent, card: BoardCard, index: number): void;
  onOpen(card: BoardCard): void;
  tall: boolean;
}

export function BoardCell(props: CellProps) {
  let list!: HTMLDivElement;
  const virtualizer = createVirtualizer({
    get count() {
      return props.cell.cards.length;
    },
    getScrollElement: () => list,
    estimateSize: () => ESTIMATED_CARD_PX,
    overscan: 8,
    getItemKey: (index) => props.cell.cards[index]?.id ?? index,
  });
  const here = () =>
    props.target !== null && props.target.column === props.cell.column && props.target.lane === props.cell.lane;
  /** The index among the cell's other cards that a card at `index` has (the carried card left out). */
  const othersIndex = (index: number) => {
    const carriedAt = props.cell.cards.findIndex((card) => card.id === (props.dragging ?? props.carried));
    return carriedAt !== -1 && carriedAt < index ? index - 1 : index;
  };
  const dropBefore = (index: number) =>
    here() &&
    props.cell.cards[index]?.id !== (props.dragging ?? props.carried) &&
    props.target!.index === othersIndex(index);
  const dropAtEnd = () => {
    if (!here()) return false;
    const others = props.cell.cards.filter((card) => card.id !== (props.dragging ?? props.carried)).length;
    return props.target!.index >= others;
  };

  return (
    <div
      class="cell"
      classList={{ 'drop-here': here(), tall: props.tall }}
      data-cell
      data-column={props.cell.column}
      data-lane={laneAttr(props.cell.lane)}
    >
      {/* biome-ignore lint/a11y/useSemanticElements: a virtualized list (absolutely placed rows in a sized spacer); the roles give it list semantics, axe-clean in tests/browser */}
      <div class="cell-list" ref={list} data-scroll-list role="list" aria-label={props.columnName}>
        <div class="cell-inner" style={{ height: `${virtualizer.getTotalSize()}px` }}>
          <For each={virtualizer.getVirtualItems()}>
            {(item) => {
              const card = () => props.cell.cards[item.index];
              return (
                <Show when={card()}>
                  {(shown) => (
                    // biome-ignore lint/a11y/useSemanticElements: a row of the virtualized list above (role="list" on a div)
                    <div
                      class="card-slot"
                      classList={{
                        'drop-before': dropBefore(item.index),
                        'is-dragging': props.dragging === shown().id,
                      }}
                      style={{ transform: `translateY(${item.start}px)` }}
                      data-index={item.index}
                      data-card-id={shown().id}
                      ref={(element) =>
                        queueMicrotask(() => element.isConnected && virtualizer.measureElement(element))
                      }
                      role="listitem"
                    >
                      {/* biome-ignore lint/a11y/useSemanticElements: a <button> may hold only phrasing content, the card face is a block layout; keyboard use is tested in tests/browser */}
                      {/* biome-ignore lint/a11y/useFocusableInteractive: Solid's lowercase tabindex="0" makes it focusable; Biome reads only tabIndex */}
                      <div
                        class="card-button"
                        role="button"
                        tabindex="0"
                        aria-roledescription="draggable card"
                        aria-describedby="dnd-instructions"
                        aria-label={t('card.open', { title: shown().title })}
                        data-testid="card"
                        data-title={shown().title}
                        onPointerDown={(event) => props.onPointerDown(event, shown(), event.currentTarget)}
                        onKeyDown={(event) => props.onKeyDown(event, shown(), item.index)}
                        onClick={() => props.onOpen(shown())}
                      >
                        <CardFace
                          card={shown()}
                          catalogue={props.catalogue}
                          viewers={props.viewersOf(shown().id)}
                          carried={props.carried === shown().id}
                        />
                      </div>
                    </div>
                  )}
                </Show>
              );
            }}
          </For>
        </div>
        <Show when={dropAtEnd()}>
          <div class="drop-end" aria-hidden="true" />
        </Show>
      </div>
    </div>
  );
}
