import { describe, expect, it } from '@jest/globals';
import { MAX_PENDING_KEYS, MinuteCounters } from './minute-counters.js';

const T = Date.UTC(2026, 11, 4, 18, 30, 0);

describe(MinuteCounters.name, () => {
  it('adds up per minute, metric and label', () => {
    const sut = new MinuteCounters();
    sut.add('tokens.issued', 'client_credentials', T + 1_000);
    sut.add('tokens.issued', 'client_credentials', T + 59_999);
    sut.add('tokens.issued', 'client_credentials', T + 60_000);
    sut.add('tokens.issued', 'password', T + 2_000);
    sut.add('token.refused', 'invalid_client', T + 3_000);
    expect(sut.drain()).toEqual([
      { minute: T, metric: 'token.refused', label: 'invalid_client', count: 1 },
      { minute: T, metric: 'tokens.issued', label: 'client_credentials', count: 2 },
      { minute: T, metric: 'tokens.issued', label: 'password', count: 1 },
      { minute: T + 60_000, metric: 'tokens.issued', label: 'client_credentials', count: 1 },
    ]);
  });

  it('starts afresh after a drain', () => {
    const sut = new MinuteCounters();
    sut.add('tokens.issued', 'password', T);
    sut.drain();
    expect(sut.drain()).toEqual([]);
    expect(sut.size).toBe(0);
  });

  it('gives back the rows of a failed flush, added to what came in meanwhile', () => {
    const sut = new MinuteCounters();
    sut.add('tokens.issued', 'password', T);
    sut.add('tokens.issued', 'password', T);
    const failed = sut.drain();
    sut.add('tokens.issued', 'password', T + 5_000);
    sut.restore(failed);
    expect(sut.drain()).toEqual([{ minute: T, metric: 'tokens.issued', label: 'password', count: 3 }]);
  });

  it('stops taking new keys at the cap and reports what it dropped, still counting the keys it holds', () => {
    const sut = new MinuteCounters();
    for (let i = 0; i < MAX_PENDING_KEYS; i++) sut.add('tokens.issued.client', `client-${i}`, T);
    sut.add('tokens.issued.client', 'one-too-many', T);
    sut.add('tokens.issued.client', 'client-0', T);
    expect(sut.size).toBe(MAX_PENDING_KEYS);
    expect(sut.takeDropped()).toBe(1);
    expect(sut.takeDropped()).toBe(0);
    expect(sut.drain().find((row) => row.label === 'client-0')?.count).toBe(2);
  });
});
