// Dragging a card with a mouse, pen or finger (pointer events): a copy follows the pointer, the place it
// would land is shown, the column under the pointer scrolls near its edges, and a drop asks the board to
// move. A finger holds still for a moment first, so a swipe still scrolls the column.
import type { DropTarget } from './drop-target.ts';
import { targetAt } from './drop-target.ts';

const DRAG_THRESHOLD_PX = 5;
const TOUCH_HOLD_MS = 300;
const EDGE_PX = 48;
const EDGE_SPEED = 14;

let lastDragEnd = Number.NEGATIVE_INFINITY;
/** The click that follows a drop must not open the card. */
export const justDropped = () => performance.now() - lastDragEnd < 300;

export interface PointerDragOptions {
  /** The place the card would land now (null: nowhere). */
  setTarget(target: DropTarget | null): void;
  setDragging(cardId: number | null): void;
  drop(cardId: number, target: DropTarget): void;
}

export function startPointerDrag(
  event: PointerEvent,
  cardId: number,
  element: HTMLElement,
  options: PointerDragOptions,
): void {
  if (event.button !== 0 || (event.target as HTMLElement).closest('button, a, input, textarea, select')) return;
  const start = { x: event.clientX, y: event.clientY };
  const pointer = { x: event.clientX, y: event.clientY };
  const touch = event.pointerType === 'touch';
  let ghost: HTMLElement | undefined;
  let frame = 0;
  let holdTimer: ReturnType<typeof setTimeout> | undefined;
  let target: DropTarget | null = null;
  const rect = element.getBoundingClientRect();
  const offset = { x: start.x - rect.left, y: start.y - rect.top };

  const begin = () => {
    ghost = element.cloneNode(true) as HTMLElement;
    ghost.classList.add('drag-ghost');
    ghost.style.width = `${rect.width}px`;
    ghost.setAttribute('aria-hidden', 'true');
    document.body.append(ghost);
    document.body.classList.add('dragging');
    options.setDragging(cardId);
    frame = requestAnimationFrame(tick);
  };

  // One layout read and one style write per frame, however many pointer events arrive.
  const tick = () => {
    if (!ghost) return;
    ghost.style.transform = `translate3d(${pointer.x - offset.x}px, ${pointer.y - offset.y}px, 0) rotate(2deg)`;
    const next = targetAt(pointer.x, pointer.y, cardId);
    if (next?.column !== target?.column || next?.lane !== target?.lane || next?.index !== target?.index) {
      target = next;
      options.setTarget(target);
    }
    scrollNearEdges();
    frame = requestAnimationFrame(tick);
  };

  const scrollNearEdges = () => {
    const under = document.elementFromPoint(pointer.x, pointer.y);
    const list = under?.closest<HTMLElement>('[data-scroll-list]');
    if (list) {
      const box = list.getBoundingClientRect();
      if (pointer.y < box.top + EDGE_PX) list.scrollTop -= EDGE_SPEED;
      else if (pointer.y > box.bottom - EDGE_PX) list.scrollTop += EDGE_SPEED;
    }
    const board = document.querySelector<HTMLElement>('[data-board-scroll]');
    if (board) {
      const box = board.getBoundingClientRect();
      if (pointer.x < box.left + EDGE_PX) board.scrollLeft -= EDGE_SPEED;
      else if (pointer.x > box.right - EDGE_PX) board.scrollLeft += EDGE_SPEED;
    }
  };

  const onMove = (move: PointerEvent) => {
    if (move.pointerId !== event.pointerId) return;
    pointer.x = move.clientX;
    pointer.y = move.clientY;
    const far = Math.hypot(pointer.x - start.x, pointer.y - start.y) > DRAG_THRESHOLD_PX;
    if (!ghost && far) {
      // A finger that moves before the hold ends is scrolling, not dragging.
      if (touch) return finish(false);
      begin();
    }
  };
  const preventScroll = (touchMove: TouchEvent) => {
    if (ghost) touchMove.preventDefault();
  };
  const finish = (dropped: boolean) => {
    clearTimeout(holdTimer);
    cancelAnimationFrame(frame);
    window.removeEventListener('pointermove', onMove);
    window.removeEventListener('pointerup', onUp);
    window.removeEventListener('pointercancel', onCancel);
    window.removeEventListener('keydown', onKey, true);
    document.removeEventListener('touchmove', preventScroll);
    if (!ghost) return;
    ghost.remove();
    document.body.classList.remove('dragging');
    lastDragEnd = performance.now();
    options.setDragging(null);
    options.setTarget(null);
    if (dropped && target) options.drop(cardId, target);
  };
  const onUp = (up: PointerEvent) => {
    if (up.pointerId === event.pointerId) finish(true);
  };
  const onCancel = (cancel: PointerEvent) => {
    if (cancel.pointerId === event.pointerId) finish(false);
  };
  const onKey = (key: KeyboardEvent) => {
    if (key.key === 'Escape' && ghost) {
      key.preventDefault();
      key.stopPropagation();
      finish(false);
    }
  };

  window.addEventListener('pointermove', onMove);
  window.addEventListener('pointerup', onUp);
  window.addEventListener('pointercancel', onCancel);
  window.addEventListener('keydown', onKey, true);
  document.addEventListener('touchmove', preventScroll, { passive: false });
  if (touch) holdTimer = setTimeout(begin, TOUCH_HOLD_MS);
}
