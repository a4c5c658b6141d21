/** How many distinct unknown tokens one key may present within a window; past that it is refused until the window ends. */
export interface ScanPolicy {
  maxUnknownTokens: number;
  windowSeconds: number;
}

interface Window {
  startedAt: number;
  /** Fingerprints of the tokens counted in this window: the same token again is not a new guess. */
  seen: Set<string>;
}

/**
 * Distinct unknown tokens per key (a client id), in a fixed window that starts with the first one:
 * the key is locked once `maxUnknownTokens` are counted, until the window ends. Bounded: past
 * `maxKeys` the windows that ended are dropped, then the oldest (only a caller with that many
 * clients scanning at once could free its own lock this way).
 */
export class UnknownTokenCounter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly policy: ScanPolicy,
    private readonly maxKeys = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds the key stays locked (0: not locked). */
  lockedForSeconds(key: string): number {
    const window = this.windows.get(key);
    if (window === undefined || window.seen.size < this.policy.maxUnknownTokens) return 0;
    return Math.max(0, (this.endOf(window) - this.now()) / 1000);
  }

  /** Counts one unknown token by its fingerprint; true when it is the one that locks the key. */
  counted(key: string, fingerprint: string): boolean {
    const window = this.current(key);
    if (window.seen.size >= this.policy.maxUnknownTokens || window.seen.has(fingerprint)) return false;
    window.seen.add(fingerprint);
    return window.seen.size === this.policy.maxUnknownTokens;
  }

  private current(key: string): Window {
    const now = this.now();
    const window = this.windows.get(key);
    if (window !== undefined && this.endOf(window) > now) return window;
    this.windows.delete(key);
    if (this.windows.size >= this.maxKeys) this.forgetEnded(now);
    if (this.windows.size >= this.maxKeys) this.windows.delete(this.windows.keys().next().value as string);
    const fresh = { startedAt: now, seen: new Set<string>() };
    this.windows.set(key, fresh);
    return fresh;
  }

  private forgetEnded(now: number): void {
    for (const [key, window] of this.windows) if (this.endOf(window) <= now) this.windows.delete(key);
  }

  private endOf(window: Window): number {
    return window.startedAt + this.policy.windowSeconds * 1000;
  }
}
