import { describe, expect, it } from '@jest/globals';
import { TokenCache } from './token-cache.js';

describe(TokenCache.name, () => {
  it('forgets an entry at its own deadline', () => {
    let now = 1000;
    const sut = new TokenCache<string>(10, 60_000, () => now);
    sut.set('t', 'v', 2000);
    expect(sut.get('t')).toBe('v');
    now = 2000;
    expect(sut.get('t')).toBeUndefined();
  });

  it('caps an entry without deadline by the max age', () => {
    let now = 0;
    const sut = new TokenCache<string>(10, 100, () => now);
    sut.set('t', 'v');
    now = 99;
    expect(sut.get('t')).toBe('v');
    now = 100;
    expect(sut.get('t')).toBeUndefined();
  });

  it('evicts the least recently used entry beyond its bound', () => {
    const sut = new TokenCache<number>(2, 60_000);
    sut.set('a', 1);
    sut.set('b', 2);
    sut.get('a');
    sut.set('c', 3);
    expect(sut.get('b')).toBeUndefined();
    expect(sut.get('a')).toBe(1);
    expect(sut.size).toBe(2);
  });
});
