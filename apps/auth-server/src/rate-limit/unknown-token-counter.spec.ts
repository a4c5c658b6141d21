import { describe, expect, it } from '@jest/globals';
import { UnknownTokenCounter } from './unknown-token-counter.js';

describe(UnknownTokenCounter.name, () => {
  const policy = { maxUnknownTokens: 3, windowSeconds: 60 };

  it('locks a key at its n-th distinct unknown token, until the window that began with the first one ends', () => {
    let now = 0;
    const sut = new UnknownTokenCounter(policy, 100, () => now);
    expect(sut.counted('rs', 'a')).toBe(false);
    now = 10_000;
    expect(sut.counted('rs', 'b')).toBe(false);
    expect(sut.lockedForSeconds('rs')).toBe(0);
    expect(sut.counted('rs', 'c')).toBe(true);
    expect(sut.lockedForSeconds('rs')).toBe(50);
    now = 59_000;
    expect(sut.lockedForSeconds('rs')).toBe(1);
    now = 60_000;
    expect(sut.lockedForSeconds('rs')).toBe(0);
  });

  it('counts the same token once per window', () => {
    const sut = new UnknownTokenCounter(policy, 100, () => 0);
    for (let i = 0; i < 10; i++) expect(sut.counted('rs', 'probe')).toBe(false);
    expect(sut.counted('rs', 'other')).toBe(false);
    expect(sut.lockedForSeconds('rs')).toBe(0);
  });

  it('reports the lock once: tokens counted while locked start nothing', () => {
    const sut = new UnknownTokenCounter(policy, 100, () => 0);
    expect(['a', 'b', 'c', 'd', 'e'].map((token) => sut.counted('rs', token))).toEqual([false, false, true, false, false]);
  });

  it('starts a fresh count once the window has passed', () => {
    let now = 0;
    const sut = new UnknownTokenCounter(policy, 100, () => now);
    sut.counted('rs', 'a');
    sut.counted('rs', 'b');
    now = 60_000;
    expect(sut.counted('rs', 'c')).toBe(false);
    expect(sut.counted('rs', 'a')).toBe(false);
    expect(sut.lockedForSeconds('rs')).toBe(0);
    expect(sut.counted('rs', 'b')).toBe(true);
  });

  it('keeps keys apart', () => {
    const sut = new UnknownTokenCounter(policy, 100, () => 0);
    for (const token of ['a', 'b', 'c']) sut.counted('scanner', token);
    expect(sut.lockedForSeconds('scanner')).toBe(60);
    expect(sut.lockedForSeconds('rs')).toBe(0);
    expect(sut.counted('rs', 'a')).toBe(false);
  });

  it('past maxKeys forgets the windows that ended first, then the oldest', () => {
    let now = 0;
    const sut = new UnknownTokenCounter({ maxUnknownTokens: 1, windowSeconds: 60 }, 2, () => now);
    sut.counted('ended', 'a');
    now = 30_000;
    sut.counted('locked', 'a');
    now = 61_000;
    sut.counted('new', 'a');
    expect(sut.lockedForSeconds('locked')).toBe(29);
    sut.counted('newer', 'a');
    expect(sut.lockedForSeconds('locked')).toBe(0);
    expect(sut.lockedForSeconds('new')).toBe(60);
  });
});
