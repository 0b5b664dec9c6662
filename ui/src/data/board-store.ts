// One board as the screen shows it: its cards grouped into lanes × columns in board order, kept live
// from the board socket (other people's moves and edits, who has which card open), with optimistic
// moves that are confirmed by the server or rolled back with its reason.
import { generateKeyBetween } from 'fractional-indexing';
import { batch, createMemo, createSignal } from 'solid-js';
import type { BoardCard, BoardView, CardFilters, Lane, TaskView, Viewer } from '../../../core/http/contract.ts';
import { api, ApiError, unwrap } from './api.ts';
import { openLive } from './live.ts';

export type Filters = Partial<Record<keyof CardFilters, string>>;

export interface Cell {
  lane: string | null;
  column: string;
  cards: BoardCard[];
}

export type MoveOutcome =
  | { kind: 'moved'; warnings: string[] }
  | { kind: 'requested' }
  | { kind: 'refused'; error: unknown };

const NO_LANE = '\u0000';

/** A card's lane key, as the server computes it (core/board/swimlanes.ts). */
export function laneKey(swimlanes: string, card: BoardCard): string | null {
  if (swimlanes === 'role') return card.roleId;
  if (swimlanes === 'assignee') return card.assigneeId;
  if (swimlanes === 'priority') return card.priority;
  const field = /^field:(.+)$/.exec(swimlanes)?.[1];
  if (field === undefined) return null;
  const value = card.fields[field];
  return value === undefined || value === null ? null : String(value);
}

const byPosition = (a: BoardCard, b: BoardCard) =>
  a.position < b.position ? -1 : a.position > b.position ? 1 : a.id - b.id;

/** A card as its face shows it, from a whole card (live events and write answers carry whole cards). */
export function faceOf(task: TaskView, before?: BoardCard): BoardCard {
  const { description: _d, checklist, createdBy: _c, createdAt: _ca, updatedAt: _u, archivedAt: _a, ...face } = task;
  return {
    ...face,
    escalationLevel: before?.escalationLevel ?? 0,
    checklistDone: checklist.filter((item) => item.done).length,
    checklistTotal: checklist.length,
  };
}

/** Whether a card passes the board's filters (the server's rules, applied to live changes). */
export function matches(card: BoardCard, filters: Filters, me: string | undefined, now = Date.now()): boolean {
  if (filters.type && card.type !== filters.type) return false;
  if (filters.role && card.roleId !== filters.role) return false;
  if (filters.assignee && card.assigneeId !== (filters.assignee === 'me' ? me : filters.assignee)) return false;
  if (filters.label && !card.labels.includes(filters.label)) return false;
  if (filters.dueBefore && !(card.dueAt && Date.parse(card.dueAt) < Date.parse(filters.dueBefore))) return false;
  if (filters.overdue === 'true' && !(card.dueAt && Date.parse(card.dueAt) < now && card.category !== 'done'))
    return false;
  if (filters.q && !card.title.toLowerCase().includes(filters.q.toLowerCase())) return false;
  return true;
}

