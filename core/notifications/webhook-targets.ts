// Where webhooks may be sent: not to this machine or its private network (a webhook URL is chosen by a
// roles editor, and a request from the server to 127.0.0.1 or 169.254.169.254 reaches what no person
// can). Checked when a webhook is added and again for every delivery, on the address actually resolved
// and connected to (a name can resolve elsewhere by then), unless WEBHOOK_ALLOW_HOSTS names the host.
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';

const RANGES: [reason: string, family: 'ipv4' | 'ipv6', network: string, prefix: number][] = [
  ['unspecified', 'ipv4', '0.0.0.0', 8],
  ['private', 'ipv4', '10.0.0.0', 8],
  ['private', 'ipv4', '100.64.0.0', 10], // carrier-grade NAT
  ['loopback', 'ipv4', '127.0.0.0', 8],
  ['link-local', 'ipv4', '169.254.0.0', 16],
  ['private', 'ipv4', '172.16.0.0', 12],
  ['reserved', 'ipv4', '192.0.0.0', 24],
  ['private', 'ipv4', '192.168.0.0', 16],
  ['reserved', 'ipv4', '198.18.0.0', 15],
  ['multicast', 'ipv4', '224.0.0.0', 4],
  ['reserved', 'ipv4', '240.0.0.0', 4], // and 255.255.255.255
  ['unspecified', 'ipv6', '::', 128],
  ['loopback', 'ipv6', '::1', 128],
  ['link-local', 'ipv6', 'fe80::', 10],
  ['link-local', 'ipv6', 'fec0::', 10], // the retired site-local range
  ['unique-local', 'ipv6', 'fc00::', 7],
  ['multicast', 'ipv6', 'ff00::', 8],
];

const lists = new Map<string, BlockList>();
for (const [reason, family, network, prefix] of RANGES) {
  if (!lists.has(reason)) lists.set(reason, new BlockList());
  lists.get(reason)!.addSubnet(network, prefix, family);
}

/** An IPv4 address inside IPv6 (`::ffff:a.b.c.d`, `::a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`) is judged as IPv4. */
const carriesIpv4 = new BlockList();
for (const prefix of ['::ffff:0:0', '::', '64:ff9b::']) carriesIpv4.addSubnet(prefix, 96, 'ipv6');

function embeddedIpv4(address: string): string | undefined {
  if (!carriesIpv4.check(address, 'ipv6')) return undefined;
  const groups = address.includes('.') ? undefined : address.split(':').slice(-2);
  if (!groups) return /(\d+\.\d+\.\d+\.\d+)$/.exec(address)?.[1];
  const [high, low] = groups.map((group) => parseInt(group || '0', 16)) as [number, number];
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** Why a connection to this IP address is refused ("loopback", "private", …), or undefined when it is allowed. */
export function forbiddenAddress(address: string): string | undefined {
  const family = isIP(address);
  if (family === 0) return 'not an IP address';
  for (const [reason, list] of lists) if (list.check(address, family === 4 ? 'ipv4' : 'ipv6')) return reason;
  const v4 = family === 6 ? embeddedIpv4(address) : undefined;
  return v4 ? forbiddenAddress(v4) : undefined;
}

/** A URL's host as compared with the allow-list: lower case, IPv6 without brackets, no trailing dot. */
const hostOf = (url: URL) =>
  url.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();

export type Resolve = (hostname: string) => Promise<LookupAddress[]>;

const CREATION_LOOKUP_MS = 2000;

const systemResolve: Resolve = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    ),
  );

/** A refused target: the reason is shown to whoever added the webhook and kept in the outbox. */
export class ForbiddenTarget extends Error {
  override readonly name = 'ForbiddenTarget';
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * `allowHosts`: host names and IP addresses that may be reached even though they are local (the
 * WEBHOOK_ALLOW_HOSTS setting); `resolve`: the name resolver (tests give their own).
 */
export function createWebhookTargets(options: { allowHosts?: readonly string[]; resolve?: Resolve } = {}) {
  const allowed = new Set(
    (options.allowHosts ?? [])
      .map((host) =>
        host
          .trim()
          .replace(/^\[|\]$/g, '')
          .replace(/\.$/, '')
          .toLowerCase(),
      )
      .filter(Boolean),
  );
  const resolve = options.resolve ?? systemResolve;
  const isAllowed = (host: string) => allowed.has(host);
  /** No answer in time counts as no answer: adding a webhook does not hang on a slow resolver. */
  const resolveWithin = (host: string, ms: number) =>
    new Promise<LookupAddress[]>((done) => {
      const timer = setTimeout(() => done([]), ms);
      resolve(host).then(
        (addresses) => {
          clearTimeout(timer);
          done(addresses);
        },
        () => {
          clearTimeout(timer);
          done([]);
        },
      );
    });

  function refusal(host: string, address: string): string | undefined {
    const reason = forbiddenAddress(address);
    return (
      reason &&
      `${host === address ? address : `${host} resolves to ${address}`}, ${reason === 'unspecified' ? 'an' : 'a'} ${reason} address`
    );
  }

  return {
    isAllowed,
    /** Why the address a delivery connected to may not be reached, or undefined when it may. */
    refusalOfConnected(url: URL, address: string): string | undefined {
      return isAllowed(hostOf(url))
        ? undefined
        : refusal(hostOf(url), address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1'));
    },
    /**
     * Why a webhook URL is refused when it is added, or undefined. A name that does not resolve now
     * is accepted: every delivery checks the address again.
     */
    async refusalOf(value: string): Promise<string | undefined> {
      const host = hostOf(new URL(value));
      if (isAllowed(host)) return undefined;
      if (host === 'localhost' || host.endsWith('.localhost')) return `${host} is this machine (loopback)`;
      if (isIP(host)) return refusal(host, host);
      const addresses = await resolveWithin(host, CREATION_LOOKUP_MS);
      for (const { address } of addresses) {
        const refused = refusal(host, address);
        if (refused) return refused;
      }
      return undefined;
    },
    /** A `lookup` for node:http(s) requests: resolves the name and refuses a forbidden answer before connecting. */
    lookup(hostname: string, lookupOptions: LookupOptions, callback: LookupCallback): void {
      const host = hostname.replace(/\.$/, '').toLowerCase();
      resolve(host).then(
        (addresses) => {
          const wanted =
            lookupOptions.family === 4 || lookupOptions.family === 6
              ? addresses.filter((a) => a.family === lookupOptions.family)
              : addresses;
          if (!wanted.length)
            return callback(Object.assign(new Error(`${host} has no address`), { code: 'ENOTFOUND' }), []);
          const refused = isAllowed(host) ? undefined : wanted.map((a) => refusal(host, a.address)).find(Boolean);
          if (refused) return callback(new ForbiddenTarget(refused), []);
          if (lookupOptions.all) callback(null, wanted);
          else callback(null, wanted[0]!.address, wanted[0]!.family);
        },
        (error: NodeJS.ErrnoException) => callback(error, []),
      );
    },
  };
}

export type WebhookTargets = ReturnType<typeof createWebhookTargets>;
