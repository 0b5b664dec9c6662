// Guards every request passes before it is routed: it must name one of our hosts (against DNS
// rebinding of a local server), a state-changing request must come from one of our origins (against
// cross-site requests, body-less POSTs included), and every answer carries the browser's security
// headers (CSP with frame-ancestors, nosniff, Referrer-Policy).
import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { AppError } from '../errors.ts';
import type { AppEnv } from './env.ts';
import type { Site } from './site.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function hostGuard(site: Site): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    // The Host header, and the host of the URL built from it (or from an absolute request target).
    for (const host of [c.req.header('host'), new URL(c.req.url).host]) {
      if (host === undefined || site.isOurHost(host)) continue;
      throw new AppError(
        'HOST_NOT_ALLOWED',
        `This server does not answer to the host "${host.slice(0, 100)}"; it answers to ${site.hostNames.join(', ')}. If that is this server's address too, add it to ALLOWED_HOSTS.`,
        { host: host.slice(0, 100) },
      );
    }
    await next();
  };
}

/**
 * Browsers send Origin with every request that is not a GET, same-origin ones included. A request
 * without Origin and without Sec-Fetch-Site does not come from a browser page (curl, scripts, the
 * CLI), so it cannot be a forged cross-site request: it must hold the session cookie itself.
 */
export function originGuard(site: Site): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!SAFE_METHODS.has(c.req.method)) {
      const origin = c.req.header('origin');
      const fetchSite = c.req.header('sec-fetch-site');
      const refused =
        origin !== undefined
          ? !site.isOurOrigin(origin)
          : fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none';
      if (refused) {
        const from =
          origin === undefined
            ? `another site (Sec-Fetch-Site: ${fetchSite!.slice(0, 40)})`
            : `"${origin.slice(0, 100)}"`;
        throw new AppError(
          'ORIGIN_NOT_ALLOWED',
          `Refused: this ${c.req.method} came from ${from}, not from a page of ${site.publicOrigin}.`,
          { origin: origin?.slice(0, 100) ?? null },
        );
      }
    }
    await next();
  };
}

export function securityHeaders(site: Site): MiddlewareHandler<AppEnv> {
  const socketOrigin = site.publicOrigin.replace(/^http/, 'ws');
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      // Solid sets style attributes; no inline scripts are needed anywhere.
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'", socketOrigin],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    xFrameOptions: 'DENY',
    referrerPolicy: 'same-origin',
  });
}
