// Who gets a card assigned to a role: the holder with the fewest open cards (ties: by name, then id),
// so work spreads evenly and the choice is predictable; holders at their personal WIP limit for the
// card's type are passed over.
import type { Transaction } from 'kysely';
import type { Person, UsersRepository } from '../auth/users.repository.ts';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import type { OrgModel } from '../org/org-model.ts';
import type { TaskRepository } from './task.repository.ts';

export const ASSIGNMENT_POLICY = 'fewest-open-cards';

export function pickHolder(holders: Person[], openCards: Map<string, number>): Person | undefined {
  return [...holders].sort(
    (a, b) =>
      (openCards.get(a.id) ?? 0) - (openCards.get(b.id) ?? 0) ||
      a.displayName.localeCompare(b.displayName, 'zh-CN') ||
      a.id.localeCompare(b.id),
  )[0];
}

export interface AssignTo {
  personId?: string | null;
  roleId?: string | null;
}

type Assignment =
  | { personId: string; roleId: string | null }
  | { roleId: string; holders: Person[]; taskType: string; personalLimit: number | undefined }
  | { roleId: null };

export function createAssigner(deps: { users: UsersRepository; repo: TaskRepository }) {
  return {
    /** Checks an assignment before the transaction (PGlite has one connection: no reads outside it meanwhile). */
    async prepareAssignment(model: OrgModel, taskType: string, assignTo: AssignTo | undefined): Promise<Assignment | undefined> {
      if (!assignTo) return undefined;
      const { personId, roleId = null } = assignTo;
      if (roleId !== null && !model.role(roleId)) {
        throw new AppError('VALIDATION_FAILED', `Unknown role "${roleId}".`, { issues: [{ path: 'roleId', message: 'unknown role' }] });
      }
      if (personId) {
        const person = await deps.users.get(personId);
        if (!person || person.disabled) throw new AppError('VALIDATION_FAILED', `There is no active person ${personId}.`, { issues: [{ path: 'personId', message: 'unknown person' }] });
        return { personId, roleId };
      }
      if (roleId === null) return { roleId: null };
      return { roleId, holders: await deps.users.holdersOf(roleId), taskType, personalLimit: model.role(roleId)?.personal_wip?.[taskType] };
    },

    /** Inside the transaction: a role's card goes to the holder with the fewest open cards right now. */
    async assignee(assignment: Assignment | undefined, tx: Transaction<Database>): Promise<{ assignee_id?: string | null; role_id?: string | null }> {
      if (!assignment) return {};
      if ('personId' in assignment) return { assignee_id: assignment.personId, role_id: assignment.roleId };
      if (!('holders' in assignment)) return { assignee_id: null, role_id: null };
      const ids = assignment.holders.map((h) => h.id);
      const open = await deps.repo.openCounts(ids, tx);
      const limit = assignment.personalLimit;
      const ofType = limit === undefined ? open : await deps.repo.openCounts(ids, tx, assignment.taskType);
      const eligible = assignment.holders.filter((h) => limit === undefined || (ofType.get(h.id) ?? 0) < limit);
      return { assignee_id: pickHolder(eligible, open)?.id ?? null, role_id: assignment.roleId };
    },
  };
}
