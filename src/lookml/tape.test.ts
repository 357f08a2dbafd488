import { describe, expect, it } from 'vitest';
import type { LookmlFile, PairNode, ValueNode } from './ast.ts';
import { parseLookml } from './parser.ts';
import { encodePairs, filePairs, materialize, tapeOf } from './tape.ts';
import { pairsToParams, tapeParams } from './plain.ts';

const VIEW = [
  'view: orders {',
  '  sql_table_name: @{schema}.orders ;;',
  '  dimension: id { primary_key: yes type: number sql: ${TABLE}.id ;; }',
  '  dimension_group: created { type: time timeframes: [raw, date] }',
  '  measure: total { type: sum sql: ${amount} ;; filters: [status: "done", id: ">1"] }',
  '  link: { label: "a" url: "x" }',
  '  link: { label: "b" url: "y" }',
  '}',
].join('\n');

/** A tree read through the ast.ts members only, as plain data. */
function plainPair(p: PairNode): unknown {
  const named = p.name === undefined ? {} : { name: p.name, nameLoc: p.nameLoc };
  return { kind: p.kind, key: p.key, ...named, value: plainValue(p.value), loc: p.loc };
}

function plainValue(v: ValueNode): unknown {
  switch (v.kind) {
    case 'block':
      return { kind: v.kind, pairs: v.pairs.map(plainPair), loc: v.loc };
    case 'list':
      return { kind: v.kind, items: v.items.map((i) => (i.kind === 'pair' ? plainPair(i) : plainValue(i))), loc: v.loc };
    default:
      return { kind: v.kind, value: v.value, loc: v.loc };
  }
}

function plainTree(pairs: readonly PairNode[]): unknown {
  return pairs.map(plainPair);
}

describe('parsed files keep their tree on a tape', () => {
  it('builds the object form on first read of pairs, once', () => {
    const f = parseLookml(VIEW, 'v.view.lkml');
    const first = f.pairs;
    expect(f.pairs).toBe(first);
    const view = first[0]!;
    expect(view).toMatchObject({ kind: 'pair', key: 'view', name: 'orders', loc: { file: 'v.view.lkml', line: 1, column: 1 }, nameLoc: { line: 1, column: 7 } });
    expect(Object.keys(f)).toEqual(['path', 'pairs', 'diagnostics']);
  });

  it('reads the same tree through the model views as through the object form', () => {
    const f = parseLookml(VIEW, 'v.view.lkml');
    expect(plainTree(filePairs(f))).toEqual(plainTree(f.pairs));
    expect(plainTree(f.pairs)).toEqual(f.pairs);
  });

  it('keeps pairs of files not made by the parser as they are', () => {
    const parsed = parseLookml(VIEW, 'v.view.lkml');
    const handMade: LookmlFile = { path: parsed.path, pairs: parsed.pairs, diagnostics: [] };
    expect(tapeOf(handMade)).toBeUndefined();
    expect(filePairs(handMade)).toBe(parsed.pairs);
  });

  it('encodes object trees with their own locations', () => {
    const pairs = parseLookml(VIEW, 'v.view.lkml').pairs;
    const src = encodePairs(pairs);
    expect(materialize(src.tape)).toEqual(pairs);
    expect(tapeParams(src, 0, src.tape.t.length)).toEqual(pairsToParams(pairs));
  });

  it('marks texts that use constants and nothing else', () => {
    const tape = tapeOf(parseLookml(VIEW, 'v.view.lkml'))!;
    expect(tape.consts).toHaveLength(1);
    expect(tapeOf(parseLookml('label: "no constants here"', 'm.model.lkml'))!.consts).toEqual([]);
  });

  it('gives large files a buffer of their own and small files slices of a shared one', () => {
    const fields = Array.from({ length: 3000 }, (_, i) => `  dimension: d${i} { type: number sql: \${TABLE}.c${i} ;; }`);
    const big = ['view: big {', ...fields, '}'].join('\n');
    const small = parseLookml('label: "x"', 'a.model.lkml');
    const large = parseLookml(big, 'big.view.lkml');
    const after = parseLookml('label: "y"', 'b.model.lkml');
    expect(large.diagnostics).toEqual([]);
    const body = large.pairs[0]!.value;
    expect(body.kind === 'block' ? body.pairs.length : 0).toBe(3000);
    expect(body.kind === 'block' ? body.pairs[2999]!.loc : undefined).toEqual({ file: 'big.view.lkml', line: 3001, column: 3 });
    // Earlier and later files are untouched by the growth.
    expect(small.pairs[0]!.value).toEqual({ kind: 'string', value: 'x', loc: { file: 'a.model.lkml', line: 1, column: 8 } });
    expect(after.pairs[0]!.value).toEqual({ kind: 'string', value: 'y', loc: { file: 'b.model.lkml', line: 1, column: 8 } });
  });
});
