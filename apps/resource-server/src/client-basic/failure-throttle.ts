/** How many failures, within what window, lock a key for how long. */
export interface ThrottlePolicy {
  maxFailures: number;
  windowMs: number;
  lockoutMs: number;
}

interface Failures {
  count: number;
  windowStart: number;
  lockedUntil: number;
}

/**
 * Failed Basic checks counted per key (a client id, a caller IP: the authenticator keeps one
 * throttle of each), in memory at this instance: `maxFailures` within `windowMs` lock the key for
 * `lockoutMs`. Bounded: past `maxKeys` the oldest key is forgotten (an attacker spraying keys
 * gains a fresh count for the oldest ones, never a lock on someone else).
 */
export class FailureThrottle {
  private readonly keys = new Map<string, Failures>();

  constructor(
    private readonly policy: ThrottlePolicy,
    private readonly maxKeys = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds the key stays locked (0: not locked). */
  lockedForMs(key: string): number {
    const failures = this.keys.get(key);
    return failures === undefined ? 0 : Math.max(0, failures.lockedUntil - this.now());
  }

  /** Counts a failure; true when this one locks the key. */
  failed(key: string): boolean {
    const now = this.now();
    let failures = this.keys.get(key);
    if (failures === undefined || now - failures.windowStart >= this.policy.windowMs) {
      failures = { count: 0, windowStart: now, lockedUntil: failures?.lockedUntil ?? 0 };
      this.keys.delete(key);
      if (this.keys.size >= this.maxKeys) this.keys.delete(this.keys.keys().next().value as string);
      this.keys.set(key, failures);
    }
    failures.count++;
    if (failures.count < this.policy.maxFailures) return false;
    failures.count = 0;
    failures.windowStart = now;
    failures.lockedUntil = now + this.policy.lockoutMs;
    return true;
  }

  /** A success clears the key's count (a client that got its secret right is not one guess from a lock). */
  succeeded(key: string): void {
    const failures = this.keys.get(key);
    if (failures !== undefined && failures.lockedUntil <= this.now()) this.keys.delete(key);
  }
}
