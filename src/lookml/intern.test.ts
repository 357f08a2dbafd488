import { describe, expect, it } from 'vitest';
import { internSlice, wordHash } from './intern.ts';
import { parseLookml } from './parser.ts';

function hashOf(src: string, start: number, end: number): number {
  let h = 0;
  for (let i = start; i < end; i++) h = wordHash(h, src.charCodeAt(i));
  return h;
}

function intern(src: string, start: number, end: number): string {
  return internSlice(src, start, end, hashOf(src, start, end));
}

describe('internSlice', () => {
  it('returns the slice for every occurrence of a word (shared internally)', () => {
    const src = 'type: number\ntype: number_other\n';
    const a = intern(src, 0, 4);
    const b = intern(src, 13, 17);
    expect(a).toBe('type');
    expect(b).toBe(a);
    expect(intern(src, 6, 12)).toBe('number');
    expect(intern(src, 19, 31)).toBe('number_other');
  });

  it('tells apart words whose hashes collide in the table', () => {
    // Equal hash and length, different text: the table must compare the characters.
    const words = ['Aa', 'BB'];
    expect(hashOf('Aa', 0, 2)).toBe(hashOf('BB', 0, 2));
    expect(words.map((w) => intern(w, 0, 2))).toEqual(['Aa', 'BB']);
  });

  it('leaves long words and the empty word unshared but correct', () => {
    const long = 'x'.repeat(60);
    expect(intern(long, 0, 60)).toBe(long);
    expect(intern('abc', 1, 1)).toBe('');
  });

  it('keeps `__proto__` and integer-like words as ordinary strings', () => {
    expect(intern('__proto__', 0, 9)).toBe('__proto__');
    expect(intern('a 123 b', 2, 5)).toBe('123');
  });
});

describe('the parser with shared words', () => {
  it('reads the same key in different files', () => {
    const a = parseLookml('view: a { dimension: x { type: number } }', 'a.lkml');
    const b = parseLookml('view: b { dimension: y { type: number } }', 'b.lkml');
    const typeOf = (f: typeof a): string => {
      const view = f.pairs[0]!.value;
      if (view.kind !== 'block') throw new Error('no block');
      const dim = view.pairs[0]!.value;
      if (dim.kind !== 'block') throw new Error('no block');
      return dim.pairs[0]!.key;
    };
    expect(typeOf(a)).toBe('type');
    expect(typeOf(b)).toBe(typeOf(a));
  });
});
