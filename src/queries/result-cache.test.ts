import { describe, expect, it } from 'vitest';
import { approximateBytes, ResultCache } from './result-cache.ts';

const rows = (n: number): Record<string, unknown>[] => Array.from({ length: n }, (_, i) => ({ 'orders.id': i, 'orders.status': i % 2 === 0 ? 'complete' : 'pending' }));

describe('approximateBytes', () => {
  it('is the JSON text of small results, in UTF-16 bytes', () => {
    const small = rows(3);
    expect(approximateBytes(small)).toBe(JSON.stringify(small).length * 2);
    expect(approximateBytes([])).toBe(4);
  });

  it('estimates large results from a sample, within a few percent', () => {
    const large = rows(10_000);
    const exact = JSON.stringify(large).length * 2;
    const estimate = approximateBytes(large);
    expect(Math.abs(estimate - exact) / exact).toBeLessThan(0.05);
  });
});

describe('ResultCache', () => {
  const result = (n: number): { columns: string[]; rows: Record<string, unknown>[] } => ({ columns: ['orders.id', 'orders.status'], rows: rows(n) });

  it('answers by connection and SQL until the time to live passes', () => {
    let now = 0;
    const cache = new ResultCache({ ttlMs: 1000, now: () => now });
    const key = ResultCache.key('warehouse', 'SELECT 1');
    cache.set(key, result(2));
    expect(cache.get(key)?.result.rows).toEqual(rows(2));
    expect(cache.get(ResultCache.key('other', 'SELECT 1'))).toBeNull();
    now = 1001;
    expect(cache.get(key)).toBeNull();
    expect(cache.size).toBe(0);
  });

  it('evicts the least recently used results beyond its size and keeps none larger than a quarter of it', () => {
    const one = approximateBytes(rows(10));
    const cache = new ResultCache({ maxBytes: one * 4 + 1 });
    for (const k of ['a', 'b', 'c', 'd']) cache.set(k, result(10));
    expect(cache.get('a')).not.toBeNull();
    cache.set('e', result(10));
    expect(['a', 'b', 'c', 'd', 'e'].map((k) => cache.get(k) !== null)).toEqual([true, false, true, true, true]);
    cache.set('big', result(50));
    expect(cache.get('big')).toBeNull();
  });
});
