// Adding people and changing their accounts and roles, under one rule: nobody grants what they do not
// hold. Giving a role needs every permission it carries; nobody changes their own roles; acting on a
// person who holds permissions you lack (roles, password, disabling) is refused; a role's headcount
// holds on every assignment.
import type { Transaction } from 'kysely';
import type { Actor } from './actor.ts';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { describeGrant, uncoveredGrants, type Grant } from '../org/grants.ts';
import type { OrgModel } from '../org/org-model.ts';
import type { OrgService } from '../org/org.service.ts';
import { suggest } from '../org/suggest.ts';
import type { AuthService } from './auth.service.ts';
import { hashPassword } from './password.ts';
import type { Person, UsersRepository } from './users.repository.ts';

export interface NewPersonInput {
  email: string;
  displayName: string;
  password: string;
  roles: string[];
}

export interface PersonChanges {
  displayName?: string;
  password?: string;
  disabled?: boolean;
}

function knownRoles(model: OrgModel, wanted: string[]): string[] {
  const known = model.definition.roles.map((role) => role.id);
  const unknown = wanted.filter((role) => !known.includes(role));
  if (unknown.length) {
    const issues = unknown.map((role) => {
      const hint = suggest(role, known);
      return { path: 'roles', message: `unknown role "${role}"${hint ? ` (did you mean "${hint}"?)` : ''}` };
    });
    throw new AppError('VALIDATION_FAILED', issues.map((issue) => issue.message).join('; '), { issues });
  }
  return [...new Set(wanted)];
}

const names = (grants: Grant[]) => [...new Set(grants.map(describeGrant))];

/** A role can be given only by someone whose grants cover every grant of the role's `can`. */
function refuseRolesBeyond(actor: Actor, model: OrgModel, roleIds: string[]): void {
  for (const role of roleIds) {
    const missing = uncoveredGrants(actor.grants, model.roleGrants(role));
    if (missing.length) {
      throw new AppError(
        'FORBIDDEN',
        `You cannot give the role "${role}": it carries ${names(missing).join(', ')}, which you do not hold.`,
        {
          reason: 'role_beyond_your_permissions',
          role,
          permissions: names(missing),
        },
      );
    }
  }
}

/** Acting on someone who may do more than you (with their roles' `can`) is refused. */
function refuseMorePowerful(actor: Actor, model: OrgModel, person: Person, doing: string): void {
  const missing = uncoveredGrants(
    actor.grants,
    person.roles.flatMap((role) => model.roleGrants(role)),
  );
  if (missing.length) {
    throw new AppError(
      'FORBIDDEN',
      `You cannot ${doing} ${person.displayName}: they hold ${names(missing).join(', ')}, which you do not.`,
      {
        reason: 'person_holds_more',
        person: person.id,
        permissions: names(missing),
      },
    );
  }
}

export function createPeopleService(deps: { users: UsersRepository; org: OrgService; auth: AuthService }) {
  const found = async (id: string) => {
    const person = await deps.users.get(id);
    if (!person) throw new AppError('NOT_FOUND', `There is no person ${id}.`);
    return person;
  };
  /** In the write's transaction: every added role with a headcount still has a free seat (roles in name order, so two writes cannot wait for each other). */
  const holdSeats =
    (model: OrgModel, roleIds: string[], personId: string | null) => async (tx: Transaction<Database>) => {
      for (const role of [...roleIds].sort()) {
        const headcount = model.role(role)?.headcount;
        if (headcount === undefined) continue;
        const taken = await deps.users.seatsTaken(tx, role, personId);
        if (taken >= headcount) {
          throw new AppError(
            'CONFLICT',
            `Role "${role}" has a headcount of ${headcount} in the roles file, and ${taken} ${taken === 1 ? 'person holds' : 'people hold'} it already; take it from someone first, or raise its headcount.`,
            {
              reason: 'headcount_full',
              role,
              headcount,
              holders: taken,
            },
          );
        }
      }
    };

  return {
    async create(actor: Actor, input: NewPersonInput): Promise<Person> {
      const model = await deps.org.active();
      const roles = knownRoles(model, input.roles);
      refuseRolesBeyond(actor, model, roles);
      if (await deps.users.findCredentials(input.email))
        throw new AppError('CONFLICT', `Someone with the email ${input.email} already exists.`);
      const id = await deps.users.create(
        { email: input.email, displayName: input.displayName, passwordHash: await hashPassword(input.password), roles },
        holdSeats(model, roles, null),
      );
      return found(id);
    },

    async update(actor: Actor, id: string, changes: PersonChanges): Promise<Person> {
      const person = await found(id);
      const model = await deps.org.active();
      if (changes.password !== undefined) refuseMorePowerful(actor, model, person, 'set the password of');
      if (changes.disabled !== undefined)
        refuseMorePowerful(actor, model, person, changes.disabled ? 'disable' : 'enable');
      if (changes.displayName !== undefined) refuseMorePowerful(actor, model, person, 'rename');
      await deps.users.update(id, {
        ...(changes.displayName === undefined ? {} : { displayName: changes.displayName }),
        ...(changes.password === undefined ? {} : { passwordHash: await hashPassword(changes.password) }),
        ...(changes.disabled === undefined ? {} : { disabled: changes.disabled }),
      });
      // A new password or a disabled account ends the sessions that knew the old state.
      if (changes.password !== undefined || changes.disabled) await deps.auth.endSessionsOf(id);
      return found(id);
    },

    async setRoles(actor: Actor, id: string, wanted: string[]): Promise<Person> {
      if (id === actor.id) {
        throw new AppError('FORBIDDEN', 'Nobody changes their own roles; ask someone else who manages people.', {
          reason: 'own_roles',
        });
      }
      const person = await found(id);
      const model = await deps.org.active();
      const roles = knownRoles(model, wanted);
      refuseMorePowerful(actor, model, person, 'change the roles of');
      const added = roles.filter((role) => !person.roles.includes(role));
      refuseRolesBeyond(actor, model, added);
      await deps.users.setRoles(id, roles, holdSeats(model, added, id));
      await deps.auth.rolesChanged(id);
      return found(id);
    },
  };
}

export type PeopleService = ReturnType<typeof createPeopleService>;
