import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../store/index.ts';
import { DIALECTS, createTestDatabase, type TestDatabase } from '../store/test-support.ts';
import { FailureLimiter } from './rate-limit.ts';

describe.each(DIALECTS)('FailureLimiter on %s', (dialect) => {
  let db: TestDatabase;
  let store: Store;
  let other: Store;

  beforeAll(async () => {
    db = await createTestDatabase(dialect, 'ratelimit');
    store = await db.open();
    // A second handle on the same DB plays another node (PostgreSQL) or a restarted process (SQLite).
    other = dialect === 'postgres' ? await db.open() : store;
  });

  afterAll(async () => {
    if (other !== store) await other.close();
    await store.close();
    await db.cleanup();
  });

  it('refuses a key after too many failures and lets it in again once they age out', async () => {
    let now = Date.parse('2024-01-01T00:00:00Z');
    const limiter = new FailureLimiter(store.db, { maxFailures: 3, windowMs: 60_000, now: () => now });
    for (let i = 0; i < 3; i++) {
      expect(await limiter.retryAfterSeconds('age')).toBe(0);
      await limiter.recordFailure('age');
      now += 1000;
    }
    expect(await limiter.retryAfterSeconds('age')).toBe(57);
    expect(await limiter.retryAfterSeconds('age-other')).toBe(0);
    now += 57_000;
    expect(await limiter.retryAfterSeconds('age')).toBe(0);
  });

  it('counts failures recorded through another node', async () => {
    const now = (): number => Date.parse('2024-02-01T00:00:00Z');
    const onA = new FailureLimiter(store.db, { maxFailures: 2, windowMs: 60_000, now });
    const onB = new FailureLimiter(other.db, { maxFailures: 2, windowMs: 60_000, now });
    await onA.recordFailure('shared');
    expect(await onB.retryAfterSeconds('shared')).toBe(0);
    await onB.recordFailure('shared');
    expect(await onA.retryAfterSeconds('shared')).toBe(60);
    expect(await onB.retryAfterSeconds('shared')).toBe(60);
  });

  it('forgets failures after a success', async () => {
    const limiter = new FailureLimiter(store.db, { maxFailures: 1, windowMs: 60_000 });
    await limiter.recordFailure('reset');
    expect(await limiter.retryAfterSeconds('reset')).toBeGreaterThan(0);
    await limiter.reset('reset');
    expect(await limiter.retryAfterSeconds('reset')).toBe(0);
  });

  it('keeps only one window of failures in the table', async () => {
    let now = Date.parse('2024-03-01T00:00:00Z');
    const limiter = new FailureLimiter(store.db, { maxFailures: 5, windowMs: 60_000, now: () => now });
    for (let i = 0; i < 4; i++) await limiter.recordFailure(`prune-${i}`);
    now += 61_000;
    await limiter.recordFailure('prune-late');
    const rows = await store.db.withTables<{ login_failures: { key: string; at: string } }>()
      .selectFrom('login_failures').select('key').where('key', 'like', 'prune-%').execute();
    expect(rows.map((r) => r.key)).toEqual(['prune-late']);
  });
});
