import { describe, expect, it } from 'vitest';
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
