import { describe, expect, it } from '@jest/globals';
import { CountsFlush } from './counts-flush.js';
import { MinuteCounters } from './minute-counters.js';
import type { ActivityCount } from './minute-series.js';

const T = Date.UTC(2026, 11, 4, 18, 30, 0);

describe(CountsFlush.name, () => {
  it('stores what was counted, once', async () => {
    const counters = new MinuteCounters();
    const stored: ActivityCount[][] = [];
    const sut = new CountsFlush(counters, async (rows) => void stored.push(rows), () => undefined, 60_000);
    counters.add('m', 'a', T);
    await sut.flush();
    await sut.flush();
    expect(stored).toEqual([[{ minute: T, metric: 'm', label: 'a', count: 1 }]]);
  });

  it('keeps the counts of a failed flush for the next one, and says so', async () => {
    const counters = new MinuteCounters();
    const stored: ActivityCount[][] = [];
    const warnings: string[] = [];
    let fail = true;
    const sut = new CountsFlush(
      counters,
      async (rows) => {
        if (fail) throw new Error('database away');
        stored.push(rows);
      },
      (message) => warnings.push(message),
      60_000,
    );
    counters.add('m', 'a', T);
    await sut.flush();
    expect(warnings).toEqual(['activity counts kept for the next flush: database away']);
    fail = false;
    counters.add('m', 'a', T);
    await sut.flush();
    expect(stored).toEqual([[{ minute: T, metric: 'm', label: 'a', count: 2 }]]);
  });

  it('runs one flush at a time, in order', async () => {
    const counters = new MinuteCounters();
    const events: string[] = [];
    let release: () => void = () => undefined;
    const sut = new CountsFlush(
      counters,
      async (rows) => {
        events.push(`start ${rows[0].count}`);
        if (rows[0].count === 1) await new Promise<void>((resolve) => (release = resolve));
        events.push(`end ${rows[0].count}`);
      },
      () => undefined,
      60_000,
    );
    counters.add('m', 'a', T);
    const first = sut.flush();
    await new Promise((resolve) => setImmediate(resolve));
    counters.add('m', 'a', T);
    counters.add('m', 'a', T);
    const second = sut.flush();
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual(['start 1']);
    release();
    await Promise.all([first, second]);
    expect(events).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
  });
});