export function createBoardStore(boardId: string, filters: () => Filters, me: () => string | undefined) {
  const [board, setBoard] = createSignal<BoardView>();
  const [lanes, setLanes] = createSignal<Lane[]>([]);
  const [cards, setCards] = createSignal<Map<number, BoardCard>>(new Map());
  const [viewers, setViewers] = createSignal<Viewer[]>([]);
  const [error, setError] = createSignal<unknown>();
  const [loading, setLoading] = createSignal(true);

  async function load(): Promise<void> {
    setLoading(true);
    try {
      const query = Object.fromEntries(Object.entries(filters()).filter(([, v]) => v)) as Record<string, string>;
      if (query.assignee === 'me') query.assignee = me() ?? '';
      const loaded = await unwrap(api.boards[':id'].$get({ param: { id: boardId }, query }));
      batch(() => {
        setBoard(loaded.board);
        setLanes(loaded.lanes);
        setCards(new Map(loaded.cards.map((card) => [card.id, card])));
        setError(undefined);
      });
    } catch (caught) {
      setError(caught);
    } finally {
      setLoading(false);
    }
  }

  const columnOf = (status: string) => board()?.columns.find((column) => column.states.includes(status));

  /** Puts a card as it is now into the board (or takes it out when it left the board or its filters). */
  function upsert(task: BoardCard | null, id: number): void {
    setCards((current) => {
      const next = new Map(current);
      const before = current.get(id);
      if (before && task && task.version < before.version) return current;
      const shown =
        task && board()?.taskTypes.includes(task.type) && columnOf(task.status) && matches(task, filters(), me());
      if (shown) next.set(id, task);
      else next.delete(id);
      return next;
    });
  }

  const live = openLive(
    `/api/boards/${boardId}/live`,
    (message) => {
      if (message.type === 'event' && message.event.taskId !== null) {
        const task = message.task;
        upsert(task && !task.archivedAt ? faceOf(task, cards().get(task.id)) : null, message.event.taskId);
      } else if (message.type === 'presence') setViewers(message.viewers);
      else if (message.type === 'refresh') void load();
    },
    { replay: true },
  );

  /** Cells in board order: each lane (one when the board has none) × each column, cards sorted. */
  const cells = createMemo(() => {
    const shown = board();
    if (!shown) return [] as Cell[][];
    const laneKeys = shown.swimlanes === 'none' ? [null] : [...lanes().map((lane) => lane.key)];
    const index = new Map<string, BoardCard[]>();
    for (const card of cards().values()) {
      const column = columnOf(card.status);
      if (!column) continue;
      const lane = shown.swimlanes === 'none' ? null : laneKey(shown.swimlanes, card);
      if (!laneKeys.includes(lane)) laneKeys.push(lane);
      const key = `${lane ?? NO_LANE}|${column.id}`;
      (index.get(key) ?? index.set(key, []).get(key)!).push(card);
    }
    return laneKeys.map((lane) =>
      shown.columns.map((column) => ({
        lane,
        column: column.id,
        cards: (index.get(`${lane ?? NO_LANE}|${column.id}`) ?? []).sort(byPosition),
      })),
    );
  });

  /** Cards per column over all lanes (for counts and WIP state). */
  const columnCounts = createMemo(() => {
    const counts = new Map<string, number>();
    for (const row of cells())
      for (const cell of row) counts.set(cell.column, (counts.get(cell.column) ?? 0) + cell.cards.length);
    return counts;
  });

  /**
   * Moves a card to `index` of a cell at once, and asks the server; a refusal puts it back. A move
   * into another lane than the card's own is only a move between columns (lanes follow the card's values).
   */
  async function move(
    cardId: number,
    target: { column: string; lane: string | null; index: number },
  ): Promise<MoveOutcome> {
    const card = cards().get(cardId);
    const shown = board();
    const column = shown?.columns.find((c) => c.id === target.column);
    if (!card || !shown || !column) return { kind: 'refused', error: new ApiError(404, 'NOT_FOUND', 'gone') };
    const cell = cells()
      .flat()
      .find((c) => c.column === target.column && c.lane === target.lane);
    const others = (cell?.cards ?? []).filter((c) => c.id !== cardId);
    const after = others[target.index - 1] ?? null;
    const before = others[target.index] ?? null;
    const to = column.states.includes(card.status) ? undefined : column.states[0]!;
    let position = card.position;
    try {
      position = generateKeyBetween(after?.position ?? null, before?.position ?? null);
    } catch {
      // Keys with random tails can sit too close for a plain key between them; the server's answer settles it.
    }
    const original = card;
    setCards((current) => new Map(current).set(cardId, { ...card, ...(to ? { status: to } : {}), position }));
    try {
      const response = await api.tasks[':id'].transition.$patch({
        param: { id: String(cardId) },
        json: {
          expectedVersion: card.version,
          ...(to ? { to } : {}),
          afterId: after?.id ?? null,
          beforeId: before?.id ?? null,
        },
      });
      const result = await unwrap(Promise.resolve(response));
      if (response.status === 202) {
        upsert(faceOf(result.task, original), cardId);
        setCards((current) => new Map(current).set(cardId, { ...faceOf(result.task, original) }));
        return { kind: 'requested' };
      }
      upsert(faceOf(result.task, original), cardId);
      return { kind: 'moved', warnings: result.warnings };
    } catch (caught) {
      // Snap back: to the card as the server has it now when it says so, else as it was.
      const current = caught instanceof ApiError ? (caught.details.current as TaskView | undefined) : undefined;
      setCards((now) => new Map(now).set(cardId, current ? faceOf(current, original) : original));
      return { kind: 'refused', error: caught };
    }
  }

  return {
    board,
    lanes,
    cards,
    cells,
    columnCounts,
    viewers,
    error,
    loading,
    load,
    move,
    online: live.online,
    viewing: (taskId: number | null) => live.send({ type: 'viewing', taskId }),
    upsert,
  };
}

export type BoardStore = ReturnType<typeof createBoardStore>;
