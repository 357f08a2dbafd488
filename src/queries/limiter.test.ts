import { describe, expect, it } from 'vitest';
import { KeyedLimiter, QueueTimeoutError } from './limiter.ts';

function gate(): { promise: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => { open = resolve; });
  return { promise, open };
}

describe('KeyedLimiter', () => {
  it('starts a run at once when its key has a free slot', () => {
    const limiter = new KeyedLimiter(2, 1000);
    let started = false;
    const done = limiter.run('u1', () => {
      started = true;
      return Promise.resolve('ok');
    });
    // Synchronously: no promise hop before the run begins.
    expect(started).toBe(true);
    expect(limiter.running('u1')).toBe(1);
    return expect(done).resolves.toBe('ok');
  });

  it('queues runs beyond the limit per key, starts them in order as slots free up, and counts right', async () => {
    const limiter = new KeyedLimiter(1, 1000);
    const order: string[] = [];
    const first = gate();
    const a = limiter.run('u1', async () => { order.push('a'); await first.promise; });
    const b = limiter.run('u1', () => { order.push('b'); return Promise.resolve(); });
    const c = limiter.run('u1', () => { order.push('c'); return Promise.reject(new Error('c failed')); });
    // Another key is not held up.
    await limiter.run('u2', () => { order.push('other'); return Promise.resolve(); });
    expect(order).toEqual(['a', 'other']);
    expect([limiter.running('u1'), limiter.queued('u1')]).toEqual([1, 2]);
    first.open();
    await a;
    await b;
    await expect(c).rejects.toThrow('c failed');
    expect(order).toEqual(['a', 'other', 'b', 'c']);
    expect([limiter.running('u1'), limiter.queued('u1'), limiter.running('u2')]).toEqual([0, 0, 0]);
  });

  it('gives up on a run that waits longer than the queue timeout', async () => {
    const limiter = new KeyedLimiter(1, 50);
    const held = gate();
    const running = limiter.run('u1', () => held.promise);
    let ran = false;
    const waiting = limiter.run('u1', () => { ran = true; return Promise.resolve(); });
    await expect(waiting).rejects.toBeInstanceOf(QueueTimeoutError);
    await expect(waiting).rejects.toThrow('Query waited more than 0 s in the queue (at most 1 run at once per user).');
    expect(limiter.queued('u1')).toBe(0);
    held.open();
    await running;
    expect(ran).toBe(false);
    expect(limiter.running('u1')).toBe(0);
  });
});
