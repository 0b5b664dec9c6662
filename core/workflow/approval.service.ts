// Transitions that need approval: a request is opened instead of the move; holders of the approving
// role decide (any one 或签, all 会签, or N); enough approvals carry out the move, a rejection sends
// the card to the rule's reject state. Every step is in the card's activity log.
import type { Transaction } from 'kysely';
import type { Actor } from '../auth/actor.ts';
import type { UsersRepository } from '../auth/users.repository.ts';
import type { BoardRepository } from '../board/board.repository.ts';
import { positionBetween } from '../board/positions.ts';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import type { ApprovalRule } from '../org/format.schema.ts';
import type { OrgService } from '../org/org.service.ts';
import { holdLimits, moveTask } from '../tasks/move.ts';
import { notFound, staleVersion } from '../tasks/task-errors.ts';
import type { TaskRepository, TaskRow } from '../tasks/task.repository.ts';
import type { Record_, TaskWriter } from '../tasks/task-writer.ts';
import { toTaskView } from '../tasks/task-view.ts';
import type { ApprovalsRepository, ApprovalRow } from './approvals.repository.ts';
import { categoryOf } from './state-machine.ts';

export function approvalView(row: ApprovalRow) {
  return {
    id: row.id, taskId: row.task_id, from: row.from_status, to: row.to_status, role: row.role_id,
    mode: row.mode, required: row.required, state: row.state, createdAt: row.created_at.toISOString(),
  };
}

const canDecide = (actor: Actor, role: string) => actor.roles.includes(role) && actor.permissions.has('tasks.approve');

export function createApprovalService(deps: {
  approvals: ApprovalsRepository; tasks: TaskRepository; boards: BoardRepository; users: UsersRepository;
  org: OrgService; write: TaskWriter; now?: () => Date;
}) {
  const now = deps.now ?? (() => new Date());

  async function applyUpdate(tx: Transaction<Database>, row: TaskRow, changes: Parameters<TaskRepository['updateVersioned']>[3]) {
    const updated = await deps.tasks.updateVersioned(tx, row.id, row.version, changes);
    if (!updated) throw staleVersion((await deps.tasks.find(row.id, tx)) ?? row, row.version);
    return updated;
  }

  return {
    /** How many approvals a rule needs right now (all: every current holder of the role). */
    async required(rule: ApprovalRule): Promise<number> {
      if (rule.mode === 'any') return 1;
      if (rule.mode === 'count') return rule.count!;
      return Math.max(1, (await deps.users.holdersOf(rule.by)).length);
    },

    /** Inside the card's write: opens the request; a requester who may approve counts as the first approval. */
    async open(tx: Transaction<Database>, record: Record_, input: { row: TaskRow; to: string; rule: ApprovalRule; required: number; actor: Actor }) {
      if (await deps.approvals.pendingFor(input.row.id, tx)) {
        throw new AppError('CONFLICT', `Card ${input.row.id} already has a request waiting for approval.`);
      }
      const approval = await deps.approvals.insert(tx, {
        task_id: input.row.id, from_status: input.row.status, to_status: input.to, reject_to: input.rule.reject_to ?? null,
        role_id: input.rule.by, mode: input.rule.mode, required: input.required, requested_by: input.actor.id,
      });
      await record(input.row, 'task.approval_requested', input.actor, 'approval_requested', { status: [input.row.status, input.to] }, `needs ${input.required} approval(s) from ${input.rule.by}`);
      if (canDecide(input.actor, input.rule.by)) await deps.approvals.decide(tx, approval.id, input.actor.id, true, null);
      return approvalView(approval);
    },

    inbox: async (actor: Actor) => (actor.permissions.has('tasks.approve') ? deps.approvals.inbox(actor.roles, actor.id) : []),

    async decide(actor: Actor, approvalId: number, approve: boolean, comment: string | null) {
      const approval = await deps.approvals.find(approvalId);
      if (!approval) throw new AppError('NOT_FOUND', `There is no approval request ${approvalId}.`);
      if (!canDecide(actor, approval.role_id)) {
        throw new AppError('FORBIDDEN', `Only holders of the role "${approval.role_id}" with the "tasks.approve" permission decide this request.`, { role: approval.role_id });
      }
      const row = await deps.tasks.find(approval.task_id);
      if (!row) throw notFound(approval.task_id);
      const model = await deps.org.active();
      const type = model.taskType(row.type)!;
      // Worked out before the transaction (it reads), applied inside it if this decision settles the request.
      const plan = approve && row.status === approval.from_status
        ? await moveTask({ repo: deps.tasks, boards: deps.boards, model, type, row, actor, input: { to: approval.to_status }, now: now(), approved: true })
        : undefined;
      const rejectTo = !approve && approval.reject_to && row.status === approval.from_status ? approval.reject_to : undefined;
      const lastPosition = rejectTo ? await deps.tasks.lastPosition(row.type, rejectTo) : null;

      return deps.write(async (tx, record) => {
        const locked = await deps.approvals.lock(tx, approvalId);
        if (locked?.state !== 'pending') throw new AppError('CONFLICT', `Approval request ${approvalId} is already ${locked?.state ?? 'gone'}.`);
        await deps.approvals.decide(tx, approvalId, actor.id, approve, comment).catch(() => {
          throw new AppError('CONFLICT', 'You have already decided this request.');
        });
        const decisions = await deps.approvals.decisions(approvalId, tx);
        await record(row, 'task.approval_decided', actor, approve ? 'approval_approved' : 'approval_rejected', {}, comment ?? undefined);
        let task = row;
        if (!approve) {
          await deps.approvals.close(tx, approvalId, 'rejected');
          if (rejectTo) {
            task = await applyUpdate(tx, row, { status: rejectTo, category: categoryOf(type, rejectTo)!, position: positionBetween(lastPosition, null) });
            await record(task, 'task.transitioned', actor, 'moved', { status: [row.status, rejectTo] }, 'request rejected');
          }
        } else if (decisions.filter((d) => d.approve).length >= approval.required) {
          if (!plan) {
            await deps.approvals.close(tx, approvalId, 'cancelled');
          } else {
            await deps.approvals.close(tx, approvalId, 'approved');
            await holdLimits(tx, deps.tasks, plan.limits, row.id);
            task = await applyUpdate(tx, row, plan.changes);
            await record(task, 'task.transitioned', actor, 'moved', plan.activity, 'approved');
          }
        }
        return { approval: approvalView((await deps.approvals.find(approvalId, tx))!), task: toTaskView(task) };
      });
    },
  };
}

export type ApprovalService = ReturnType<typeof createApprovalService>;
