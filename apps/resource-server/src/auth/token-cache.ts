/**
 * A bounded cache of verified tokens keyed by the token string, evicting in least-recently-used
 * order approximated by CLOCK (second chance): a hit only marks its entry, so the hot path (the
 * same token again) does not delete and re-insert a Map entry per request; eviction moves marked
 * entries to the young end once before it evicts unmarked ones. An entry lives no longer than its
 * own deadline (the token's exp, or a shorter cap), so a cached token never outlives itself.
 */
export class TokenCache<V> {
  private readonly entries = new Map<string, { value: V; deadline: number; used: boolean }>();

  constructor(
    private readonly maxEntries: number,
    private readonly maxAgeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.deadline <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    entry.used = true;
    return entry.value;
  }

  /** `expiresAtMs` undefined: the value has no deadline of its own (the max age still applies). */
  set(key: string, value: V, expiresAtMs?: number): void {
    const deadline = Math.min(this.now() + this.maxAgeMs, expiresAtMs ?? Number.POSITIVE_INFINITY);
    if (deadline <= this.now()) return;
    this.entries.delete(key);
    this.entries.set(key, { value, deadline, used: false });
    while (this.entries.size > this.maxEntries) {
      const [oldestKey, oldest] = this.entries.entries().next().value as [string, { value: V; deadline: number; used: boolean }];
      this.entries.delete(oldestKey);
      // Second chance: a used entry goes to the young end unmarked (at most once per pass).
      if (oldest.used && oldest.deadline > this.now()) {
        oldest.used = false;
        this.entries.set(oldestKey, oldest);
      }
    }
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
