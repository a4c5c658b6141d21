/**
 * A bounded cache of verified tokens keyed by the token string, evicting in least-recently-used
 * order approximated by CLOCK (second chance): a hit only marks its entry, so the hot path (the
 * same token again) does not delete and re-insert a Map entry per request; eviction moves marked
 * entries to the young end once before it evicts unmarked ones. An entry lives no longer than its
 * own deadline (the token's exp, or a shorter cap), so a cached token never outlives itself.
 * Entries go in about in deadline order, so each insert also drops the ones past their deadline
 * from the old end: under a steady flow of new tokens the cache holds the live ones, not its bound
 * in dead ones (~1.5 KB each: the token and its principal).
 *
 * The last key hit is compared before the Map is asked: a client sends the same token request
 * after request, and comparing two equal ~600-character strings is cheaper than hashing the
 * fresh copy that each request's header holds (the Map lookup hashes it every time).
 */
export class TokenCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private lastKey: string | undefined;
  private lastEntry: Entry<V> | undefined;

  constructor(
    private readonly maxEntries: number,
    private readonly maxAgeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): V | undefined {
    const entry = key === this.lastKey ? this.lastEntry : this.entries.get(key);
    if (!entry) return undefined;
    if (entry.deadline <= this.now()) {
      this.entries.delete(key);
      this.forgetLast();
      return undefined;
    }
    entry.used = true;
    this.lastKey = key;
    this.lastEntry = entry;
    return entry.value;
  }

  /** `expiresAtMs` undefined: the value has no deadline of its own (the max age still applies). */
  set(key: string, value: V, expiresAtMs?: number): void {
    const now = this.now();
    const deadline = Math.min(now + this.maxAgeMs, expiresAtMs ?? Number.POSITIVE_INFINITY);
    if (deadline <= now) return;
    // Whatever this insert or its evictions remove, the last hit may be among it.
    this.forgetLast();
    for (const [oldestKey, oldest] of this.entries) {
      if (oldest.deadline > now) break;
      this.entries.delete(oldestKey);
    }
    this.entries.delete(key);
    this.entries.set(key, { value, deadline, used: false });
    while (this.entries.size > this.maxEntries) {
      const [oldestKey, oldest] = this.entries.entries().next().value as [string, Entry<V>];
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
    this.forgetLast();
  }

  get size(): number {
    return this.entries.size;
  }

  private forgetLast(): void {
    this.lastKey = undefined;
    this.lastEntry = undefined;
  }
}

interface Entry<V> {
  value: V;
  deadline: number;
  used: boolean;
}
