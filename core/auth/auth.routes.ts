// Sign-in, sign-out and "who am I".
import { responds } from '../http/output.ts';
import { meSchema } from '../http/output.schemas.ts';
import { Hono } from 'hono';
import { z } from 'zod';
import { clientAddress } from '../http/client-address.ts';
import type { AppEnv } from '../http/env.ts';
import { actorOf, PUBLIC, requires, SIGNED_IN } from '../http/guard.ts';
import { clearSessionCookie, writeSessionCookie } from '../http/session.ts';
import { jsonBody } from '../http/validate.ts';
import type { OrgService } from '../org/org.service.ts';
import type { Actor } from './actor.ts';
import type { AuthService } from './auth.service.ts';
import { password as newPassword } from './people.routes.ts';

const signInBody = z.object({ email: z.string().trim().min(1).max(320), password: z.string().min(1).max(1024) });
const passwordChangeBody = z.object({ currentPassword: z.string().min(1).max(1024), newPassword });

async function describe(actor: Actor, org: OrgService) {
  const model = await org.current();
  return {
    id: actor.id,
    email: actor.email,
    displayName: actor.displayName,
    roles: actor.roles.map((id) => ({
      id,
      name: model?.role(id)?.name ?? id,
      department: model?.role(id)?.department ?? null,
    })),
    permissions: [...actor.permissions].sort(),
  };
}

/** `trustedProxies`: how many proxies of ours stand in front (TRUST_PROXY); 0 ignores X-Forwarded-For. */
export function authRoutes(auth: AuthService, org: OrgService, trustedProxies = 0) {
  return (
    new Hono<AppEnv>()
      .post('/auth/sign-in', requires(PUBLIC), responds({ 200: meSchema }), jsonBody(signInBody), async (c) => {
        const { email, password } = c.req.valid('json');
        const session = await auth.signIn(email, password, clientAddress(c, trustedProxies));
        writeSessionCookie(c, session.token, session.expiresAt);
        return c.json(await describe(session.actor, org), 200);
      })
      .post('/auth/sign-out', requires(SIGNED_IN), responds({ 204: null }), async (c) => {
        const token = c.get('sessionToken');
        if (token) await auth.signOut(token);
        clearSessionCookie(c);
        return c.body(null, 204);
      })
      .get('/me', requires(SIGNED_IN), responds({ 200: meSchema }), async (c) =>
        c.json(await describe(actorOf(c), org), 200),
      )
      .post('/me/password', requires(SIGNED_IN), responds({ 204: null }), jsonBody(passwordChangeBody), async (c) => {
        const { currentPassword, newPassword } = c.req.valid('json');
        const sessionToken = c.get('sessionToken')!;
        await auth.changePassword({
          actor: actorOf(c),
          sessionToken,
          currentPassword,
          newPassword,
          address: clientAddress(c, trustedProxies),
        });
        return c.body(null, 204);
      })
      // The UI asks who is signed in without a 401 (a browser logs every 401 as a console error) each
      // time it opens; the cookie is written again with the session's renewed end, so a person who
      // works every day is not signed out by the browser when the first cookie's date passes.
      .get('/session', requires(PUBLIC), responds({ 200: z.object({ me: meSchema.nullable() }) }), async (c) => {
        const actor = c.get('actor');
        const token = c.get('sessionToken');
        const expiresAt = c.get('sessionExpiresAt');
        if (token && expiresAt) writeSessionCookie(c, token, expiresAt);
        return c.json({ me: actor ? await describe(actor, org) : null }, 200);
      })
  );
}
