// A small in-process cache whose entries expire, for data read on every request that other server
// processes may change: there, a change shows here within `ttlMs`; changes made by this process are
// dropped from the cache at once by its owner. Concurrent misses for one key share one load.
export interface TtlCache<K, V> {
  get(key: K, load: () => Promise<V>): Promise<V>;
  delete(key: K): void;
  deleteWhere(matches: (value: V) => boolean): void;
  clear(): void;
}

export function createTtlCache<K, V>(options: {
  ttlMs: number;
  maxEntries: number;
  now?: () => number;
}): TtlCache<K, V> {
  const now = options.now ?? Date.now;
  const entries = new Map<K, { value: Promise<V>; settled?: V; at: number }>();
  return {
    get(key, load) {
      const entry = entries.get(key);
      if (entry && now() - entry.at < options.ttlMs) return entry.value;
      if (entries.size >= options.maxEntries) entries.delete(entries.keys().next().value as K);
      const fresh: { value: Promise<V>; settled?: V; at: number } = { value: load(), at: now() };
      entries.delete(key);
      entries.set(key, fresh);
      fresh.value.then(
        (value) => (fresh.settled = value),
        () => entries.get(key) === fresh && entries.delete(key),
      );
      return fresh.value;
    },
    delete: (key) => void entries.delete(key),
    /** Loads still in flight are dropped too: they may have read what just changed. */
    deleteWhere(matches) {
      for (const [key, entry] of entries) if (!('settled' in entry) || matches(entry.settled as V)) entries.delete(key);
    },
    clear: () => entries.clear(),
  };
}
