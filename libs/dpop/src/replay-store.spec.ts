import { describe, expect, it } from '@jest/globals';
import { MemoryReplayStore } from './replay-store.js';

describe('MemoryReplayStore', () => {
  it('accepts a key once until it expires, then again', async () => {
    let now = 100;
    const store = new MemoryReplayStore(10, () => now);
    expect(await store.firstUse('a', 160)).toBe(true);
    expect(await store.firstUse('a', 160)).toBe(false);
    now = 161;
    expect(await store.firstUse('a', 221)).toBe(true);
  });

  it('forgets expired keys and stays within its capacity', async () => {
    let now = 0;
    const store = new MemoryReplayStore(3, () => now);
    for (const key of ['a', 'b', 'c', 'd']) await store.firstUse(key, 60);
    expect(store.size).toBeLessThanOrEqual(3);
    now = 61;
    await store.firstUse('e', 121);
    expect(store.size).toBe(1);
  });
});
