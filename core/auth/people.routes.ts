// People and their roles, managed by holders of people.manage (within the rules of people.service.ts).
import { Hono } from 'hono';
import { responds } from '../http/output.ts';
import { personSchema } from '../http/output.schemas.ts';
import { z } from 'zod';
import type { AppEnv } from '../http/env.ts';
import { actorOf, requires } from '../http/guard.ts';
import { jsonBody, pathParams } from '../http/validate.ts';
import type { PeopleService } from './people.service.ts';
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

export function peopleRoutes(deps: { users: UsersRepository; people: PeopleService }) {
  return new Hono<AppEnv>()
    .get('/people', requires('org.view'), responds({ 200: z.array(personSchema) }), async (c) =>
      c.json(await deps.users.list(), 200),
    )
    .post('/people', requires('people.manage'), responds({ 201: personSchema }), jsonBody(createBody), async (c) =>
      c.json(await deps.people.create(actorOf(c), c.req.valid('json')), 201),
    )
    .patch(
      '/people/:id',
      requires('people.manage'),
      responds({ 200: personSchema }),
      pathParams(idParam),
      jsonBody(updateBody),
      async (c) => c.json(await deps.people.update(actorOf(c), c.req.valid('param').id, c.req.valid('json')), 200),
    )
    .put(
      '/people/:id/roles',
      requires('people.manage'),
      responds({ 200: personSchema }),
      pathParams(idParam),
      jsonBody(z.object({ roles })),
      async (c) =>
        c.json(await deps.people.setRoles(actorOf(c), c.req.valid('param').id, c.req.valid('json').roles), 200),
    );
}
