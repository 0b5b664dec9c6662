// Which addresses are this server's own: the host names it answers to (against DNS rebinding) and the
// origins whose pages may change things or open live sockets (against cross-site requests).
// Nothing here throws on what a client sends: a malformed Origin or Host is simply not ours.
import { isLoopbackAddress, parseUrl, splitHost } from '../host-names.ts';

export interface SiteOptions {
  /** Where people open Dutyboard (PUBLIC_URL). */
  publicUrl: string;
  /** The interface the server listens on (HOST). */
  bindHost: string;
  /**
   * The configured port; `listening()` replaces it with the real one (PORT=0 picks one). Left out, a
   * loopback server's own origins may carry any port (an app served in-process, as tests do).
   */
  port?: number;
  /** ALLOWED_HOSTS: further names the server answers to, `name` or `name:port`. */
  allowedHosts?: readonly string[];
}

export interface Site {
  /** Is this Host header value (`name` or `name:port`) one of ours? */
  isOurHost(host: string | undefined): boolean;
  /** Is this Origin header value one of ours, by scheme, host and port? `null` and garbage are not. */
  isOurOrigin(origin: string): boolean;
  /** Called once the server listens, so the loopback origins carry the real port. */
  listening(port: number): void;
  /** The host names accepted, for error messages and the start log. */
  readonly hostNames: readonly string[];
  /** PUBLIC_URL's origin, where changes are expected to come from. */
  readonly publicOrigin: string;
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/** The site of an app with no configuration of its own (tests): localhost on any port. */
export const localSite = (): Site => createSite({ publicUrl: 'http://localhost', bindHost: '127.0.0.1' });

export function createSite(options: SiteOptions): Site {
  const loopback = isLoopbackAddress(options.bindHost);
  const publicOrigin = new URL(options.publicUrl).origin;
  const publicName = new URL(options.publicUrl).hostname;
  const allowed = (options.allowedHosts ?? []).map((entry) => splitHost(entry)).filter((entry) => entry !== null);
  let port = options.port;

  const hostNames = [
    ...new Set([publicName, ...allowed.map((entry) => entry.name), ...(loopback ? LOOPBACK_NAMES : [])]),
  ];

  function isOurHost(host: string | undefined): boolean {
    if (!host) return false;
    const split = splitHost(host);
    if (!split) return false;
    if (split.name === publicName) return true;
    if (loopback && isLoopbackAddress(split.name)) return true;
    return allowed.some((entry) => entry.name === split.name && (entry.port === '' || entry.port === split.port));
  }

  function isOurOrigin(origin: string): boolean {
    const parsed = parseUrl(origin);
    // Browsers send exactly scheme://host[:port]; `null`, paths and anything else are not ours.
    if (!parsed || parsed.origin !== origin) return false;
    if (parsed.origin === publicOrigin) return true;
    if (
      loopback &&
      parsed.protocol === 'http:' &&
      isLoopbackAddress(parsed.hostname) &&
      (port === undefined || Number(parsed.port || 80) === port)
    )
      return true;
    return allowed.some(
      (entry) =>
        entry.name === parsed.hostname && (entry.port === '' ? parsed.port === '' : entry.port === parsed.port),
    );
  }

  return {
    isOurHost,
    isOurOrigin,
    listening(actual) {
      port = actual;
    },
    hostNames,
    publicOrigin,
  };
}
