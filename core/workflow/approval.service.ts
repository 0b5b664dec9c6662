// Transitions that need approval: every such move opens a request — an approver's own move too —
// holding a snapshot of what is asked about; holders of the approving role decide (any one 或签, all
// 会签, or N). The requester's own approval is recorded but counts only where the rule says
// `self_approval: true`. Enough approvals carry out the move, a rejection sends the card to the rule's
// reject state; while a request waits, the card cannot be edited unless its requester withdraws it.
// Every step is in the card's activity log.
import type { Transaction } from 'kysely';
import type { Access } from '../auth/access.ts';
import type { Actor } from '../auth/actor.ts';
import type { UsersRepository } from '../auth/users.repository.ts';
import type { BoardRepository } from '../board/board.repository.ts';
import { positionBetween } from '../board/positions.ts';
import type { ApprovalSnapshot, Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import type { ApprovalRule } from '../org/format.schema.ts';
import { canonicalJson } from '../org/canonical.ts';
import type { OrgService } from '../org/org.service.ts';
import { holdLimits, moveTask, type MovePlan } from '../tasks/move.ts';
import { notFound, staleVersion } from '../tasks/task-errors.ts';
import { notifyPerson } from '../tasks/personal-notices.ts';
import type { TaskRepository, TaskRow } from '../tasks/task.repository.ts';
import { cardsIn, type CardChanges, type Record_, type TaskWriter } from '../tasks/task-writer.ts';
import { toTaskView } from '../tasks/task-view.ts';
import { typeOfCard } from '../tasks/card-type.ts';
import type { ApprovalsRepository, ApprovalRow } from './approvals.repository.ts';
import { categoryOf } from './state-machine.ts';
import { askBeforeTransition, vetoText, type AskBeforeTransition } from './transition-veto.ts';

export function approvalView(row: ApprovalRow) {
  return {
    id: row.id,
    taskId: row.task_id,
    from: row.from_status,
    to: row.to_status,
    role: row.role_id,
    mode: row.mode,
    required: row.required,
    state: row.state,
    requestedBy: row.requested_by,
    selfApproval: row.self_approval,
    snapshot: row.snapshot,
    createdAt: row.created_at.toISOString(),
    decidedAt: row.decided_at?.toISOString() ?? null,
  };
}

export type ApprovalView = ReturnType<typeof approvalView>;

/** A holder of the approving role whose tasks.approve reaches this card (core/auth/access.ts). */
const canDecide = (actor: Actor, role: string, mayApprove: boolean) => actor.roles.includes(role) && mayApprove;

/** What an approver judges: the card's content as it is. */
export const snapshotOf = (row: TaskRow): ApprovalSnapshot => ({
  title: row.title,
  description: row.description,
  fields: row.fields,
});

/** Decisions that count toward the request: the requester's own only where the rule allows it. */
const counted = (approval: ApprovalRow, decision: { user_id: string }) =>
  approval.self_approval || decision.user_id !== approval.requested_by;

export function createApprovalService(deps: {
  approvals: ApprovalsRepository;
  tasks: TaskRepository;
  boards: BoardRepository;
  users: UsersRepository;
  org: OrgService;
  access: Access;
  write: TaskWriter;
  now?: () => Date;
  /** Plugins' say before the approved move is carried out: a veto leaves the request approved and the card where it is. */
  beforeTransition?: AskBeforeTransition;
}) {
  const now = deps.now ?? (() => new Date());

  async function applyUpdate(tx: Transaction<Database>, row: TaskRow, changes: CardChanges) {
    const updated = await cardsIn(tx).update(row.id, row.version, changes);
    if (!updated) throw staleVersion((await deps.tasks.find(row.id, tx)) ?? row, row.version);
    return updated;
  }

  /** In the decision's transaction: approvals counted so far reach `required`, so the move happens. */
  async function carryOut(
    tx: Transaction<Database>,
    record: Record_,
    input: { approval: ApprovalRow; row: TaskRow; plan: MovePlan | undefined; actor: Actor },
  ): Promise<TaskRow> {
    const { approval, row, plan, actor } = input;
    // The card left the request's state meanwhile: the request no longer applies.
    if (!plan) {
      await deps.approvals.close(tx, approval.id, 'cancelled');
      return row;
    }
    await deps.approvals.close(tx, approval.id, 'approved');
    await holdLimits(tx, deps.tasks, plan.limits, row.id);
    const task = await applyUpdate(tx, row, plan.changes);
    await record(task, 'task.transitioned', actor, 'moved', plan.activity, 'approved');
    return task;
  }

  return {
    /** How many approvals a rule needs right now (all: every current holder of the role, less the requester unless self-approval counts). */
    async required(rule: ApprovalRule, requester: Actor): Promise<number> {
      if (rule.mode === 'any') return 1;
      if (rule.mode === 'count') return rule.count!;
      const holders = await deps.users.holdersOf(rule.by);
      const others = rule.self_approval ? holders : holders.filter((holder) => holder.id !== requester.id);
      return Math.max(1, others.length);
    },

    /** The request waiting on a card, if any. */
    pending: async (taskId: number) => {
      const row = await deps.approvals.pendingFor(taskId);
      return row && approvalView(row);
    },

    /**
     * Inside the card's write: opens the request, with the card's content as its snapshot; the card's
     * version moves on, so an edit made from the version before the request is refused. A requester
     * who may approve has their approval recorded; it carries out the move at once only where it counts.
     */
    async open(
      tx: Transaction<Database>,
      record: Record_,
      input: {
        row: TaskRow;
        to: string;
        rule: ApprovalRule;
        required: number;
        actor: Actor;
        plan: MovePlan;
        mayApprove: boolean;
      },
    ) {
      if (await deps.approvals.pendingFor(input.row.id, tx)) {
        throw new AppError('CONFLICT', `Card ${input.row.id} already has a request waiting for approval.`);
      }
      const approval = await deps.approvals.insert(tx, {
        task_id: input.row.id,
        from_status: input.row.status,
        to_status: input.to,
        reject_to: input.rule.reject_to ?? null,
        role_id: input.rule.by,
        mode: input.rule.mode,
        required: input.required,
        requested_by: input.actor.id,
        snapshot: snapshotOf(input.row),
        self_approval: input.rule.self_approval ?? false,
      });
      let task = await applyUpdate(tx, input.row, {});
      await record(
        task,
        'task.approval_requested',
        input.actor,
        'approval_requested',
        { status: [input.row.status, input.to] },
        `needs ${input.required} approval(s) from ${input.rule.by}`,
      );
      if (canDecide(input.actor, input.rule.by, input.mayApprove)) {
        await deps.approvals.decide(tx, approval.id, input.actor.id, true, null);
        await record(
          task,
          'task.approval_decided',
          input.actor,
          'approval_approved',
          {},
          approval.self_approval ? 'own approval' : 'own approval, not counted',
        );
        if (approval.self_approval && input.required <= 1)
          task = await carryOut(tx, record, { approval, row: task, plan: input.plan, actor: input.actor });
      }
      return { approval: approvalView((await deps.approvals.find(approval.id, tx))!), task };
    },

    /** Pending requests the actor may decide: of their roles, on cards their tasks.approve reaches. */
    async inbox(actor: Actor) {
      if (!actor.permissions.has('tasks.approve')) return [];
      const items = await deps.approvals.inbox(actor.roles, actor.id);
      const cards = await deps.tasks.findMany([...new Set(items.map((item) => item.task_id))]);
      const reached = new Set<number>();
      for (const card of cards) if ((await deps.access.on(actor, card)).may('tasks.approve')) reached.add(card.id);
      return items.filter((item) => reached.has(item.task_id));
    },

    /** One request with every decision on it. */
    async get(approvalId: number) {
      const approval = await deps.approvals.find(approvalId);
      if (!approval) throw new AppError('NOT_FOUND', `There is no approval request ${approvalId}.`);
      const decisions = await deps.approvals.decisions(approvalId);
      return {
        approval: approvalView(approval),
        decisions: decisions.map((d) => ({
          personId: d.user_id,
          name: d.display_name,
          approve: d.approve,
          comment: d.comment,
          own: d.user_id === approval.requested_by,
          counted: counted(approval, d),
          at: d.decided_at.toISOString(),
        })),
      };
    },

    async decide(actor: Actor, approvalId: number, approve: boolean, comment: string | null) {
      const approval = await deps.approvals.find(approvalId);
      if (!approval) throw new AppError('NOT_FOUND', `There is no approval request ${approvalId}.`);
      const row = await deps.tasks.find(approval.task_id);
      if (!row) throw notFound(approval.task_id);
      if (!canDecide(actor, approval.role_id, (await deps.access.on(actor, row)).may('tasks.approve'))) {
        throw new AppError(
          'FORBIDDEN',
          `Only holders of the role "${approval.role_id}" whose "tasks.approve" permission reaches this card decide this request.`,
          { role: approval.role_id, permission: 'tasks.approve' },
        );
      }
      const own = actor.id === approval.requested_by;
      if (own && !approve && !approval.self_approval) {
        throw new AppError(
          'CONFLICT',
          `Approval request ${approvalId} is your own; withdraw it (POST /api/approvals/${approvalId}/withdraw) instead of rejecting it.`,
          { reason: 'own_request' },
        );
      }
      // The approver approves what the request shows; a card changed since then is not what was asked.
      if (approve && canonicalJson(snapshotOf(row)) !== canonicalJson(approval.snapshot)) {
        throw new AppError(
          'CONFLICT',
          `Card ${row.id} changed since approval request ${approvalId} was opened; it cannot be approved as it is now.`,
          {
            reason: 'changed_since_request',
            snapshot: approval.snapshot,
            current: toTaskView(row),
          },
        );
      }
      const model = await deps.org.active();
      const type = typeOfCard(model, row);
      // Worked out before the transaction (it reads), applied inside it if this decision settles the request.
      const plan =
        approve && row.status === approval.from_status
          ? await moveTask({
              repo: deps.tasks,
              boards: deps.boards,
              model,
              type,
              row,
              actor,
              input: { to: approval.to_status },
              now: now(),
              approved: true,
            })
          : undefined;
      // Asked before the transaction, as for a direct move; it counts only if this decision settles the request.
      const veto =
        plan?.event === 'task.transitioned' && deps.beforeTransition
          ? await askBeforeTransition(deps.beforeTransition, row, approval.to_status, actor)
          : undefined;
      const rejectTo =
        !approve && approval.reject_to && row.status === approval.from_status ? approval.reject_to : undefined;
      const lastPosition = rejectTo ? await deps.tasks.lastPosition(row.type, rejectTo) : null;

      return deps.write(async (tx, record) => {
        const locked = await deps.approvals.lock(tx, approvalId);
        if (locked?.state !== 'pending')
          throw new AppError('CONFLICT', `Approval request ${approvalId} is already ${locked?.state ?? 'gone'}.`);
        await deps.approvals.decide(tx, approvalId, actor.id, approve, comment).catch(() => {
          throw new AppError('CONFLICT', 'You have already decided this request.');
        });
        const decisions = await deps.approvals.decisions(approvalId, tx);
        const note =
          own && !approval.self_approval ? ['own approval, not counted', comment].filter(Boolean).join(': ') : comment;
        await record(
          row,
          'task.approval_decided',
          actor,
          approve ? 'approval_approved' : 'approval_rejected',
          {},
          note ?? undefined,
        );
        let task = row;
        const tellRequester = (kind: 'approval.approved' | 'approval.rejected') =>
          notifyPerson(tx, { userId: approval.requested_by, actorId: actor.id, task, kind });
        if (!approve) {
          await deps.approvals.close(tx, approvalId, 'rejected');
          if (rejectTo) {
            task = await applyUpdate(tx, row, {
              status: rejectTo,
              category: categoryOf(type, rejectTo)!,
              position: positionBetween(lastPosition, null),
            });
            await record(
              task,
              'task.transitioned',
              actor,
              'moved',
              { status: [row.status, rejectTo] },
              'request rejected',
            );
          }
          await tellRequester('approval.rejected');
        } else if (decisions.filter((d) => d.approve && counted(approval, d)).length >= approval.required) {
          if (veto) {
            // The approvers' answer stands; the plugin's refusal is on the card for everyone to see.
            await deps.approvals.close(tx, approvalId, 'approved');
            await record(row, 'task.approval_decided', actor, 'move_vetoed', {}, vetoText(veto));
            await tellRequester('approval.approved');
            return {
              approval: approvalView((await deps.approvals.find(approvalId, tx))!),
              task: toTaskView(task),
              vetoed: veto,
            };
          }
          task = await carryOut(tx, record, { approval, row, plan, actor });
          if (plan) await tellRequester('approval.approved');
        }
        return { approval: approvalView((await deps.approvals.find(approvalId, tx))!), task: toTaskView(task) };
      });
    },

    /** The requester takes the request back: nothing moves, and the card can be edited again. */
    async withdraw(actor: Actor, approvalId: number) {
      const approval = await deps.approvals.find(approvalId);
      if (!approval) throw new AppError('NOT_FOUND', `There is no approval request ${approvalId}.`);
      if (approval.requested_by !== actor.id)
        throw new AppError('FORBIDDEN', `Only the person who opened approval request ${approvalId} can withdraw it.`);
      const row = await deps.tasks.find(approval.task_id);
      if (!row) throw notFound(approval.task_id);
      return deps.write(async (tx, record) => {
        const locked = await deps.approvals.lock(tx, approvalId);
        if (locked?.state !== 'pending')
          throw new AppError('CONFLICT', `Approval request ${approvalId} is already ${locked?.state ?? 'gone'}.`);
        await deps.approvals.close(tx, approvalId, 'withdrawn');
        await record(row, 'task.approval_decided', actor, 'approval_withdrawn', {});
        return approvalView((await deps.approvals.find(approvalId, tx))!);
      });
    },
  };
}

export type ApprovalService = ReturnType<typeof createApprovalService>;
