/**
 * Failed-login throttling: a fixed number of failures per key (client_id, address) within a
 * sliding window. Past the limit, logins for that key are refused until old failures age out,
 * so an attacker can slow a credential down but never lock its owner out for good.
 *
 * The failures live in the metadata DB (`login_failures`, migration 0010), not in this process:
 * every node of a cluster counts the same failures, so spreading guesses over nodes (or waiting
 * for a node to restart) buys nothing.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/index.ts';

export interface RateLimitOptions {
  /** Failures allowed within the window before further attempts are refused. */
  readonly maxFailures: number;
  readonly windowMs: number;
  /** Injectable clock for tests. */
  readonly now?: () => number;
}

/** Typed for `db.withTables<LoginFailureTables>()`: only this module reads or writes the table. */
export type LoginFailureTables = {
  login_failures: { key: string; at: string };
};

export class FailureLimiter {
  readonly #db: Kysely<Database & LoginFailureTables>;
  readonly #o: Required<RateLimitOptions>;

  constructor(db: Kysely<Database>, options: RateLimitOptions) {
    this.#db = db.withTables<LoginFailureTables>();
    this.#o = { now: () => Date.now(), ...options };
  }

  #cutoff(): string {
    return new Date(this.#o.now() - this.#o.windowMs).toISOString();
  }

  /** Seconds until `key` may try again, or 0 when it may try now. */
  async retryAfterSeconds(key: string): Promise<number> {
    const recent = await this.#db.selectFrom('login_failures').select('at')
      .where('key', '=', key).where('at', '>', this.#cutoff())
      .orderBy('at', 'desc').limit(this.#o.maxFailures).execute();
    if (recent.length < this.#o.maxFailures) return 0;
    // The oldest of the last `maxFailures` failures must age out before the next attempt.
    const oldest = Date.parse(recent[recent.length - 1]!.at);
    return Math.max(1, Math.ceil((oldest + this.#o.windowMs - this.#o.now()) / 1000));
  }

  async recordFailure(key: string): Promise<void> {
    await this.#db.insertInto('login_failures').values({ key, at: new Date(this.#o.now()).toISOString() }).execute();
    // Failures are rare and cost a password check each, so pruning here keeps the table to one window.
    await this.#db.deleteFrom('login_failures').where('at', '<=', this.#cutoff()).execute();
  }

  /** A successful login clears the key's failures. */
  async reset(key: string): Promise<void> {
    await this.#db.deleteFrom('login_failures').where('key', '=', key).execute();
  }
}
