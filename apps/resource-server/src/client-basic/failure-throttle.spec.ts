import { describe, expect, it } from '@jest/globals';
import { FailureThrottle } from './failure-throttle.js';

describe(FailureThrottle.name, () => {
  const policy = { maxFailures: 3, windowMs: 10_000, lockoutMs: 5_000 };

  it('locks a key at its n-th failure within the window, for the lockout', () => {
    let now = 0;
    const throttle = new FailureThrottle(policy, 100, () => now);
    expect(throttle.failed('ip:1')).toBe(false);
    expect(throttle.failed('ip:1')).toBe(false);
    expect(throttle.lockedForMs('ip:1')).toBe(0);
    expect(throttle.failed('ip:1')).toBe(true);
    expect(throttle.lockedForMs('ip:1')).toBe(5_000);
    expect(throttle.lockedForMs('ip:2')).toBe(0);
    now = 4_000;
    expect(throttle.lockedForMs('ip:1')).toBe(1_000);
    now = 5_000;
    expect(throttle.lockedForMs('ip:1')).toBe(0);
  });

  it('starts counting again once the window has passed', () => {
    let now = 0;
    const throttle = new FailureThrottle(policy, 100, () => now);
    throttle.failed('k');
    throttle.failed('k');
    now = 10_000;
    expect(throttle.failed('k')).toBe(false);
    expect(throttle.lockedForMs('k')).toBe(0);
  });

  it('clears the count on a success, but not a lock', () => {
    const now = 0;
    const throttle = new FailureThrottle(policy, 100, () => now);
    throttle.failed('k');
    throttle.failed('k');
    throttle.succeeded('k');
    expect(throttle.failed('k')).toBe(false);
    throttle.failed('k');
    throttle.failed('k');
    throttle.succeeded('k');
    expect(throttle.lockedForMs('k')).toBe(5_000);
  });

  it('keeps at most its bound of keys', () => {
    const throttle = new FailureThrottle(policy, 2, () => 0);
    throttle.failed('a');
    throttle.failed('a');
    throttle.failed('b');
    throttle.failed('c');
    // 'a' was forgotten: its two failures no longer count.
    expect(throttle.failed('a')).toBe(false);
  });
});
