import { describe, expect, it } from 'vitest';
import { createTtlCache } from './ttl-cache.ts';

describe('createTtlCache', () => {
  it('loads once within the lifetime, again after it, and shares one load between concurrent misses', async () => {
    let clock = 0;
    let loads = 0;
    const cache = createTtlCache<string, number>({ ttlMs: 100, maxEntries: 10, now: () => clock });
    const load = async () => ++loads;
    expect(await Promise.all([cache.get('a', load), cache.get('a', load)])).toEqual([1, 1]);
    clock = 99;
    expect(await cache.get('a', load)).toBe(1);
    clock = 100;
    expect(await cache.get('a', load)).toBe(2);
  });

  it('forgets a key, the entries a predicate picks, and a failed load', async () => {
    let loads = 0;
    const cache = createTtlCache<string, { user: string; n: number }>({ ttlMs: 60_000, maxEntries: 10 });
    await cache.get('t1', async () => ({ user: 'u1', n: ++loads }));
    await cache.get('t2', async () => ({ user: 'u2', n: ++loads }));
    cache.deleteWhere((value) => value.user === 'u1');
    expect((await cache.get('t1', async () => ({ user: 'u1', n: ++loads }))).n).toBe(3);
    expect((await cache.get('t2', async () => ({ user: 'u2', n: ++loads }))).n).toBe(2);
    cache.delete('t2');
    expect((await cache.get('t2', async () => ({ user: 'u2', n: ++loads }))).n).toBe(4);
    await expect(cache.get('t3', async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect((await cache.get('t3', async () => ({ user: 'u3', n: ++loads }))).n).toBe(5);
  });

  it('keeps at most maxEntries, dropping the oldest', async () => {
    let loads = 0;
    const cache = createTtlCache<number, number>({ ttlMs: 60_000, maxEntries: 2 });
    for (const key of [1, 2, 3]) await cache.get(key, async () => ++loads);
    expect(await cache.get(2, async () => ++loads)).toBe(2);
    expect(await cache.get(1, async () => ++loads)).toBe(4);
  });
});
