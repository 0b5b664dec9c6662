// Host names and URLs as configuration and requests give them: which are loopback, and `name:port` split.
// Pure functions, shared by the configuration (core/config.ts) and the server's own site (core/http/site.ts).

export function isLoopbackAddress(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

export function parseUrl(url: string): URL | null {
  return URL.canParse(url) ? new URL(url) : null;
}

/** Is this URL one only this machine can reach (http://localhost:8787 and the like)? */
export function isLocalUrl(url: string): boolean {
  const parsed = parseUrl(url);
  return parsed !== null && isLoopbackAddress(parsed.hostname);
}

const HOST = /^([a-z0-9][a-z0-9.-]*|\[[0-9a-f:.]+\])(?::(\d{1,5}))?$/i;

/** `name` or `name:port` (IPv6 in brackets) → lower-case name and port ('' when none); null if malformed. */
export function splitHost(host: string): { name: string; port: string } | null {
  const match = HOST.exec(host);
  return match ? { name: match[1]!.toLowerCase(), port: match[2] ?? '' } : null;
}
