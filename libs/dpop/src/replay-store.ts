/**
 * Where used proof and assertion ids are remembered until they could no longer be accepted
 * anyway (their `iat` window has passed): a `jti` is accepted once. Implementations: MemoryReplayStore
 * for one process; shared ones (Redis, PostgreSQL) for several instances.
 */
export interface ReplayStore {
  /** True the first time `key` is seen before `expiresAtSeconds`; false for a replay. */
  firstUse(key: string, expiresAtSeconds: number): Promise<boolean>;
}

/** Entries kept at most: past it, the oldest are dropped early (a replay of those is then accepted). */
const DEFAULT_CAPACITY = 200_000;

/**
 * One process's replay store: a Map in insertion order, which is expiry order when every entry
 * lives the same window, swept from the front.
 */
export class MemoryReplayStore implements ReplayStore {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly capacity = DEFAULT_CAPACITY,
    private readonly nowSeconds: () => number = () => Date.now() / 1000,
  ) {}

  firstUse(key: string, expiresAtSeconds: number): Promise<boolean> {
    const now = this.nowSeconds();
    this.sweep(now);
    const until = this.seen.get(key);
    if (until !== undefined && until > now) return Promise.resolve(false);
    this.seen.delete(key);
    this.seen.set(key, expiresAtSeconds);
    return Promise.resolve(true);
  }

  get size(): number {
    return this.seen.size;
  }

  private sweep(now: number): void {
    for (const [key, until] of this.seen) {
      if (until > now && this.seen.size < this.capacity) break;
      this.seen.delete(key);
    }
  }
}
