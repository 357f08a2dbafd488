/**
 * Failed-login throttling: a fixed number of failures per key (client_id, address) within a
 * sliding window. Past the limit, logins for that key are refused until old failures age out,
 * so an attacker can slow a credential down but never lock its owner out for good.
 */

export interface RateLimitOptions {
  /** Failures allowed within the window before further attempts are refused. */
  readonly maxFailures: number;
  readonly windowMs: number;
  /** Injectable clock for tests. */
  readonly now?: () => number;
  /** Keys tracked at most (oldest dropped first), so a flood of random keys cannot exhaust memory. */
  readonly maxKeys?: number;
}

export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly o: Required<RateLimitOptions>;

  constructor(options: RateLimitOptions) {
    this.o = { now: () => Date.now(), maxKeys: 100_000, ...options };
  }

  private recent(key: string): number[] {
    const cutoff = this.o.now() - this.o.windowMs;
    const list = (this.failures.get(key) ?? []).filter((t) => t > cutoff);
    if (list.length === 0) this.failures.delete(key);
    else this.failures.set(key, list);
    return list;
  }

  /** Seconds until `key` may try again, or 0 when it may try now. */
  retryAfterSeconds(key: string): number {
    const list = this.recent(key);
    if (list.length < this.o.maxFailures) return 0;
    const oldest = list[list.length - this.o.maxFailures]!;
    return Math.max(1, Math.ceil((oldest + this.o.windowMs - this.o.now()) / 1000));
  }

  recordFailure(key: string): void {
    const list = this.recent(key);
    list.push(this.o.now());
    this.failures.delete(key);
    this.failures.set(key, list);
    if (this.failures.size > this.o.maxKeys) {
      const first = this.failures.keys().next();
      if (!first.done) this.failures.delete(first.value);
    }
  }

  /** A successful login clears the key's failures. */
  reset(key: string): void {
    this.failures.delete(key);
  }
}
