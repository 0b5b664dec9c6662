import { describe, expect, it } from 'vitest';
import { addressFrom } from './client-address.ts';

describe('client address', () => {
  it('is the socket peer, whatever X-Forwarded-For says, when no proxy is trusted', () => {
    expect(addressFrom('203.0.113.7', '198.51.100.1', 0)).toBe('203.0.113.7');
    expect(addressFrom('203.0.113.7', undefined, 0)).toBe('203.0.113.7');
  });

  it('is the address our one trusted proxy appended, not what the client put in front of it', () => {
    expect(addressFrom('10.0.0.2', '1.2.3.4, 198.51.100.9', 1)).toBe('198.51.100.9');
    expect(addressFrom('10.0.0.2', '198.51.100.9', 1)).toBe('198.51.100.9');
  });

  it('counts trusted proxies from the right when there are several', () => {
    expect(addressFrom('10.0.0.3', 'spoofed, 198.51.100.9, 10.0.0.2', 2)).toBe('198.51.100.9');
  });

  it('falls back to the leftmost entry when the chain is shorter than the trusted hops', () => {
    expect(addressFrom('10.0.0.2', '198.51.100.9', 3)).toBe('198.51.100.9');
    expect(addressFrom('10.0.0.2', undefined, 1)).toBe('10.0.0.2');
  });

  it('writes an IPv4 peer on a dual-stack socket as IPv4, and IPv6 in lower case', () => {
    expect(addressFrom('::ffff:192.0.2.1', undefined, 0)).toBe('192.0.2.1');
    expect(addressFrom('2001:DB8::1', undefined, 0)).toBe('2001:db8::1');
  });

  it('is "unknown" without a socket and keeps a malformed entry short', () => {
    expect(addressFrom(undefined, undefined, 0)).toBe('unknown');
    expect(addressFrom('10.0.0.2', 'x'.repeat(500), 1)).toHaveLength(64);
  });
});
