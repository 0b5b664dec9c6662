import type { LookupAddress } from 'node:dns';
import { describe, expect, it, vi } from 'vitest';
import { createWebhookTargets, forbiddenAddress, ForbiddenTarget } from './webhook-targets.ts';

const resolver =
  (table: Record<string, string[]>) =>
  async (host: string): Promise<LookupAddress[]> => {
    const addresses = table[host];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

describe('forbidden addresses', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['255.255.255.255', 'reserved'],
    // IPv4 inside IPv6: mapped, compatible and NAT64 forms are judged as the IPv4 address they carry.
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['::7f00:1', 'loopback'],
    ['64:ff9b::a00:1', 'private'],
  ])('refuses %s (%s)', (address, reason) => {
    expect(forbiddenAddress(address)).toBe(reason);
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808'])(
    'allows the public address %s',
    (address) => {
      expect(forbiddenAddress(address)).toBeUndefined();
    },
  );
});

describe('webhook targets', () => {
  const targets = createWebhookTargets({
    resolve: resolver({ 'hooks.example.com': ['93.184.216.34'], 'sneaky.example.com': ['93.184.216.34', '10.0.0.7'] }),
  });

  it.each([
    ['http://127.0.0.1/in', '127.0.0.1, a loopback address'],
    ['http://0x7f000001/in', '127.0.0.1, a loopback address'],
    ['http://2130706433/in', '127.0.0.1, a loopback address'],
    ['http://127.1/in', '127.0.0.1, a loopback address'],
    ['http://[::1]:8080/in', '::1, a loopback address'],
    ['http://localhost:8787/in', 'localhost is this machine (loopback)'],
    ['http://LOCALHOST./in', 'localhost is this machine (loopback)'],
    ['http://api.localhost/in', 'api.localhost is this machine (loopback)'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254, a link-local address'],
    ['http://[::ffff:127.0.0.1]/in', '::ffff:7f00:1, a loopback address'],
    ['https://10.0.0.5/in', '10.0.0.5, a private address'],
    ['https://[fd00::5]/in', 'fd00::5, a unique-local address'],
    ['http://224.0.0.1/in', '224.0.0.1, a multicast address'],
    ['http://0.0.0.0:8787/in', '0.0.0.0, an unspecified address'],
    ['http://[::]/in', '::, an unspecified address'],
    ['https://sneaky.example.com/in', 'sneaky.example.com resolves to 10.0.0.7, a private address'],
  ])('refuses %s when it is added', async (url, reason) => {
    expect(await targets.refusalOf(url)).toBe(reason);
  });

  it('accepts public addresses, names that resolve to them, and names that do not resolve yet (checked again at delivery)', async () => {
    expect(await targets.refusalOf('https://93.184.216.34/in')).toBeUndefined();
    expect(await targets.refusalOf('https://hooks.example.com/in')).toBeUndefined();
    expect(await targets.refusalOf('https://not-yet.example.com/in')).toBeUndefined();
  });

  it('does not hang adding a webhook on a resolver that never answers: after 2 s the name counts as unresolved', async () => {
    vi.useFakeTimers();
    try {
      const silent = createWebhookTargets({ resolve: () => new Promise<LookupAddress[]>(() => undefined) });
      const refusal = silent.refusalOf('https://slow.example.com/in');
      await vi.advanceTimersByTimeAsync(2000);
      expect(await refusal).toBeUndefined();
    } finally {
      vi.useRealTimers();
    }
  });

  it('allows exactly the hosts WEBHOOK_ALLOW_HOSTS names, whatever they resolve to', async () => {
    const allowing = createWebhookTargets({
      allowHosts: ['127.0.0.1', 'Hooks.Internal', '[::1]'],
      resolve: resolver({ 'hooks.internal': ['10.0.0.9'] }),
    });
    expect(await allowing.refusalOf('http://127.0.0.1:9000/in')).toBeUndefined();
    expect(await allowing.refusalOf('http://[::1]:9000/in')).toBeUndefined();
    expect(await allowing.refusalOf('http://hooks.internal/in')).toBeUndefined();
    expect(await allowing.refusalOf('http://localhost:9000/in')).toBe('localhost is this machine (loopback)');
    expect(await allowing.refusalOf('http://127.0.0.2/in')).toBe('127.0.0.2, a loopback address');
    expect(allowing.refusalOfConnected(new URL('http://hooks.internal/in'), '10.0.0.9')).toBeUndefined();
    expect(allowing.refusalOfConnected(new URL('http://other.internal/in'), '::ffff:10.0.0.9')).toBe(
      'other.internal resolves to 10.0.0.9, a private address',
    );
  });

  it('resolves for the connection itself and refuses a forbidden answer there', async () => {
    const lookup = (host: string, options: { all?: boolean; family?: number }) =>
      new Promise<{ error: Error | null; address: unknown }>((resolve) =>
        targets.lookup(host, options, (error, address) => resolve({ error, address })),
      );
    expect(await lookup('hooks.example.com', { all: true })).toEqual({
      error: null,
      address: [{ address: '93.184.216.34', family: 4 }],
    });
    expect(await lookup('hooks.example.com', {})).toEqual({ error: null, address: '93.184.216.34' });
    const refused = await lookup('sneaky.example.com', { all: true });
    expect(refused.error).toBeInstanceOf(ForbiddenTarget);
    expect(refused.error!.message).toBe('sneaky.example.com resolves to 10.0.0.7, a private address');
    expect((await lookup('hooks.example.com', { family: 6 })).error).toMatchObject({ code: 'ENOTFOUND' });
  });
});
