import { describe, expect, it } from 'vitest';
import { createSite } from './site.ts';

describe('our hosts and origins', () => {
  const local = createSite({ publicUrl: 'http://localhost:8787', bindHost: '127.0.0.1', port: 8787 });
  const hosted = createSite({
    publicUrl: 'https://board.example.com',
    bindHost: '0.0.0.0',
    port: 8787,
    allowedHosts: ['board.internal', '10.0.0.5:8787'],
  });

  it('accepts an origin only when scheme, host and port all match', () => {
    expect(local.isOurOrigin('http://localhost:8787')).toBe(true);
    expect(local.isOurOrigin('http://127.0.0.1:8787')).toBe(true);
    expect(local.isOurOrigin('http://[::1]:8787')).toBe(true);
    for (const origin of [
      'http://localhost:8788',
      'https://localhost:8787',
      'http://localhost:8787/x',
      'null',
      'not a url',
      'http://[',
      '',
      'http://evil.example',
    ]) {
      expect(local.isOurOrigin(origin)).toBe(false);
    }
    expect(hosted.isOurOrigin('https://board.example.com')).toBe(true);
    expect(hosted.isOurOrigin('http://board.example.com')).toBe(false);
    expect(hosted.isOurOrigin('https://board.example.com:8443')).toBe(false);
    expect(hosted.isOurOrigin('http://localhost:8787')).toBe(false);
    expect(hosted.isOurOrigin('https://board.internal')).toBe(true);
    expect(hosted.isOurOrigin('http://10.0.0.5:8787')).toBe(true);
  });

  it('uses the real port once listening (PORT=0)', () => {
    const site = createSite({ publicUrl: 'http://localhost:0', bindHost: '127.0.0.1', port: 0 });
    site.listening(40123);
    expect(site.isOurOrigin('http://127.0.0.1:40123')).toBe(true);
    expect(site.isOurOrigin('http://127.0.0.1:40124')).toBe(false);
  });

  it('answers to localhost only when it listens on loopback, and to PUBLIC_URL and ALLOWED_HOSTS names', () => {
    expect(local.isOurHost('localhost:8787')).toBe(true);
    expect(local.isOurHost('127.0.0.1')).toBe(true);
    expect(local.isOurHost('[::1]:8787')).toBe(true);
    expect(local.isOurHost('evil.example')).toBe(false);
    expect(hosted.isOurHost('board.example.com')).toBe(true);
    expect(hosted.isOurHost('BOARD.example.com:443')).toBe(true);
    expect(hosted.isOurHost('board.internal:9000')).toBe(true);
    expect(hosted.isOurHost('10.0.0.5:8787')).toBe(true);
    expect(hosted.isOurHost('10.0.0.5:9999')).toBe(false);
    expect(hosted.isOurHost('localhost:8787')).toBe(false);
    for (const host of [undefined, '', '[', 'a b', 'localhost:x', 'user@localhost'])
      expect(local.isOurHost(host)).toBe(false);
  });
});
