import { describe, expect, it } from 'vitest';
import { canonicalQuery, lookerQueryKey, toLookerQuery, type CanonicalQuery } from './canonical.ts';

function query(body: Record<string, unknown>): CanonicalQuery {
  const parsed = canonicalQuery({ model: 'shop', view: 'orders', fields: ['orders.count'], ...body });
  if ('problems' in parsed) throw new Error(JSON.stringify(parsed.problems));
  return parsed.query;
}

describe('lookerQueryKey', () => {
  const context = ['duckdb', null, null];

  it('is the same for queries that are the same, whatever order their filters came in', () => {
    const a = query({ filters: { 'orders.status': 'done', 'orders.id': '>1' }, sorts: ['orders.count desc'], limit: '10' });
    const b = query({ filters: { 'orders.id': '>1', 'orders.status': 'done' }, sorts: ['orders.count desc'], limit: '10' });
    expect(lookerQueryKey(a, undefined, context)).toBe(lookerQueryKey(b, undefined, context));
  });

  it('differs whenever a member the compiler reads differs, or the context does', () => {
    const base = query({ limit: '10' });
    const variants: CanonicalQuery[] = [
      { ...base, model: 'other' }, { ...base, view: 'users' }, { ...base, fields: ['orders.id'] },
      { ...base, filters: { 'orders.id': '1' } }, { ...base, filter_expression: '${orders.id} > 1' },
      { ...base, sorts: ['orders.count'] }, { ...base, limit: '11' }, { ...base, pivots: ['orders.status'] },
      { ...base, column_limit: '5' }, { ...base, total: true }, { ...base, row_total: 'right' },
      { ...base, query_timezone: 'Europe/Paris' },
    ];
    const keys = new Set([base, ...variants].map((q) => lookerQueryKey(q, undefined, context)));
    expect(keys.size).toBe(variants.length + 1);
    expect(lookerQueryKey(base, undefined, ['postgres', null, null])).not.toBe(lookerQueryKey(base, undefined, context));
    expect(lookerQueryKey(base, undefined, ['duckdb', 'UTC', null])).not.toBe(lookerQueryKey(base, undefined, context));
  });

  it('takes the run call\'s limit over the query\'s, as toLookerQuery does', () => {
    const ten = query({ limit: '10' });
    const five = query({ limit: '5' });
    expect(lookerQueryKey(ten, '5', context)).toBe(lookerQueryKey(five, undefined, context));
    expect(toLookerQuery(ten, '5').limit).toBe('5');
    expect(lookerQueryKey(ten, null, context)).toBe(lookerQueryKey(ten, undefined, context));
  });

  it('keeps values apart that a separator-joined key would confuse', () => {
    const a = query({ fields: ['orders.a,orders.b'] });
    const b = query({ fields: ['orders.a', 'orders.b'] });
    expect(lookerQueryKey(a, undefined, context)).not.toBe(lookerQueryKey(b, undefined, context));
  });
});
