// People and their roles, managed by holders of people.manage.
import { Hono } from 'hono';
import { responds } from '../http/output.ts';
import { personSchema } from '../http/output.schemas.ts';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import type { AppEnv } from '../http/env.ts';
import { requires } from '../http/guard.ts';
import { jsonBody, pathParams } from '../http/validate.ts';
import type { OrgService } from '../org/org.service.ts';
import { suggest } from '../org/suggest.ts';
import type { AuthService } from './auth.service.ts';
import { hashPassword } from './password.ts';
import { DEMO_PASSWORD } from './seed-members.ts';
import type { UsersRepository } from './users.repository.ts';

/**
 * A password someone sets (an existing one is checked against its hash, whatever its length). The
 * public demo password is refused, so only seeded demo accounts can have it (the start warns about them).
 */
export const password = z
  .string()
  .min(10, 'use at least 10 characters')
  .max(1024)
  .refine((value) => value !== DEMO_PASSWORD, 'that is the public demo password; choose another');
const roles = z.array(z.string().min(1)).max(50);
const idParam = z.object({ id: z.uuid('expected a person id (uuid)') });

const createBody = z.object({
  email: z.email('expected an email address').max(320),
  displayName: z.string().trim().min(1).max(200),
  password,
  roles: roles.default([]),
});
const updateBody = z
  .object({ displayName: z.string().trim().min(1).max(200), password, disabled: z.boolean() })
  .partial()
  .refine((body) => Object.keys(body).length > 0, 'give at least one of displayName, password, disabled');

export function peopleRoutes(deps: { users: UsersRepository; org: OrgService; auth: AuthService }) {
  const knownRoles = async (wanted: string[]) => {
    const model = await deps.org.active();
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
  };
  const found = async (id: string) => {
    const person = await deps.users.get(id);
    if (!person) throw new AppError('NOT_FOUND', `There is no person ${id}.`);
    return person;
  };

  return new Hono<AppEnv>()
    .get('/people', requires('org.view'), responds({ 200: z.array(personSchema) }), async (c) => c.json(await deps.users.list(), 200))
    .post('/people', requires('people.manage'), responds({ 201: personSchema }), jsonBody(createBody), async (c) => {
      const body = c.req.valid('json');
      const roleIds = await knownRoles(body.roles);
      if (await deps.users.findCredentials(body.email)) throw new AppError('CONFLICT', `Someone with the email ${body.email} already exists.`);
      const id = await deps.users.create({ email: body.email, displayName: body.displayName, passwordHash: await hashPassword(body.password), roles: roleIds });
      return c.json(await found(id), 201);
    })
    .patch('/people/:id', requires('people.manage'), responds({ 200: personSchema }), pathParams(idParam), jsonBody(updateBody), async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      await found(id);
      await deps.users.update(id, {
        ...(body.displayName === undefined ? {} : { displayName: body.displayName }),
        ...(body.password === undefined ? {} : { passwordHash: await hashPassword(body.password) }),
        ...(body.disabled === undefined ? {} : { disabled: body.disabled }),
      });
      // A new password or a disabled account ends the sessions that knew the old state.
      if (body.password !== undefined || body.disabled) await deps.auth.endSessionsOf(id);
      return c.json(await found(id), 200);
    })
    .put('/people/:id/roles', requires('people.manage'), responds({ 200: personSchema }), pathParams(idParam), jsonBody(z.object({ roles })), async (c) => {
      const { id } = c.req.valid('param');
      await found(id);
      await deps.users.setRoles(id, await knownRoles(c.req.valid('json').roles));
      await deps.auth.rolesChanged(id);
      return c.json(await found(id), 200);
    });
}
