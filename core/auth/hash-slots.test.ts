import { describe, expect, it, vi } from 'vitest';
import { createHashSlots } from './hash-slots.ts';

describe('password check slots', () => {
  it('lets at most perEmail checks of one email run at once, from any address', () => {
    const slots = createHashSlots({ perEmail: 2, perAddress: 10, total: 10 });
    const first = slots.tryTake('ann@x', '10.0.0.1');
    const second = slots.tryTake('ann@x', '10.0.0.2');
    expect(first).toBeTypeOf('function');
    expect(second).toBeTypeOf('function');
    expect(slots.tryTake('ann@x', '10.0.0.3')).toBeUndefined();
    expect(slots.tryTake('bob@x', '10.0.0.3')).toBeTypeOf('function');
    first!();
    expect(slots.tryTake('ann@x', '10.0.0.3')).toBeTypeOf('function');
  });

  it('lets at most perAddress checks from one address run at once, for any email', () => {
    const slots = createHashSlots({ perEmail: 10, perAddress: 3, total: 10 });
    const taken = ['a', 'b', 'c'].map((name) => slots.tryTake(`${name}@x`, '10.0.0.1'));
    expect(taken.every((release) => typeof release === 'function')).toBe(true);
    expect(slots.tryTake('d@x', '10.0.0.1')).toBeUndefined();
    expect(slots.tryTake('d@x', '10.0.0.2')).toBeTypeOf('function');
  });

  it('caps all checks in flight, and a refused take holds nothing', () => {
    const slots = createHashSlots({ perEmail: 5, perAddress: 5, total: 2 });
    slots.tryTake('a@x', '1');
    const second = slots.tryTake('b@x', '2');
    expect(slots.tryTake('c@x', '3')).toBeUndefined();
    expect(slots.inFlight()).toBe(2);
    second!();
    expect(slots.inFlight()).toBe(1);
    expect(slots.tryTake('c@x', '3')).toBeTypeOf('function');
  });

  it('gives a slot back only once however often release is called', () => {
    const slots = createHashSlots({ perEmail: 1, perAddress: 5, total: 5 });
    const release = slots.tryTake('a@x', '1')!;
    const other = slots.tryTake('b@x', '1')!;
    release();
    release();
    expect(slots.inFlight()).toBe(1);
    expect(slots.tryTake('a@x', '1')).toBeTypeOf('function');
    expect(slots.tryTake('a@x', '1')).toBeUndefined();
    other();
  });
});

describe('waiting for a password check slot', () => {
  it('lets a check wait for a slot and admits it when one is given back', async () => {
    const slots = createHashSlots({ perEmail: 5, perAddress: 1, total: 5 });
    const first = slots.tryTake('a@x', 'office');
    const second = slots.take('b@x', 'office');
    expect(slots.waiting()).toBe(1);
    first!();
    const release = await second;
    expect(release).toBeTypeOf('function');
    expect(slots.inFlight()).toBe(1);
    expect(slots.waiting()).toBe(0);
  });

  it('refuses at once when the line for an address is full', async () => {
    const slots = createHashSlots({ perEmail: 5, perAddress: 1, total: 5, waitingPerAddress: 2 });
    slots.tryTake('a@x', 'office');
    void slots.take('b@x', 'office');
    void slots.take('c@x', 'office');
    expect(await slots.take('d@x', 'office')).toBeUndefined();
    expect(slots.waiting()).toBe(2);
    expect(await slots.take('d@x', 'elsewhere')).toBeTypeOf('function');
  });

  it('refuses a check whose wait runs out, and it holds nothing afterwards', async () => {
    vi.useFakeTimers();
    try {
      const slots = createHashSlots({ perEmail: 1, perAddress: 5, total: 5, maxWaitMs: 2_000 });
      const first = slots.tryTake('a@x', '1');
      const waiting = slots.take('a@x', '2');
      await vi.advanceTimersByTimeAsync(2_001);
      expect(await waiting).toBeUndefined();
      expect(slots.waiting()).toBe(0);
      first!();
      expect(slots.inFlight()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
