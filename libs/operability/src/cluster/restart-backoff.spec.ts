import { describe, expect, it } from '@jest/globals';
import { RestartBackoff } from './restart-backoff.js';

describe(RestartBackoff.name, () => {
  it('doubles the delay for a worker that keeps dying early, up to the maximum', () => {
    const backoff = new RestartBackoff(100, 1000, 30_000);
    expect([0, 0, 0, 0, 0, 0].map((uptime) => backoff.delayAfter(uptime))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('starts again from the first delay once a worker served long enough before dying', () => {
    const backoff = new RestartBackoff(100, 1000, 30_000);
    backoff.delayAfter(0);
    backoff.delayAfter(500);
    expect(backoff.delayAfter(30_000)).toBe(100);
    expect(backoff.delayAfter(10)).toBe(200);
  });
});
