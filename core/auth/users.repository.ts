// People and their role assignments in the database.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';

export interface Person {
  id: string;
  email: string;
  displayName: string;
  roles: string[];
  disabled: boolean;
  createdAt: Date;
}

type Executor = Kysely<Database> | Transaction<Database>;

interface NewPerson {
  email: string;
  displayName: string;
  passwordHash: string;
  roles: string[];
}

async function insertPerson(tx: Transaction<Database>, input: NewPerson): Promise<string> {
  const { id } = await tx
    .insertInto('users')
    .values({
      email: input.email,
      display_name: input.displayName,
      password_hash: input.passwordHash,
      disabled_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (input.roles.length) {
    await tx
      .insertInto('role_assignments')
      .values(input.roles.map((role_id) => ({ user_id: id, role_id })))
      .execute();
  }
  return id;
}

export function createUsersRepository(db: Kysely<Database>) {
  const withRoles = async (executor: Executor, ids?: string[]): Promise<Person[]> => {
    let query = executor.selectFrom('users').selectAll().orderBy('display_name').orderBy('email');
    if (ids) query = query.where('id', 'in', ids.length ? ids : ['00000000-0000-0000-0000-000000000000']);
    const users = await query.execute();
    const assignments = users.length
      ? await executor
          .selectFrom('role_assignments')
          .select(['user_id', 'role_id'])
          .where(
            'user_id',
            'in',
            users.map((u) => u.id),
          )
          .orderBy('role_id')
          .execute()
      : [];
    return users.map((user) => ({
      id: user.id,
      email: user.email,
      displayName: user.display_name,
      roles: assignments.filter((a) => a.user_id === user.id).map((a) => a.role_id),
      disabled: user.disabled_at !== null,
      createdAt: user.created_at,
    }));
  };

  /** Ids of the active people holding a role, by name; `executor`: a transaction's, so the read is part of it. */
  const holderIds = async (roleId: string, executor: Executor = db): Promise<string[]> => {
    const rows = await executor
      .selectFrom('role_assignments')
      .innerJoin('users', 'users.id', 'role_assignments.user_id')
      .select('users.id')
      .where('role_id', '=', roleId)
      .where('users.disabled_at', 'is', null)
      .orderBy('users.display_name')
      .orderBy('users.id')
      .execute();
    return rows.map((row) => row.id);
  };

  return {
    list: () => withRoles(db),
    async get(id: string): Promise<Person | undefined> {
      return (await withRoles(db, [id]))[0];
    },
    /** Each person's display name, by id (ids of nobody are left out). */
    async displayNames(ids: string[]): Promise<Map<string, string>> {
      if (ids.length === 0) return new Map();
      const rows = await db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', ids).execute();
      return new Map(rows.map((row) => [row.id, row.display_name]));
    },
    findCredentials(email: string) {
      return db
        .selectFrom('users')
        .select(['id', 'password_hash', 'disabled_at'])
        .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
        .executeTakeFirst();
    },
    count: async () =>
      Number(
        (
          await db
            .selectFrom('users')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
    /** `beforeWrite` runs first in the transaction (e.g. holding seats of a role); what it throws undoes all. */
    create(input: NewPerson, beforeWrite?: (tx: Transaction<Database>) => Promise<void>): Promise<string> {
      return db.transaction().execute(async (tx) => {
        await beforeWrite?.(tx);
        return insertPerson(tx, input);
      });
    },
    /**
     * Creates these people only if there is nobody yet, as one transaction that holds the table: of two
     * server processes starting on one empty database, exactly one seeds. Returns how many it created.
     */
    createAllIfEmpty(people: NewPerson[]): Promise<number> {
      return db.transaction().execute(async (tx) => {
        await sql`LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE`.execute(tx);
        const { n } = await tx
          .selectFrom('users')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        if (Number(n) > 0) return 0;
        for (const person of people) await insertPerson(tx, person);
        return people.length;
      });
    },
    async update(
      id: string,
      changes: { displayName?: string; passwordHash?: string; disabled?: boolean },
    ): Promise<boolean> {
      const result = await db
        .updateTable('users')
        .set({
          ...(changes.displayName === undefined ? {} : { display_name: changes.displayName }),
          ...(changes.passwordHash === undefined ? {} : { password_hash: changes.passwordHash }),
          ...(changes.disabled === undefined ? {} : { disabled_at: changes.disabled ? new Date() : null }),
        })
        .where('id', '=', id)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
    /** Replaces a person's roles in one transaction, after `beforeWrite` (see create). */
    async setRoles(
      id: string,
      roles: string[],
      beforeWrite?: (tx: Transaction<Database>) => Promise<void>,
    ): Promise<void> {
      await db.transaction().execute(async (tx) => {
        await beforeWrite?.(tx);
        await tx.deleteFrom('role_assignments').where('user_id', '=', id).execute();
        if (roles.length)
          await tx
            .insertInto('role_assignments')
            .values(roles.map((role_id) => ({ user_id: id, role_id })))
            .execute();
      });
    },
    /**
     * In `tx`: how many people (disabled ones too: they keep their seat until their role is taken away)
     * hold a role, besides `exceptUserId`. Holds a lock on the role's seats until commit, so two
     * assignments of the last seat take turns and the second sees the first.
     */
    async seatsTaken(tx: Transaction<Database>, roleId: string, exceptUserId: string | null): Promise<number> {
      await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`seats:${roleId}`}, 0))`.execute(tx);
      let query = tx
        .selectFrom('role_assignments')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('role_id', '=', roleId);
      if (exceptUserId !== null) query = query.where('user_id', '!=', exceptUserId);
      return Number((await query.executeTakeFirstOrThrow()).n);
    },
    holderIds,
    /** Ids of the active people holding each of `roleIds` (a role nobody holds is absent), in one query. */
    async holderIdsByRole(roleIds: string[]): Promise<Map<string, string[]>> {
      const byRole = new Map<string, string[]>();
      if (roleIds.length === 0) return byRole;
      const rows = await db
        .selectFrom('role_assignments')
        .innerJoin('users', 'users.id', 'role_assignments.user_id')
        .select(['role_assignments.role_id', 'users.id'])
        .where('role_id', 'in', roleIds)
        .where('users.disabled_at', 'is', null)
        .orderBy('users.display_name')
        .orderBy('users.id')
        .execute();
      for (const row of rows) byRole.set(row.role_id, [...(byRole.get(row.role_id) ?? []), row.id]);
      return byRole;
    },
    holdersOf: async (roleId: string): Promise<Person[]> => withRoles(db, await holderIds(roleId)),
    /** The ids of a person's roles; `executor`: a transaction's, so the read is part of it. */
    roleIdsOf: async (userId: string, executor: Executor = db): Promise<string[]> =>
      (
        await executor
          .selectFrom('role_assignments')
          .select('role_id')
          .where('user_id', '=', userId)
          .orderBy('role_id')
          .execute()
      ).map((row) => row.role_id),
    /** People per role id, for the roles that are held at all. */
    async holderCounts(): Promise<Map<string, number>> {
      const rows = await db
        .selectFrom('role_assignments')
        .select(['role_id', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('role_id')
        .execute();
      return new Map(rows.map((row) => [row.role_id, Number(row.n)]));
    },
  };
}

export type UsersRepository = ReturnType<typeof createUsersRepository>;
