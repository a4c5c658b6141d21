/**
 * A bounded LRU of verified tokens keyed by the token string. An entry lives no longer than its
 * own deadline (the token's exp, or a shorter cap), so a cached token never outlives itself.
 */
export class TokenCache<V> {
  private readonly entries = new Map<string, { value: V; deadline: number }>();

  constructor(
    private readonly maxEntries: number,
    private readonly maxAgeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.deadline <= this.now()) return undefined;
    this.entries.set(key, entry); // most recently used goes last
    return entry.value;
  }

  /** `expiresAtMs` undefined: the value has no deadline of its own (the max age still applies). */
  set(key: string, value: V, expiresAtMs?: number): void {
    const deadline = Math.min(this.now() + this.maxAgeMs, expiresAtMs ?? Number.POSITIVE_INFINITY);
    if (deadline <= this.now()) return;
    this.entries.delete(key);
    this.entries.set(key, { value, deadline });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
