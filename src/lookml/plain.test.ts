import { describe, it, expect } from 'vitest';
import { parseLookml } from './parser.ts';
import { pairsToParams, toPlain } from './plain.ts';
import type { PairNode } from './ast.ts';

function pairs(src: string): readonly PairNode[] {
  const f = parseLookml(src, 'plain.lkml');
  expect(f.diagnostics).toEqual([]);
  return f.pairs;
}

describe('toPlain', () => {
  it('turns strings, bare words and SQL into strings', () => {
    const [a, b, c] = pairs('a: "x y"\nb: yes\nsql: ${TABLE}.id ;;');
    expect([toPlain(a!.value), toPlain(b!.value), toPlain(c!.value)]).toEqual(['x y', 'yes', '${TABLE}.id']);
  });

  it('turns lists into arrays and map-lists into objects', () => {
    const [a, b, c, d] = pairs('a: [x, "y", 1]\nb: []\nc: [f.g: "1", h: desc]\nd: [x, k: "v"]');
    expect(toPlain(a!.value)).toEqual(['x', 'y', '1']);
    expect(toPlain(b!.value)).toEqual([]);
    expect(toPlain(c!.value)).toEqual({ 'f.g': '1', h: 'desc' });
    expect(toPlain(d!.value)).toEqual(['x', { k: 'v' }]);
  });

  it('applies the repeated-key rule inside map-lists', () => {
    const [a] = pairs('filters: [f: "1", f: "2", g: "3"]');
    expect(toPlain(a!.value)).toEqual({ f: ['1', '2'], g: '3' });
  });
});

describe('pairsToParams', () => {
  it('maps single keys to values and repeated keys to arrays in source order', () => {
    const p = pairsToParams(pairs('label: "L"\nlink: { url: "a" }\nlink: { url: "b" }\nfields: [x]\nfields: [y, z]'));
    expect(p).toEqual({ label: 'L', link: [{ url: 'a' }, { url: 'b' }], fields: [['x'], ['y', 'z']] });
  });

  it('keys named blocks by key then name; a repeated name becomes an array', () => {
    const p = pairsToParams(pairs('dimension: a { type: number }\ndimension: b {}\ndimension: a { hidden: yes }'));
    expect(p).toEqual({ dimension: { a: [{ type: 'number' }, { hidden: 'yes' }], b: {} } });
  });

  it('lists a key used both with and without names in source order', () => {
    const p = pairsToParams(pairs('filters: [a: "1"]\nfilters: f { field: a }'));
    expect(p).toEqual({ filters: [{ a: '1' }, { f: { field: 'a' } }] });
  });

  it('uses prototype-free objects so any key is an ordinary key', () => {
    const p = pairsToParams(pairs('__proto__: x\nconstructor: { toString: y }\nm: [__proto__: "v"]'));
    expect(Object.getPrototypeOf(p)).toBeNull();
    expect(Object.keys(p)).toEqual(['__proto__', 'constructor', 'm']);
    expect(p.__proto__).toBe('x');
    expect(JSON.parse(JSON.stringify(p))).toEqual({ ['__proto__']: 'x', constructor: { toString: 'y' }, m: { ['__proto__']: 'v' } });
  });

  it('returns an empty object for no pairs', () => {
    expect(pairsToParams([])).toEqual({});
  });
});
