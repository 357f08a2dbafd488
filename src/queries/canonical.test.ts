import { describe, expect, it } from 'vitest';
import { canonicalQuery, compileBucket, sameCompileInput, toLookerQuery, type CanonicalQuery } from './canonical.ts';

function query(body: Record<string, unknown>): CanonicalQuery {
  const parsed = canonicalQuery({ model: 'shop', view: 'orders', fields: ['orders.count'], ...body });
  if ('problems' in parsed) throw new Error(JSON.stringify(parsed.problems));
  return parsed.query;
}

describe('canonicalQuery filters', () => {
  it('sorts filter keys, turns numbers and booleans into text, drops empty values', () => {
    expect(query({ filters: { 'orders.z': 'a', 'orders.b': 2, 'orders.m': null, 'orders.a': true } }).filters)
      .toEqual({ 'orders.a': 'true', 'orders.b': '2', 'orders.z': 'a' });
    expect(Object.keys(query({ filters: { 'orders.z': 'a', 'orders.b': '2' } }).filters ?? {})).toEqual(['orders.b', 'orders.z']);
    expect(Object.keys(query({ filters: { 'orders.a': 'x', 'orders.b': 'y' } }).filters ?? {})).toEqual(['orders.a', 'orders.b']);
  });

  it('reports bad filter values in the order they were sent', () => {
    const parsed = canonicalQuery({ model: 'shop', view: 'orders', fields: [], filters: { 'orders.z': [1], 'orders.a': { x: 1 } } });
    expect('problems' in parsed && parsed.problems.map((p) => p.field)).toEqual(['filters.orders.z', 'filters.orders.a']);
  });
});

describe('sameCompileInput', () => {
  it('is true for queries that are the same, whatever order their filters came in, and they share a bucket', () => {
    const a = query({ filters: { 'orders.status': 'done', 'orders.id': '>1' }, sorts: ['orders.count desc'], limit: '10' });
    const b = query({ filters: { 'orders.id': '>1', 'orders.status': 'done' }, sorts: ['orders.count desc'], limit: '10' });
    expect(sameCompileInput(a, undefined, b, undefined)).toBe(true);
    expect(compileBucket(a)).toBe(compileBucket(b));
  });

  it('is false whenever a member the compiler reads differs', () => {
    const base = query({ limit: '10' });
    const variants: CanonicalQuery[] = [
      { ...base, model: 'other' }, { ...base, view: 'users' }, { ...base, fields: ['orders.id'] },
      { ...base, fields: ['orders.count', 'orders.id'] }, { ...base, filters: { 'orders.id': '1' } },
      { ...base, filter_expression: '${orders.id} > 1' }, { ...base, sorts: ['orders.count'] }, { ...base, limit: '11' },
      { ...base, pivots: ['orders.status'] }, { ...base, column_limit: '5' }, { ...base, total: true },
      { ...base, row_total: 'right' }, { ...base, query_timezone: 'Europe/Paris' },
    ];
    for (const v of variants) {
      expect(sameCompileInput(base, undefined, v, undefined)).toBe(false);
      expect(sameCompileInput(v, undefined, base, undefined)).toBe(false);
    }
    const filtered = query({ filters: { 'orders.id': '1' } });
    expect(sameCompileInput(filtered, undefined, query({ filters: { 'orders.id': '2' } }), undefined)).toBe(false);
    expect(sameCompileInput(filtered, undefined, query({ filters: { 'orders.status': '1' } }), undefined)).toBe(false);
    expect(sameCompileInput(filtered, undefined, query({ filters: { 'orders.id': '1', 'orders.status': 'x' } }), undefined)).toBe(false);
  });

  it('takes the run call\'s limit over the query\'s, as toLookerQuery does', () => {
    const ten = query({ limit: '10' });
    const five = query({ limit: '5' });
    expect(sameCompileInput(ten, '5', five, undefined)).toBe(true);
    expect(toLookerQuery(ten, '5').limit).toBe('5');
    expect(sameCompileInput(ten, null, ten, undefined)).toBe(true);
    // A number and its text are told apart, as any text key would.
    expect(sameCompileInput(ten, 5, five, undefined)).toBe(false);
  });

  it('keeps values apart that a separator-joined key would confuse', () => {
    const a = query({ fields: ['orders.a,orders.b'] });
    const b = query({ fields: ['orders.a', 'orders.b'] });
    expect(sameCompileInput(a, undefined, b, undefined)).toBe(false);
  });
});
