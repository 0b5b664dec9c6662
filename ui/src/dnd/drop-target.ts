// Where a card would land: a cell (column × lane) and its index among the cell's other cards. Read
// from the DOM under a point: cells carry data-column / data-lane, cards data-card-id / data-index.
export interface DropTarget {
  column: string;
  lane: string | null;
  index: number;
}

/** Lanes as attribute values ("" stands for the lane of cards without one). */
export const laneAttr = (lane: string | null) => (lane === null ? '' : `=${lane}`);
export const laneFromAttr = (value: string | undefined) => (value ? value.slice(1) : null);

export function targetAt(x: number, y: number, carried: number): DropTarget | null {
  const cell = document.elementFromPoint(x, y)?.closest<HTMLElement>('[data-cell]');
  if (!cell) return null;
  const column = cell.dataset.column!;
  const lane = laneFromAttr(cell.dataset.lane);
  let index = -1;
  let last = -1;
  let carriedIndex = Infinity;
  for (const card of cell.querySelectorAll<HTMLElement>('[data-card-id]')) {
    const at = Number(card.dataset.index);
    if (Number(card.dataset.cardId) === carried) {
      carriedIndex = at;
      continue;
    }
    last = Math.max(last, at);
    const box = card.getBoundingClientRect();
    if (index === -1 && y < box.top + box.height / 2) index = at;
  }
  if (index === -1) index = last + 1;
  // Indexes count the cell's cards without the carried one.
  return { column, lane, index: index > carriedIndex ? index - 1 : index };
}
