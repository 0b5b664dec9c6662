import { describe, expect, it } from 'vitest';
import { createBatcher } from './batcher.ts';

/** A batch runner whose batches the test releases by hand. */
function manual<Item, Result = Item>(answer: (item: Item) => Result = (item) => item as unknown as Result) {
  const batches: { items: Item[]; release(): void }[] = [];
  const run = (items: Item[]) =>
    new Promise<Result[]>((resolve) => {
      batches.push({ items, release: () => resolve(items.map(answer)) });
    });
  return { batches, run };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('batcher', () => {
  it('sends an item at once when nothing is out, and gathers what arrives meanwhile into one batch', async () => {
    const { batches, run } = manual<number, number>((n) => n * 10);
    const submit = createBatcher({ run, maxInFlight: 1, maxBatch: 10 });
    const first = submit(1);
    expect(batches.map((b) => b.items)).toEqual([[1]]);
    const rest = [submit(2), submit(3), submit(4)];
    expect(batches).toHaveLength(1);
    batches[0]!.release();
    expect(await first).toBe(10);
    await tick();
    expect(batches.map((b) => b.items)).toEqual([[1], [2, 3, 4]]);
    batches[1]!.release();
    expect(await Promise.all(rest)).toEqual([20, 30, 40]);
  });

  it('keeps batches within maxBatch and sends up to maxInFlight at once', async () => {
    const { batches, run } = manual<number>();
    const submit = createBatcher({ run, maxInFlight: 2, maxBatch: 2 });
    const all = [1, 2, 3, 4, 5, 6].map((n) => submit(n));
    expect(batches.map((b) => b.items)).toEqual([[1], [2]]);
    batches[0]!.release();
    await tick();
    expect(batches.map((b) => b.items)).toEqual([[1], [2], [3, 4]]);
    batches[1]!.release();
    await tick();
    batches[2]!.release();
    batches[3]!.release();
    expect(await Promise.all(all)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('never puts two items with one key in a batch, nor out at the same time', async () => {
    const { batches, run } = manual<{ card: number; n: number }>();
    const submit = createBatcher({ run, maxInFlight: 2, maxBatch: 10, key: (item) => item.card });
    const first = submit({ card: 7, n: 1 });
    const second = submit({ card: 7, n: 2 });
    const other = submit({ card: 8, n: 3 });
    // The second write of card 7 waits although a slot is free; card 8 goes.
    expect(batches.map((b) => b.items.map((item) => item.n))).toEqual([[1], [3]]);
    batches[0]!.release();
    await first;
    await tick();
    expect(batches.map((b) => b.items.map((item) => item.n))).toEqual([[1], [3], [2]]);
    batches[1]!.release();
    batches[2]!.release();
    expect((await Promise.all([second, other])).map((item) => item.n)).toEqual([2, 3]);
  });

  it('when a batch fails, runs each of its items alone, so only the bad one fails', async () => {
    const seen: number[][] = [];
    const submit = createBatcher<number, number>({
      maxInFlight: 1,
      maxBatch: 10,
      run: async (items) => {
        seen.push(items);
        if (items.includes(13)) throw new Error(`bad item in ${items.join(',')}`);
        return items.map((n) => n + 1);
      },
    });
    const blocker = submit(0);
    const results = Promise.allSettled([submit(12), submit(13), submit(14)]);
    await blocker;
    expect((await results).map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      13,
      'bad item in 13',
      15,
    ]);
    expect(seen).toEqual([[0], [12, 13, 14], [12], [13], [14]]);
  });
});
