// Every command on a card, one function each, used by the routes, the duty scheduler and tests alike.
// Each commits its versioned UPDATE with an activity row and an event row; listeners hear after commit.
import type { Transaction } from 'kysely';
import type { Access } from '../auth/access.ts';
import type { Actor } from '../auth/actor.ts';
import type { UsersRepository } from '../auth/users.repository.ts';
import type { BoardRepository } from '../board/board.repository.ts';
import type { Db } from '../db/create-db.ts';
import type { Database, Priority } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import type { OrgModel } from '../org/org-model.ts';
import type { OrgService } from '../org/org.service.ts';
import { suggest } from '../org/suggest.ts';
import { createAssigner, type AssignTo } from './assignment.ts';
import type { Checklist } from './checklist.ts';
import { changesDueSource, derivedDue } from './derived-due.ts';
import { validateFields } from './fields.ts';
import { typeOfCard } from './card-type.ts';
import { archived, notFound, staleVersion } from './task-errors.ts';
import { toTaskView, type TaskView } from './task-view.ts';
import { createCardExtras } from './card-extras.ts';
import { notifyPerson } from './personal-notices.ts';
import type { PersonCaps } from './person-caps.ts';
import { createLinksRepository } from './links.repository.ts';
import { cardsIn, createTaskWriter, type AfterChange, type CardChanges, type Changes } from './task-writer.ts';
import { EDITABLE_COLUMNS, viewKey, type EditableColumn, type ViewKey } from '../db/card-columns.ts';
import { createApprovalService, type ApprovalView } from '../workflow/approval.service.ts';
import { createApprovalsRepository } from '../workflow/approvals.repository.ts';
import { refuseIfReadOnly, refuseLockedFields } from '../workflow/edit-rules.ts';
import type { TaskRepository, TaskRow } from './task.repository.ts';
import { holdLimits, moveTask, type MoveInput } from './move.ts';
import { askBeforeTransition, vetoText, type AskBeforeTransition } from '../workflow/transition-veto.ts';

export interface NewTask {
  type: string;
  title: string;
  description?: string;
  fields?: Record<string, unknown>;
  priority?: Priority;
  labels?: string[];
  checklist?: Checklist;
  dueAt?: Date | null;
  assignTo?: AssignTo;
}

/**
 * A person's edit: each column core/db/card-columns.ts declares editable, under its API name; `fields`
 * holds the fields to change, and the checklist is the whole list as it should be (the version sent keeps
 * two people's ticks from overwriting each other).
 */
export type TaskEdit = { [K in Exclude<EditableColumn, 'fields'> as ViewKey<K>]?: CardChanges[K] } & {
  fields?: Record<string, unknown>;
};

/** The editable columns an edit gives whole (fields are merged and checked one by one). */
const EDITED = EDITABLE_COLUMNS.filter((column) => column !== 'fields');

export interface TaskServiceDeps {
  db: Db;
  /** The process's one task repository (its card reads and writes are shared under load). */
  repo: TaskRepository;
  org: OrgService;
  /** Whether an actor's (possibly scoped) permission reaches a card. */
  access: Access;
  users: UsersRepository;
  boards: BoardRepository;
  /** Called after every commit that recorded events, so live listeners read them. */
  afterCommit: () => void;
  /** Runs on every changed card inside its transaction (the escalation engine's event path). */
  afterChange?: AfterChange<unknown>;
  /** Plugins' say before a card changes state (outside any transaction); a veto refuses the move. */
  beforeTransition?: AskBeforeTransition;
  now?: () => Date;
  /** Per-person caps on comments and links (tests lower them). */
  caps?: PersonCaps;
}

async function refuseIfVetoed(ask: AskBeforeTransition, row: TaskRow, to: string, actor: Actor): Promise<void> {
  const veto = await askBeforeTransition(ask, row, to, actor);
  if (veto)
    throw new AppError('UNPROCESSABLE', vetoText(veto), {
      reason: 'plugin_veto',
      plugin: veto.plugin,
      message: veto.reason,
    });
}

