import { describe, expect, it } from 'vitest';
import { Lru } from './lru.ts';

describe('Lru', () => {
  it('forgets the least recently used entry beyond the count bound', () => {
    const lru = new Lru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.get('a')).toBe(1);
    lru.set('c', 3);
    expect([lru.get('a'), lru.get('b'), lru.get('c'), lru.size, lru.weight]).toEqual([1, undefined, 3, 2, 0]);
  });

  it('keeps the total weight under the weight bound, replacing an entry at its new weight', () => {
    const lru = new Lru<string, string>(10, { maxWeight: 10, weigh: (v) => v.length });
    lru.set('a', 'xxxx');
    lru.set('b', 'yyyy');
    expect(lru.weight).toBe(8);
    lru.set('a', 'xx');
    expect([lru.weight, lru.size]).toEqual([6, 2]);
    lru.set('c', 'zzzzz');
    // 'b' is now the oldest: dropping it brings 11 down to 7.
    expect([lru.get('b'), lru.get('a'), lru.get('c'), lru.weight]).toEqual([undefined, 'xx', 'zzzzz', 7]);
    lru.delete('a');
    expect([lru.size, lru.weight]).toEqual([1, 5]);
  });

  it('keeps the newest entry even when it alone is over the weight bound', () => {
    const lru = new Lru<string, string>(10, { maxWeight: 3, weigh: (v) => v.length });
    lru.set('a', 'x');
    lru.set('big', 'yyyyyy');
    expect([lru.get('a'), lru.get('big'), lru.size, lru.weight]).toEqual([undefined, 'yyyyyy', 1, 6]);
  });

  it('keeps recency exact when the most recent entry is read again and again', () => {
    const lru = new Lru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    expect([lru.get('b'), lru.get('b'), lru.get('a'), lru.get('a')]).toEqual([2, 2, 1, 1]);
    lru.set('c', 3);
    // 'a' was read last, so 'b' goes.
    expect([lru.get('b'), lru.get('a'), lru.get('c')]).toEqual([undefined, 1, 3]);
    lru.delete('c');
    lru.set('d', 4);
    lru.set('e', 5);
    expect([lru.get('a'), lru.get('d'), lru.get('e'), lru.size]).toEqual([undefined, 4, 5, 2]);
  });
});
