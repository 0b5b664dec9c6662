// May this actor do this on this card? The one place a scoped permission meets a card: its task type,
// and the departments it belongs to — of the role it is assigned to; else of its assignee's roles;
// else (unassigned) of its creator's roles.
import type { Actor } from './actor.ts';
import { AppError } from '../errors.ts';
import { describeGrant, grantCoversCard, type CardScope } from '../org/grants.ts';
import type { OrgModel } from '../org/org-model.ts';
import type { OrgService } from '../org/org.service.ts';
import type { UsersRepository } from './users.repository.ts';

/** What a card's scope is judged on (a stored card, or one about to be created). */
export interface CardOwnership {
  type: string;
  role_id: string | null;
  assignee_id: string | null;
  created_by: string | null;
}

export interface CardAccess {
  scope: CardScope;
  may(permission: string): boolean;
  /** Throws FORBIDDEN naming the permission and the card's scope when the actor may not. */
  require(permission: string, doing: string): void;
}

export function createAccess(deps: { users: UsersRepository; org: OrgService }) {
  async function departmentsOf(model: OrgModel, card: CardOwnership): Promise<Set<string>> {
    const ofRoles = (roles: string[]) => new Set(roles.flatMap((id) => model.role(id)?.department ?? []));
    if (card.role_id !== null) return ofRoles([card.role_id]);
    const person = card.assignee_id ?? card.created_by;
    return person === null ? new Set() : ofRoles((await deps.users.get(person))?.roles ?? []);
  }

  async function on(actor: Actor, card: CardOwnership): Promise<CardAccess> {
    // Departments are looked up only when one of the actor's grants asks for them.
    const needed = actor.grants.some((grant) => grant.departments !== undefined);
    const scope: CardScope = {
      type: card.type,
      departments: needed ? await departmentsOf(await deps.org.active(), card) : new Set(),
    };
    const may = (permission: string) =>
      actor.grants.some((grant) => grant.permission === permission && grantCoversCard(grant, scope));
    return {
      scope,
      may,
      require(permission, doing) {
        if (may(permission)) return;
        const held = actor.grants.filter((grant) => grant.permission === permission).map(describeGrant);
        const card = `a ${scope.type} card${needed ? ` of ${[...scope.departments].join(', ') || 'no department'}` : ''}`;
        throw new AppError(
          'FORBIDDEN',
          held.length
            ? `You cannot ${doing} ${card}: your "${permission}" permission reaches only ${held.join('; ')}.`
            : `You need the "${permission}" permission to ${doing} ${card}; none of your roles grants it.`,
          {
            permission,
            taskType: scope.type,
            departments: [...scope.departments],
          },
        );
      },
    };
  }

  return { on };
}

export type Access = ReturnType<typeof createAccess>;