export function createTaskService(deps: TaskServiceDeps) {
  const repo = deps.repo;
  const now = deps.now ?? (() => new Date());

  const typeOf = (model: OrgModel, id: string) => {
    const type = model.taskType(id);
    if (!type) {
      const known = model.taskTypes().map((t) => t.id);
      const hint = suggest(id, known);
      throw new AppError('VALIDATION_FAILED', `Unknown task type "${id}"${hint ? ` (did you mean "${hint}"?)` : ''}.`, {
        issues: [{ path: 'type', message: 'unknown task type' }],
      });
    }
    return type;
  };

  const { prepareAssignment, direct, assignee } = createAssigner({ users: deps.users, repo, boards: deps.boards });

  const { write, writeCard, change, create, watch } = createTaskWriter({
    db: deps.db,
    repo,
    afterCommit: deps.afterCommit,
    ...(deps.afterChange ? { afterChange: deps.afterChange } : {}),
  });
  const extras = createCardExtras({
    repo,
    links: createLinksRepository(deps.db.kysely),
    write,
    typeOf: async (card) => typeOfCard(await deps.org.active(), card),
    access: deps.access,
    now,
    ...(deps.caps ? { caps: deps.caps } : {}),
  });
  const approvals = createApprovalService({
    approvals: createApprovalsRepository(deps.db.kysely),
    tasks: repo,
    boards: deps.boards,
    users: deps.users,
    org: deps.org,
    access: deps.access,
    write,
    now,
    ...(deps.beforeTransition ? { beforeTransition: deps.beforeTransition } : {}),
  });

  /** A card whose request waits for approval keeps what the approvers see; its requester can withdraw the request. */
  async function refuseWhilePending(row: TaskRow): Promise<void> {
    const pending = await approvals.pending(row.id);
    if (!pending) return;
    throw new AppError(
      'CONFLICT',
      `Card ${row.id} waits for approval request ${pending.id} (${pending.from} → ${pending.to}); it cannot be edited until the request is decided or withdrawn (POST /api/approvals/${pending.id}/withdraw).`,
      { reason: 'approval_pending', approval: pending, current: toTaskView(row) },
    );
  }

  async function current(id: number, expectedVersion: number): Promise<TaskRow> {
    const row = await repo.find(id);
    if (!row) throw notFound(id);
    if (row.version !== expectedVersion) throw staleVersion(row, expectedVersion);
    return row;
  }

  return {
    repo,
    approvals,

    async get(id: number): Promise<TaskView> {
      const row = await repo.find(id);
      if (!row) throw notFound(id);
      return toTaskView(row);
    },

    async create(actor: Actor | null, input: NewTask, options: { dutyKey?: string } = {}): Promise<TaskView> {
      const model = await deps.org.active();
      const type = typeOf(model, input.type);
      const fields = validateFields(type, input.fields ?? {}, {}, model.fieldTypes);
      const initial = type.workflow.states.find((state) => state.id === type.workflow.initial)!;
      if (actor) {
        // Judged on the card as it will be: its type, who it goes to, and who creates it.
        const access = await deps.access.on(actor, {
          type: type.id,
          role_id: input.assignTo?.roleId ?? null,
          assignee_id: input.assignTo?.personId ?? null,
          created_by: actor.id,
        });
        access.require('tasks.create', 'create');
        // Handing a new card to someone else is assigning it: tasks.assign, as for an existing card.
        if (input.assignTo && !assignsSelf(actor, input.assignTo))
          access.require('tasks.assign', 'hand to someone else');
      }
      const prepared = await prepareAssignment(model, type.id, input.assignTo);
      // A role's card goes to one of its holders, chosen in the transaction; any other assignment is known now.
      const assigned = direct(prepared);
      const created = await create(
        {
          type: type.id,
          title: input.title,
          description: input.description ?? '',
          status: initial.id,
          category: initial.category,
          priority: input.priority ?? 'normal',
          fields,
          labels: input.labels ?? [],
          checklist: input.checklist ?? [],
          // A due time given wins over one derived from the card's fields (due_from).
          due_at: input.dueAt !== undefined ? input.dueAt : (derivedDue(type, fields, model.policies) ?? null),
          created_by: actor?.id ?? null,
          started_at: initial.category === 'active' ? now() : null,
          duty_key: options.dutyKey ?? null,
          ...assigned,
          // Someone gave them this card (tell them); a duty card the scheduler makes is expected work, not news.
        },
        {
          actor,
          tell: actor !== null,
          ...(assigned ? {} : { assign: (tx: Transaction<Database>) => assignee(prepared, tx) }),
        },
      );
      return toTaskView(created);
    },

    /** `actor` null: the system edits (a plugin's escalation action), as it creates duty cards. */
    async update(actor: Actor | null, id: number, expectedVersion: number, edit: TaskEdit): Promise<TaskView> {
      const row = await current(id, expectedVersion);
      if (row.archived_at) throw archived(row);
      const model = await deps.org.active();
      const type = typeOfCard(model, row);
      const fields =
        edit.fields === undefined ? row.fields : validateFields(type, edit.fields, row.fields, model.fieldTypes);
      const derived =
        edit.dueAt === undefined && changesDueSource(type, row.fields, fields)
          ? { due_at: derivedDue(type, fields, model.policies) ?? null }
          : {};
      const next: CardChanges = {};
      for (const column of EDITED) {
        const given = edit[viewKey(column)];
        Object.assign(next, { [column]: given === undefined ? row[column] : given });
      }
      Object.assign(next, derived);
      const changes = diff({ ...pick(row, EDITED), ...prefixed(row.fields) }, { ...next, ...prefixed(fields) });
      if (Object.keys(changes).length === 0) return toTaskView(row);
      refuseIfReadOnly(type, row);
      refuseLockedFields(
        type,
        row,
        Object.keys(changes)
          .filter((key) => key.startsWith('fields.'))
          .map((key) => key.slice('fields.'.length)),
      );
      await refuseWhilePending(row);
      if (actor) (await deps.access.on(actor, row)).require('tasks.edit', 'edit');
      const updated = await change(
        row,
        expectedVersion,
        { ...next, fields },
        { event: 'task.updated', actor, action: 'updated', changes },
      );
      return toTaskView(updated);
    },

    async assign(
      actor: Actor,
      id: number,
      expectedVersion: number,
      assignTo: NonNullable<NewTask['assignTo']>,
    ): Promise<TaskView> {
      const row = await current(id, expectedVersion);
      if (row.archived_at) throw archived(row);
      (await deps.access.on(actor, row)).require('tasks.assign', 'assign');
      const model = await deps.org.active();
      refuseIfReadOnly(typeOfCard(model, row), row);
      const prepared = await prepareAssignment(model, row.type, assignTo);
      const assigned = await writeCard(async (tx, record) => {
        const assignment = await assignee(prepared, tx);
        const next = { assignee_id: assignment.assignee_id ?? null, role_id: assignment.role_id ?? null };
        const updated = await cardsIn(tx).update(row.id, expectedVersion, next);
        if (!updated) throw staleVersion((await repo.find(row.id, tx)) ?? row, expectedVersion);
        await record(updated, 'task.assigned', actor, 'assigned', diff(pick(row, ['assignee_id', 'role_id']), next));
        if (updated.assignee_id !== row.assignee_id)
          await notifyPerson(tx, { userId: updated.assignee_id, actorId: actor.id, task: updated, kind: 'assigned' });
        return updated;
      });
      return toTaskView(assigned);
    },

    /** Moves a card, or opens an approval request when its transition needs one (then `approval` is set). */
    async move(
      actor: Actor,
      id: number,
      expectedVersion: number,
      input: MoveInput,
    ): Promise<{ task: TaskView; warnings: string[]; approval?: ApprovalView }> {
      const found = await repo.findWithLastPosition(id, input.to);
      if (!found) throw notFound(id);
      const { last_position: lastInTarget, ...row } = found;
      if (row.version !== expectedVersion) throw staleVersion(row, expectedVersion);
      if (row.archived_at) throw archived(row);
      const model = await deps.org.active();
      const access = await deps.access.on(actor, row);
      access.require('tasks.move', 'move');
      const plan = await moveTask({
        repo,
        boards: deps.boards,
        model,
        type: typeOfCard(model, row),
        row,
        actor,
        input,
        now: now(),
        lastInTarget,
        may: access.may,
      });
      if (plan.event === 'task.transitioned' && deps.beforeTransition)
        await refuseIfVetoed(deps.beforeTransition, row, input.to!, actor);
      let approval: ApprovalView | undefined;
      const rule = plan.approval;
      // Every move that needs approval is a request, an approver's own too (its record is the point).
      if (rule) {
        const required = await approvals.required(rule, actor);
        const opened = await writeCard(async (tx, record) => {
          const result = await approvals.open(tx, record, {
            row,
            to: input.to!,
            rule,
            required,
            actor,
            plan,
            mayApprove: access.may('tasks.approve'),
          });
          approval = result.approval;
          return result.task;
        });
        return { task: toTaskView(opened), warnings: plan.warnings, approval: approval! };
      }
      const action = plan.event === 'task.transitioned' ? 'moved' : 'reordered';
      const limits = plan.limits.length
        ? (tx: Transaction<Database>) => holdLimits(tx, repo, plan.limits, row.id)
        : undefined;
      const updated = await change(
        row,
        expectedVersion,
        plan.changes,
        { event: plan.event, actor, action, changes: plan.activity },
        limits,
      );
      return { task: toTaskView(updated), warnings: plan.warnings };
    },

    async setArchived(actor: Actor, id: number, expectedVersion: number, archive: boolean): Promise<TaskView> {
      const row = await current(id, expectedVersion);
      if (Boolean(row.archived_at) === archive) return toTaskView(row);
      (await deps.access.on(actor, row)).require('tasks.edit', archive ? 'archive' : 'restore');
      const archivedAt = archive ? now() : null;
      const updated = await change(
        row,
        expectedVersion,
        { archived_at: archivedAt },
        {
          event: archive ? 'task.archived' : 'task.restored',
          actor,
          action: archive ? 'archived' : 'restored',
          changes: { archived_at: [row.archived_at, archivedAt] },
        },
      );
      return toTaskView(updated);
    },

    /** Starts or stops the actor watching a card. */
    watch: (actor: Actor, id: number, watching: boolean) => watch(id, actor.id, watching),

    ...extras,
  };
}

/** To nobody, or to yourself (acting in one of your roles, or none): needs no tasks.assign. */
function assignsSelf(actor: Actor, to: AssignTo): boolean {
  const personId = to.personId ?? null;
  const roleId = to.roleId ?? null;
  if (personId === null) return roleId === null;
  return personId === actor.id && (roleId === null || actor.roles.includes(roleId));
}

function pick<T extends object, K extends keyof T>(row: T, keys: K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((key) => [key, row[key]])) as Pick<T, K>;
}

function prefixed(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).map(([key, value]) => [`fields.${key}`, value]));
}

/** [old, new] for each key whose value differs (compared as JSON). */
export function diff(before: Record<string, unknown>, after: Record<string, unknown>): Changes {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const changes: Changes = {};
  for (const key of keys) {
    const [a, b] = [before[key] ?? null, after[key] ?? null];
    if (JSON.stringify(a) !== JSON.stringify(b)) changes[key] = [a, b];
  }
  return changes;
}

export type TaskService = ReturnType<typeof createTaskService>;
