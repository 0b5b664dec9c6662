import { describe, expect, it } from 'vitest';
import { TITLE_LIMIT_BYTES, titleBytes, titleBytesOperation } from './title-bytes.ts';

describe('a title measured as Taobao counts it', () => {
  it('counts a Chinese character 2 and an ASCII one 1', () => {
    expect(titleBytes('abc 123')).toBe(7);
    expect(titleBytes('冰丝T恤')).toBe(7);
    expect(titleBytes('，！')).toBe(4); // full-width punctuation
  });

  it('fits 30 Chinese characters, not 31', () => {
    expect(titleBytes('夏'.repeat(30))).toBe(TITLE_LIMIT_BYTES);
    expect(titleBytes('夏'.repeat(31))).toBeGreaterThan(TITLE_LIMIT_BYTES);
  });

  it('measures a missing title as 0 in rules', () => {
    expect(titleBytesOperation(null)).toBe(0);
    expect(titleBytesOperation('2026新款')).toBe(8);
  });
});
