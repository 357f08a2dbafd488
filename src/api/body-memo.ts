/**
 * Query bodies seen again. Dashboards, schedules and SDK scripts send the same query bodies over and
 * over; parsing, validating and canonicalizing the same text gives the same answer every time, so a
 * small memo keyed by the exact text answers a repeated body with the value it parsed to before.
 *
 * The shared values are deep-frozen: a handler that tried to change one would throw instead of
 * changing the next request's body. The later stages memoize by object identity, and only for
 * frozen inputs (`isShared`), which only this memo hands out.
 */
import type { FastifyInstance } from 'fastify';

/** Bodies up to this many characters are remembered (a query body is well under a kilobyte). */
export const MEMO_MAX_CHARS = 16 * 1024;
/** Distinct bodies remembered, least recently used forgotten first. */
export const MEMO_ENTRIES = 256;

/** Freezes a JSON value and everything in it. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

/** A value handed out by the memo (or derived from one and frozen alike): safe to memoize by identity. */
export function isShared(value: unknown): value is object {
  return value !== null && typeof value === 'object' && Object.isFrozen(value);
}

/** Text → frozen parsed value, bounded. */
export class BodyMemo {
  readonly #entries = new Map<string, unknown>();

  get(text: string): unknown {
    const value = this.#entries.get(text);
    if (value !== undefined) {
      this.#entries.delete(text);
      this.#entries.set(text, value);
    }
    return value;
  }

  set(text: string, value: unknown): void {
    if (text.length > MEMO_MAX_CHARS || value === undefined) return;
    if (this.#entries.size >= MEMO_ENTRIES) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
    this.#entries.set(text, deepFreeze(value));
  }

  get size(): number {
    return this.#entries.size;
  }
}

/**
 * Replaces the JSON parser of `scope` (a Fastify scope of its own: the routes registered in it get
 * shared, frozen bodies) with Fastify's own parser in front of a memo. Failures (empty or invalid
 * JSON, prototype poisoning) are never remembered, so they are refused alike every time.
 */
export function installBodyMemo(scope: FastifyInstance, memo: BodyMemo = new BodyMemo()): BodyMemo {
  const { onProtoPoisoning, onConstructorPoisoning } = scope.initialConfig;
  const parse = scope.getDefaultJsonParser(onProtoPoisoning ?? 'error', onConstructorPoisoning ?? 'error');
  scope.removeContentTypeParser('application/json');
  scope.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    const known = memo.get(text);
    if (known !== undefined) {
      done(null, known);
      return;
    }
    // Fastify's own parser answers through the callback (its type also allows a promise-returning parser).
    void parse(request, text, (error: Error | null, value?: unknown) => {
      if (error === null) memo.set(text, value);
      done(error, value);
    });
  });
  return memo;
}
