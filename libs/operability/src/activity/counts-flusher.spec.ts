import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { CountsFlusher } from './counts-flusher.js';
import { MinuteCounters } from './minute-counters.js';
import type { ActivityCount } from './minute-series.js';

const T = Date.UTC(2026, 11, 4, 18, 30, 0);

class LabelsFlusher extends CountsFlusher<string> {
  readonly stored: string[][] = [];

  constructor(counters: MinuteCounters) {
    super(counters, 1_000);
  }

  protected async store(rows: ActivityCount[]): Promise<void> {
    this.stored.push(rows.map((row) => row.label));
  }
}

describe(CountsFlusher.name, () => {
  afterEach(() => void jest.useRealTimers());

  it('flushes on its timer from module init; at module destroy stops it and stores what is left, and once more before shutdown', async () => {
    jest.useFakeTimers({ now: T });
    const counters = new MinuteCounters();
    const sut = new LabelsFlusher(counters);
    counters.add('m', 'before-init', T);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(sut.stored).toEqual([]);

    sut.onModuleInit();
    await jest.advanceTimersByTimeAsync(1_000);
    expect(sut.stored).toEqual([['before-init']]);

    counters.add('m', 'at-destroy', T);
    await sut.onModuleDestroy();
    expect(sut.stored).toEqual([['before-init'], ['at-destroy']]);

    counters.add('m', 'late-request', T);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(sut.stored).toHaveLength(2);
    await sut.beforeApplicationShutdown();
    expect(sut.stored).toEqual([['before-init'], ['at-destroy'], ['late-request']]);
  });
});
