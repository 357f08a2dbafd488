/**
 * A bounded map that forgets the least recently used entries first: at most `max` entries and, when
 * a weigher is given, at most `maxWeight` total weight. The newest entry always stays, even alone
 * over the weight bound (a cache that cannot hold one big project would re-build it on every call).
 */
export class Lru<K, V> {
  readonly #max: number;
  readonly #maxWeight: number;
  readonly #weigh: ((value: V) => number) | undefined;
  readonly #map = new Map<K, { value: V; weight: number }>();
  #weight = 0;
  /** The most recently used entry's key: a hit on it needs no re-insertion (the common repeat hit). */
  #newestKey: K | undefined;
  #hasNewest = false;

  constructor(max: number, options: { maxWeight?: number; weigh?: (value: V) => number } = {}) {
    this.#max = max;
    this.#maxWeight = options.maxWeight ?? Number.POSITIVE_INFINITY;
    this.#weigh = options.weigh;
  }

  get(key: K): V | undefined {
    const entry = this.#map.get(key);
    if (entry === undefined) return undefined;
    if (this.#hasNewest && this.#newestKey === key) return entry.value;
    // Re-insert so iteration order is recency order.
    this.#map.delete(key);
    this.#map.set(key, entry);
    this.#newestKey = key;
    this.#hasNewest = true;
    return entry.value;
  }

  set(key: K, value: V): void {
    this.delete(key);
    const weight = this.#weigh === undefined ? 0 : this.#weigh(value);
    this.#map.set(key, { value, weight });
    this.#newestKey = key;
    this.#hasNewest = true;
    this.#weight += weight;
    while (this.#map.size > 1 && (this.#map.size > this.#max || this.#weight > this.#maxWeight)) {
      const oldest = this.#map.keys().next();
      if (oldest.done === true) break;
      this.delete(oldest.value);
    }
  }

  delete(key: K): void {
    const entry = this.#map.get(key);
    if (entry === undefined) return;
    this.#map.delete(key);
    this.#weight -= entry.weight;
    if (this.#hasNewest && this.#newestKey === key) this.#hasNewest = false;
  }

  get size(): number {
    return this.#map.size;
  }

  /** The entries with their weights, least recently used first; reading them does not refresh them. */
  *entries(): IterableIterator<[K, V, number]> {
    for (const [key, entry] of this.#map) yield [key, entry.value, entry.weight];
  }

  /** Total weight of the entries kept (0 without a weigher). */
  get weight(): number {
    return this.#weight;
  }
}
