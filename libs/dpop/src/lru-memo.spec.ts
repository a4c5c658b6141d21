import { describe, expect, it } from '@jest/globals';
import { LruMemo } from './lru-memo.js';

describe('LruMemo', () => {
  it('computes a key once while it stays among the most recently used', () => {
    const computed: string[] = [];
    const memo = new LruMemo((key) => (computed.push(key), key.toUpperCase()), 2);
    expect([memo.of('a'), memo.of('b'), memo.of('a'), memo.of('c'), memo.of('a'), memo.of('b')]).toEqual(['A', 'B', 'A', 'C', 'A', 'B']);
    // 'c' pushed out 'b' (least recently used), not 'a' (used just before).
    expect(computed).toEqual(['a', 'b', 'c', 'b']);
  });

  it('never remembers a throw', () => {
    let calls = 0;
    const memo = new LruMemo((key) => {
      calls++;
      if (key === 'bad') throw new Error('refused');
      return key.length;
    }, 10);
    expect(() => memo.of('bad')).toThrow('refused');
    expect(() => memo.of('bad')).toThrow('refused');
    expect(calls).toBe(2);
  });
});
