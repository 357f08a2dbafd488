/**
 * Version counters for metadata that hot paths cache (projects, connections, model configs, and roles:
 * who has which permissions and models). A cache entry remembers the version it was read under; a write bumps the version after
 * it commits, so the next read on this node misses. Bumps made inside a transaction wait for its
 * commit: bumping earlier would let a concurrent read cache the old rows under the new version.
 *
 * Other nodes learn of a bump through `onPublish` (PostgreSQL NOTIFY, wired by `open.ts`) and apply
 * it with `external`; caches still expire after a short time in case a notification is lost.
 */
export const CHANGE_TOPICS = ['projects', 'connections', 'model_configs', 'roles'] as const;
export type ChangeTopic = (typeof CHANGE_TOPICS)[number];

export function isChangeTopic(value: string): value is ChangeTopic {
  return (CHANGE_TOPICS as readonly string[]).includes(value);
}

export class StoreChanges {
  readonly #versions: Record<ChangeTopic, number> = { projects: 0, connections: 0, model_configs: 0, roles: 0 };
  /** Set by the store when other processes share the DB (PostgreSQL): tells them about a bump. */
  onPublish: ((topic: ChangeTopic) => void) | undefined;

  version(topic: ChangeTopic): number {
    return this.#versions[topic];
  }

  /** A write through this process committed. */
  bump(topic: ChangeTopic): void {
    this.#versions[topic]++;
    this.onPublish?.(topic);
  }

  /** Another process reported a committed write. */
  external(topic: ChangeTopic): void {
    this.#versions[topic]++;
  }
}

/**
 * A small cache of one metadata read, valid while its topics' versions stand and for at most
 * `maxAgeMs` (the safety net for a lost cross-node notification).
 */
export class VersionedCache<V> {
  readonly #entries = new Map<string, { value: V; at: number; stamp: number }>();
  readonly #changes: StoreChanges;
  readonly #topics: readonly ChangeTopic[];
  readonly #maxAgeMs: number;
  readonly #maxEntries: number;

  constructor(changes: StoreChanges, topics: readonly ChangeTopic[], options: { maxAgeMs?: number; maxEntries?: number } = {}) {
    this.#changes = changes;
    this.#topics = topics;
    this.#maxAgeMs = options.maxAgeMs ?? 5000;
    this.#maxEntries = options.maxEntries ?? 10_000;
  }

  #stamp(): number {
    let sum = 0;
    // Versions only grow, so their sum changes whenever any of them does.
    for (const t of this.#topics) sum += this.#changes.version(t);
    return sum;
  }

  /** The value `get` would answer without loading, or undefined: lets hot paths skip a promise. */
  peek(key: string): V | undefined {
    const hit = this.#entries.get(key);
    if (hit !== undefined && hit.stamp === this.#stamp() && Date.now() - hit.at < this.#maxAgeMs) return hit.value;
    return undefined;
  }

  async get(key: string, load: () => Promise<V>): Promise<V> {
    const stamp = this.#stamp();
    const now = Date.now();
    const hit = this.#entries.get(key);
    if (hit !== undefined && hit.stamp === stamp && now - hit.at < this.#maxAgeMs) return hit.value;
    // Stamp taken before the read: a write committing during it leaves this entry already stale.
    const value = await load();
    if (this.#entries.size >= this.#maxEntries) this.#entries.clear();
    this.#entries.set(key, { value, at: now, stamp });
    return value;
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }
}
