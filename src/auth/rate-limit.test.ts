import { describe, expect, it } from 'vitest';
import { FailureLimiter } from './rate-limit.ts';

describe('FailureLimiter', () => {
  it('refuses a key after too many failures and lets it in again once they age out', () => {
    let now = 1_000_000;
    const limiter = new FailureLimiter({ maxFailures: 3, windowMs: 60_000, now: () => now });
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfterSeconds('id')).toBe(0);
      limiter.recordFailure('id');
      now += 1000;
    }
    expect(limiter.retryAfterSeconds('id')).toBe(57);
    expect(limiter.retryAfterSeconds('other')).toBe(0);
    now += 57_000;
    expect(limiter.retryAfterSeconds('id')).toBe(0);
  });

  it('forgets failures after a success', () => {
    const limiter = new FailureLimiter({ maxFailures: 1, windowMs: 60_000 });
    limiter.recordFailure('id');
    expect(limiter.retryAfterSeconds('id')).toBeGreaterThan(0);
    limiter.reset('id');
    expect(limiter.retryAfterSeconds('id')).toBe(0);
  });

  it('bounds the number of keys it remembers', () => {
    const limiter = new FailureLimiter({ maxFailures: 1, windowMs: 60_000, maxKeys: 2 });
    limiter.recordFailure('a');
    limiter.recordFailure('b');
    limiter.recordFailure('c');
    expect(limiter.retryAfterSeconds('a')).toBe(0);
    expect(limiter.retryAfterSeconds('c')).toBeGreaterThan(0);
  });
});
