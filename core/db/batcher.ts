// Group commit for single-row statements. Under load many one-card reads and writes arrive while
// earlier ones are on their way to the database, and each round trip costs far more than the row it
// carries (measured here: a loopback socket write alone is ~0.1 ms of CPU, and every statement is its
// own commit). So while `maxInFlight` batches are out, new items wait and leave together in the next
// batch, one statement for all of them. With nothing in flight an item leaves at once: a quiet system
// sees no added wait. A batch is nobody's transaction: it runs outside any connection its caller holds,
// and an item from inside one (the embedded database lends it: core/db/pglite-dialect.ts) runs alone, there.
import { holdsConnection, outsideHeldConnections } from './pglite-dialect.ts';

export interface BatcherOptions<Item, Result> {
  /** Runs one batch as one statement; returns a result per item, in the items' order. */
  run(items: Item[]): Promise<Result[]>;
  /** Batches out at once (each holds a pooled connection while out). */
  maxInFlight: number;
  maxBatch: number;
  /** Items with the same key never share a batch nor are out together (e.g. two writes of one card). */
  key?(item: Item): unknown;
}

interface Waiting<Item, Result> {
  item: Item;
  resolve(result: Result): void;
  reject(error: unknown): void;
}

export function createBatcher<Item, Result>(options: BatcherOptions<Item, Result>): (item: Item) => Promise<Result> {
  const queue: Waiting<Item, Result>[] = [];
  const keysOut = new Set<unknown>();
  let inFlight = 0;

  const takeBatch = (): { batch: Waiting<Item, Result>[]; keys: unknown[] } => {
    const batch: Waiting<Item, Result>[] = [];
    const keys: unknown[] = [];
    for (let index = 0; index < queue.length && batch.length < options.maxBatch; ) {
      const key = options.key?.(queue[index]!.item);
      if (options.key && (keysOut.has(key) || keys.includes(key))) {
        index++;
        continue;
      }
      if (options.key) keys.push(key);
      batch.push(queue.splice(index, 1)[0]!);
    }
    return { batch, keys };
  };

  const settle = async (batch: Waiting<Item, Result>[]) => {
    try {
      const results = await options.run(batch.map((waiting) => waiting.item));
      batch.forEach((waiting, index) => {
        waiting.resolve(results[index]!);
      });
    } catch (error) {
      if (batch.length === 1) batch[0]!.reject(error);
      // One bad item must not fail the others: each runs alone and gets its own answer.
      else for (const waiting of batch) await settle([waiting]);
    }
  };

  const pump = () => {
    while (inFlight < options.maxInFlight && queue.length > 0) {
      const { batch, keys } = takeBatch();
      if (batch.length === 0) return;
      inFlight++;
      for (const key of keys) keysOut.add(key);
      void outsideHeldConnections(() => settle(batch)).finally(() => {
        inFlight--;
        for (const key of keys) keysOut.delete(key);
        pump();
      });
    }
  };

  return (item) => {
    if (holdsConnection()) return options.run([item]).then((results) => results[0]!);
    return new Promise<Result>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      pump();
    });
  };
}
