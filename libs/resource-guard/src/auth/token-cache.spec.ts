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

  it('drops the entries past their deadline when it takes a new one, not only when they are asked for', () => {
    let now = 0;
    const sut = new TokenCache<string>(10, 100, () => now);
    sut.set('a', 'v');
    sut.set('b', 'v');
    now = 50;
    sut.set('c', 'v');
    now = 120;
    sut.set('d', 'v');
    // a and b (deadline 100) are gone; c (150) and d stay.
    expect(sut.size).toBe(2);
    expect(sut.get('c')).toBe('v');
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

  it('answers a repeated key from the last hit, and never after the entry is gone', () => {
    let now = 0;
    const sut = new TokenCache<string>(1, 100, () => now);
    sut.set('t', 'v');
    expect(sut.get('t')).toBe('v');
    // A fresh but equal string, as each request's header holds.
    expect(sut.get(['t'].join(''))).toBe('v');
    sut.clear();
    expect(sut.get('t')).toBeUndefined();
    sut.set('t', 'v');
    expect(sut.get('t')).toBe('v');
    // 't' was used: it gets its second chance over 'u', then goes for 'w'.
    sut.set('u', 'x');
    sut.set('w', 'y');
    expect(sut.size).toBe(1);
    expect(sut.get('t')).toBeUndefined();
    expect(sut.get('w')).toBe('y');
    now = 100;
    expect(sut.get('w')).toBeUndefined();
    expect(sut.size).toBe(0);
  });

  it('answers a replaced key with its new value', () => {
    const sut = new TokenCache<string>(10, 60_000);
    sut.set('t', 'old');
    expect(sut.get('t')).toBe('old');
    sut.set('t', 'new');
    expect(sut.get('t')).toBe('new');
  });
});
