import { describe, expect, it } from 'vitest';
import type { CompiledQuery } from '../sql/query.ts';
import { canonicalQuery, type CanonicalQuery } from './canonical.ts';
import { CompiledCache, type CompileContext } from './compiled-cache.ts';

function query(body: Record<string, unknown>): CanonicalQuery {
  const parsed = canonicalQuery({ model: 'shop', view: 'orders', fields: ['orders.count'], ...body });
  if ('problems' in parsed) throw new Error(JSON.stringify(parsed.problems));
  return parsed.query;
}

const compiled = (sql: string): CompiledQuery => ({ sql } as unknown as CompiledQuery);
const DUCK: CompileContext = { dialect: 'duckdb', databaseTimezone: undefined, queryTimezone: undefined };

describe('CompiledCache', () => {
  it('answers an equal query (a different object) in the same workspace and context, and nothing else', () => {
    const cache = new CompiledCache({ maxAgeMs: 60_000, perWorkspace: 10 });
    const ws = {};
    const one = compiled('SELECT 1');
    cache.set(ws, query({ filters: { 'orders.b': '1', 'orders.a': '2' } }), undefined, DUCK, one);
    expect(cache.get(ws, query({ filters: { 'orders.a': '2', 'orders.b': '1' } }), undefined, DUCK)).toBe(one);
    expect(cache.get({}, query({ filters: { 'orders.a': '2', 'orders.b': '1' } }), undefined, DUCK)).toBeUndefined();
    expect(cache.get(ws, query({ filters: { 'orders.a': '2' } }), undefined, DUCK)).toBeUndefined();
    expect(cache.get(ws, query({ filters: { 'orders.a': '2', 'orders.b': '1' } }), '5', DUCK)).toBeUndefined();
    for (const context of [{ ...DUCK, dialect: 'postgres' }, { ...DUCK, databaseTimezone: 'UTC' }, { ...DUCK, queryTimezone: 'Europe/Paris' }]) {
      expect(cache.get(ws, query({ filters: { 'orders.a': '2', 'orders.b': '1' } }), undefined, context)).toBeUndefined();
    }
  });

  it('keeps queries of one bucket apart and replaces an entry set again', () => {
    const cache = new CompiledCache({ maxAgeMs: 60_000, perWorkspace: 10 });
    const ws = {};
    // Same model, view, field count and first field: one bucket.
    const a = query({ fields: ['orders.count', 'orders.id'] });
    const b = query({ fields: ['orders.count', 'orders.status'] });
    cache.set(ws, a, undefined, DUCK, compiled('A'));
    cache.set(ws, b, undefined, DUCK, compiled('B'));
    expect(cache.get(ws, a, undefined, DUCK)?.sql).toBe('A');
    expect(cache.get(ws, b, undefined, DUCK)?.sql).toBe('B');
    cache.set(ws, query({ fields: ['orders.count', 'orders.id'] }), undefined, DUCK, compiled('A2'));
    expect(cache.get(ws, a, undefined, DUCK)?.sql).toBe('A2');
    expect(cache.size(ws)).toBe(2);
  });

  it('forgets entries older than the maximum age', () => {
    let now = 1_000;
    const cache = new CompiledCache({ maxAgeMs: 100, perWorkspace: 10, now: () => now });
    const ws = {};
    cache.set(ws, query({}), undefined, DUCK, compiled('X'));
    now += 99;
    expect(cache.get(ws, query({}), undefined, DUCK)?.sql).toBe('X');
    now += 1;
    expect(cache.get(ws, query({}), undefined, DUCK)).toBeUndefined();
  });

  it('drops a workspace\'s entries when it reaches its bound', () => {
    const cache = new CompiledCache({ maxAgeMs: 60_000, perWorkspace: 3 });
    const ws = {};
    for (const limit of ['1', '2', '3']) cache.set(ws, query({ limit }), undefined, DUCK, compiled(limit));
    expect(cache.size(ws)).toBe(3);
    cache.set(ws, query({ limit: '4' }), undefined, DUCK, compiled('4'));
    expect(cache.size(ws)).toBe(1);
    expect(cache.get(ws, query({ limit: '1' }), undefined, DUCK)).toBeUndefined();
    expect(cache.get(ws, query({ limit: '4' }), undefined, DUCK)?.sql).toBe('4');
  });
});
