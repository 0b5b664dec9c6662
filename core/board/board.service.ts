// Boards: definitions checked against the organisation's task types, a board per task type made
// from the type's workflow when none exists, and loading a board's cards with filters.
import type { Actor } from '../auth/actor.ts';
import { AppError } from '../errors.ts';
import type { TaskTypeDefinition } from '../org/format.schema.ts';
import type { OrgModel } from '../org/org-model.ts';
import type { OrgService } from '../org/org.service.ts';
import type { UsersRepository } from '../auth/users.repository.ts';
import { PERSON_CAPS, type PersonCaps } from '../tasks/person-caps.ts';
import type { BoardRepository, BoardRow } from './board.repository.ts';
import { laneField, laneKeySql, orderLanes, type Lane } from './swimlanes.ts';
import type { BoardDefinition, CardFilters } from './board.schema.ts';

/** A board showing one task type, one column per state: the template every type gets. */
export function boardTemplate(type: TaskTypeDefinition): BoardDefinition {
  return {
    id: type.id.replace(/[._]/g, '-'),
    name: type.name,
    taskTypes: [type.id],
    columns: type.workflow.states.map((state) => ({
      id: state.id.replace(/_/g, '-'),
      name: state.name,
      states: [state.id],
      wipMode: 'block' as const,
    })),
    swimlanes: 'none',
  };
}

export function boardView(row: BoardRow) {
  return {
    id: row.id,
    name: row.name,
    taskTypes: row.task_types,
    columns: row.columns.map((c) => ({
      id: c.id,
      name: c.name,
      states: c.states,
      wipLimit: c.wip_limit ?? null,
      wipMode: c.wip_mode ?? 'block',
    })),
    swimlanes: row.swimlanes,
    personalWip: row.personal_wip,
    version: row.version,
  };
}

function checkDefinition(model: OrgModel, definition: BoardDefinition): void {
  const issues: { path: string; message: string }[] = [];
  const types = definition.taskTypes.map((id, i) => {
    const type = model.taskType(id);
    if (!type) issues.push({ path: `taskTypes.${i}`, message: `unknown task type "${id}"` });
    return type;
  });
  const states = new Set(types.flatMap((type) => type?.workflow.states.map((s) => s.id) ?? []));
  const seen = new Map<string, string>();
  definition.columns.forEach((column, i) => {
    column.states.forEach((state, j) => {
      if (!states.has(state))
        issues.push({ path: `columns.${i}.states.${j}`, message: `no shown task type has a state "${state}"` });
      const other = seen.get(state);
      if (other)
        issues.push({ path: `columns.${i}.states.${j}`, message: `state "${state}" is already in column "${other}"` });
      seen.set(state, column.id);
    });
  });
  const field = laneField(definition.swimlanes);
  if (field && !types.some((type) => type?.fields.some((f) => f.id === field))) {
    issues.push({ path: 'swimlanes', message: `no shown task type has a field "${field}"` });
  }
  if (issues.length)
    throw new AppError('VALIDATION_FAILED', issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '), {
      issues,
    });
}

/** A filter by type names one of the board's own types: a board shows only its cards. */
function checkFilters(board: BoardRow, filters: CardFilters): void {
  if (filters.type !== undefined && !board.task_types.includes(filters.type)) {
    const message = `Board "${board.id}" shows ${board.task_types.join(', ')}; it has no cards of type "${filters.type}".`;
    throw new AppError('VALIDATION_FAILED', message, {
      issues: [{ path: 'type', message: 'not a task type of this board' }],
    });
  }
}

function viewOf(row: { id: number; name: string; filters: Record<string, string>; shared: boolean; owner_id: string }) {
  return { id: row.id, name: row.name, filters: row.filters, shared: row.shared, ownerId: row.owner_id };
}

export function createBoardService(deps: {
  boards: BoardRepository;
  org: OrgService;
  users: Pick<UsersRepository, 'displayNames'>;
  caps?: PersonCaps;
}) {
  const caps = deps.caps ?? PERSON_CAPS;
  /** The lanes of a board with swimlanes that its shown cards fall into, in order; none without. */
  async function lanes(board: BoardRow, filters: CardFilters, now: Date): Promise<Lane[]> {
    const key = laneKeySql(board.swimlanes);
    if (!key) return [];
    const keys = await deps.boards.laneKeys(board, filters, now, key);
    const model = await deps.org.active();
    const people =
      board.swimlanes === 'assignee'
        ? await deps.users.displayNames(keys.filter((k): k is string => k !== null))
        : new Map<string, string>();
    const types = board.task_types
      .map((id) => model.taskType(id))
      .filter((type): type is TaskTypeDefinition => type !== undefined);
    return orderLanes(board.swimlanes, keys, { model, types, people });
  }

  return {
    async list() {
      return (await deps.boards.list()).map(boardView);
    },
    async create(actor: Actor, definition: BoardDefinition) {
      checkDefinition(await deps.org.active(), definition);
      if (!(await deps.boards.insert(definition, actor.id)))
        throw new AppError('CONFLICT', `A board with the id "${definition.id}" already exists.`);
      return boardView((await deps.boards.get(definition.id))!);
    },
    /** A board, its lanes and its cards (after `filters`) as JSON text: `{board, lanes, cards}`, the cards built by the database. */
    async loadJson(id: string, filters: CardFilters, now = new Date()): Promise<string> {
      const board = await this.get(id);
      checkFilters(board, filters);
      const shownLanes = await lanes(board, filters, now);
      return `{"board":${JSON.stringify(boardView(board))},"lanes":${JSON.stringify(shownLanes)},"cards":${await deps.boards.cardsJson(board, filters, now)}}`;
    },
    async views(boardId: string, actor: Actor) {
      await this.get(boardId);
      return (await deps.boards.views(boardId, actor.id)).map(viewOf);
    },
    async addView(boardId: string, actor: Actor, view: { name: string; filters: CardFilters; shared: boolean }) {
      checkFilters(await this.get(boardId), view.filters);
      return viewOf(
        await deps.boards.addView(
          { board_id: boardId, owner_id: actor.id, name: view.name, filters: view.filters, shared: view.shared },
          caps.savedViews,
        ),
      );
    },
    async removeView(boardId: string, viewId: number, actor: Actor) {
      if (!(await deps.boards.removeView(boardId, viewId, actor.id)))
        throw new AppError('NOT_FOUND', `You have no view ${viewId} on board "${boardId}".`);
    },
    async get(id: string): Promise<BoardRow> {
      const board = await deps.boards.get(id);
      if (!board) throw new AppError('NOT_FOUND', `There is no board "${id}".`);
      return board;
    },
    /** Gives every task type (core's, the loaded plugins' and the organisation's) a board, if it has none yet. */
    async ensureTemplates(): Promise<string[]> {
      const model = await deps.org.active();
      const existing = await deps.boards.list();
      const created: string[] = [];
      for (const type of model.taskTypes()) {
        if (existing.some((board) => board.task_types.includes(type.id))) continue;
        if (await deps.boards.insert(boardTemplate(type), null)) created.push(type.id);
      }
      return created;
    },
  };
}

export type BoardService = ReturnType<typeof createBoardService>;
