import { describe, expect, it } from 'vitest';
import { positionBetween } from './positions.ts';

describe('positionBetween', () => {
  it('stays strictly between its neighbours and differs between calls for the same gap', () => {
    const first = positionBetween(null, null);
    const last = positionBetween(first, null);
    const keys = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const key = positionBetween(first, last);
      expect(key > first && key < last).toBe(true);
      keys.add(key);
    }
    // Random tails: a collision is possible but must stay rare (expected ~0.00004 of one here).
    expect(keys.size).toBeGreaterThanOrEqual(1998);
  });

  it('can keep splitting the same gap', () => {
    let low = positionBetween(null, null);
    const high = positionBetween(low, null);
    for (let i = 0; i < 200; i++) {
      const next = positionBetween(low, high);
      expect(next > low && next < high).toBe(true);
      low = next;
    }
  });
});
