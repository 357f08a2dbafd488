/**
 * Query results by (connection, SQL text). User attribute values a query uses are rendered into its
 * SQL, so the SQL text already tells users with different values apart. Bounded by an approximate
 * byte size and a time to live (Looker's default cache policy is one hour).
 */
import type { QueryResult } from '../connections/driver.ts';

interface Entry {
  readonly result: QueryResult;
  readonly bytes: number;
  readonly at: number;
}

export interface ResultCacheOptions {
  readonly maxBytes?: number;
  readonly ttlMs?: number;
  readonly now?: () => number;
}

/**
 * Rows measured one by one; larger results are estimated from this many rows spread over them. The
 * size only bounds the cache's memory, and every statement pays for measuring it: 16 rows keep the
 * estimate of a uniform result within a few percent at a quarter of the cost of 64.
 */
const SAMPLED_ROWS = 16;

/**
 * A rough size: the JSON text of the rows, as UTF-16. Measuring every row of a large result would
 * cost each run as much as writing the answer; a sample spread over the rows is close enough.
 */
export function approximateBytes(rows: readonly Record<string, unknown>[]): number {
  if (rows.length <= SAMPLED_ROWS) return JSON.stringify(rows).length * 2;
  const step = rows.length / SAMPLED_ROWS;
  let chars = 0;
  for (let i = 0; i < SAMPLED_ROWS; i++) chars += JSON.stringify(rows[Math.floor(i * step)]).length + 1;
  return Math.ceil((chars * rows.length) / SAMPLED_ROWS) * 2;
}

export class ResultCache {
  readonly #entries = new Map<string, Entry>();
  readonly #maxBytes: number;
  readonly #ttlMs: number;
  readonly #now: () => number;
  #bytes = 0;

  constructor(options: ResultCacheOptions = {}) {
    this.#maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.#ttlMs = options.ttlMs ?? 3600_000;
    this.#now = options.now ?? Date.now;
  }

  static key(connection: string, sql: string): string {
    return `${connection}\0${sql}`;
  }

  get(key: string): { result: QueryResult; at: number } | null {
    const entry = this.#entries.get(key);
    if (!entry) return null;
    if (this.#now() - entry.at > this.#ttlMs) {
      this.#remove(key, entry);
      return null;
    }
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return { result: entry.result, at: entry.at };
  }

  set(key: string, result: QueryResult): void {
    // Results larger than a quarter of the cache are not kept.
    const bytes = approximateBytes(result.rows);
    if (bytes > this.#maxBytes / 4) return;
    const old = this.#entries.get(key);
    if (old) this.#remove(key, old);
    this.#entries.set(key, { result, bytes, at: this.#now() });
    this.#bytes += bytes;
    for (const [k, e] of this.#entries) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#remove(k, e);
    }
  }

  get size(): number {
    return this.#entries.size;
  }

  #remove(key: string, entry: Entry): void {
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
  }
}
