// Who gets a card assigned to a role: the holder with the fewest open cards (ties: by name, then id),
// so work spreads evenly and the choice is predictable; holders at a personal WIP limit are passed
// over: the role's for the card's type (roles file, `personal_wip`), or a board's that shows the card.
import { sql, type Transaction } from 'kysely';
import type { Person, UsersRepository } from '../auth/users.repository.ts';
import type { BoardRepository } from '../board/board.repository.ts';
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

/** At most `limit` open cards of these types per person. */
interface PersonalLimit {
  types: string[];
  limit: number;
}

type Assignment =
  | { personId: string; roleId: string | null }
  | { roleId: string; holders: Person[]; limits: PersonalLimit[] }
  | { roleId: null };

type Assigned = { assignee_id?: string | null; role_id?: string | null };

/** The assignment when it needs no transaction (a person, or nobody); undefined for a role's card. */
function direct(assignment: Assignment | undefined): Assigned | undefined {
  if (!assignment) return {};
  if ('personId' in assignment) return { assignee_id: assignment.personId, role_id: assignment.roleId };
  if (!('holders' in assignment)) return { assignee_id: null, role_id: null };
  return undefined;
}

export function createAssigner(deps: { users: UsersRepository; repo: TaskRepository; boards: BoardRepository }) {
  return {
    /** Checks an assignment and picks its person before the card's transaction, so the transaction stays short. */
    async prepareAssignment(
      model: OrgModel,
      taskType: string,
      assignTo: AssignTo | undefined,
    ): Promise<Assignment | undefined> {
      if (!assignTo) return undefined;
      const { personId, roleId = null } = assignTo;
      if (roleId !== null && !model.role(roleId)) {
        throw new AppError('VALIDATION_FAILED', `Unknown role "${roleId}".`, {
          issues: [{ path: 'roleId', message: 'unknown role' }],
        });
      }
      if (personId) {
        const person = await deps.users.get(personId);
        if (!person || person.disabled)
          throw new AppError('VALIDATION_FAILED', `There is no active person ${personId}.`, {
            issues: [{ path: 'personId', message: 'unknown person' }],
          });
        return { personId, roleId };
      }
      if (roleId === null) return { roleId: null };
      const ofRole = model.role(roleId)?.personal_wip?.[taskType];
      const limits: PersonalLimit[] = [
        ...(ofRole === undefined ? [] : [{ types: [taskType], limit: ofRole }]),
        ...(await deps.boards.showing(taskType)).flatMap((board) =>
          board.personal_wip ? [{ types: board.task_types, limit: board.personal_wip }] : [],
        ),
      ];
      return { roleId, holders: await deps.users.holdersOf(roleId), limits };
    },

    direct,

    /**
     * Inside the transaction: a role's card goes to the holder with the fewest open cards right now.
     * Assignments to one role take turns (a lock until commit), so two at once cannot both give the
     * last place under a limit.
     */
    async assignee(assignment: Assignment | undefined, tx: Transaction<Database>): Promise<Assigned> {
      if (!assignment || !('holders' in assignment)) return direct(assignment)!;
      await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`assign:${assignment.roleId}`}, 0))`.execute(tx);
      const ids = assignment.holders.map((h) => h.id);
      const open = await deps.repo.openCounts(ids, tx);
      let eligible = assignment.holders;
      for (const { types, limit } of assignment.limits) {
        const ofLimit = await deps.repo.openCounts(ids, tx, types);
        eligible = eligible.filter((h) => (ofLimit.get(h.id) ?? 0) < limit);
      }
      return { assignee_id: pickHolder(eligible, open)?.id ?? null, role_id: assignment.roleId };
    },
  };
}
