// Reads the session cookie and puts the signed-in person (or null) on the context; sets the cookie.
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AuthService } from '../auth/auth.service.ts';
import type { AppEnv } from './env.ts';

export const SESSION_COOKIE = 'dutyboard_session';

const isHttps = (c: Context<AppEnv>) =>
  new URL(c.req.url).protocol === 'https:' || c.req.header('X-Forwarded-Proto') === 'https';

export function writeSessionCookie(c: Context<AppEnv>, token: string, expires: Date): void {
  setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: 'Lax', secure: isHttps(c), path: '/', expires });
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: isHttps(c) });
}

export function session(auth: AuthService): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = getCookie(c, SESSION_COOKIE) ?? null;
    const resolved = token ? await auth.actorForToken(token) : null;
    c.set('actor', resolved?.actor ?? null);
    c.set('sessionToken', resolved ? token : null);
    c.set('sessionExpiresAt', resolved?.expiresAt ?? null);
    if (token && !resolved) clearSessionCookie(c);
    await next();
  };
}
