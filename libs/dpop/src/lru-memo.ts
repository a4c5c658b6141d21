/**
 * A pure function of a string, remembered for the `capacity` most recently used keys. A throw is
 * never remembered: a refused input is checked again each time it comes. Each request of a DPoP
 * client repeats its proof's header, its `htu` and its access token, so the work on them is done once.
 */
export class LruMemo<V> {
  private readonly known = new Map<string, V>();

  constructor(
    private readonly compute: (key: string) => V,
    private readonly capacity: number,
  ) {}

  of(key: string): V {
    let value = this.known.get(key);
    if (value !== undefined) {
      this.known.delete(key);
    } else {
      value = this.compute(key);
      if (this.known.size >= this.capacity) this.known.delete(this.known.keys().next().value!);
    }
    this.known.set(key, value);
    return value;
  }
}
