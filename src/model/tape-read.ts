/**
 * Reading a block's parameters straight from the parser's tape (src/lookml/tape.ts), for the
 * model's hottest path: every field of every view. The object-tree readers in ast-util.ts
 * would make a node object for each value they look at; these read the records in place.
 *
 * A block that is not on a tape (a field merged by a refinement, a hand-made tree) is first
 * written to one of its own (`encodePairs`), so there is a single way of reading fields.
 */
import type { Loc, PairNode } from '../lookml/ast.ts';
import {
  BLOCK, LIST, NODE_SIZE, PAIR, PAIR_SIZE, TapePair, encodePairs, isScalarRecord, keyAt, locAt, nextRecord, textAt,
  type TapeSource,
} from '../lookml/tape.ts';
import type { FilterCondition, ParamLoc } from './types.ts';
import { EMPTY, LOC_COLUMNS, body, itemKey, listItems } from './ast-util.ts';

/** The pair records in [`start`, `end`) of `src`: a block's body. */
export interface TapeBlock {
  readonly src: TapeSource;
  readonly start: number;
  readonly end: number;
}

/** The body of a block-valued pair, as tape records (empty for any other value). */
export function blockOf(p: PairNode): TapeBlock {
  if (p instanceof TapePair) return innerBlock(p.src, p.i + PAIR_SIZE);
  const pairs = body(p);
  const src = encodePairs(pairs);
  return { src, start: 0, end: src.tape.t.length };
}

/** The body of the value record `v` when it is a block (else an empty block). */
export function innerBlock(src: TapeSource, v: number): TapeBlock {
  const t = src.tape.t;
  return t[v] === BLOCK ? { src, start: v + NODE_SIZE, end: t[v + 1]! } : { src, start: v, end: v };
}

/** The value record of the last pair with `key`, or -1. */
export function findValue(b: TapeBlock, key: string): number {
  const t = b.src.tape.t;
  let found = -1;
  for (let j = b.start; j < b.end; j = nextRecord(t, j)) if (keyAt(b.src.tape, j) === key) found = j + PAIR_SIZE;
  return found;
}

/** `str` of a tape block: the text of the last `key`, when scalar. */
export function strIn(b: TapeBlock, key: string): string | undefined {
  return scalarAt(b.src, findValue(b, key));
}

/** `list` of a tape block. */
export function listIn(b: TapeBlock, key: string): string[] | undefined {
  return listAt(b.src, findValue(b, key));
}

/** The text of a scalar value record (undefined for none, a list or a block), as `scalarText`. */
export function scalarAt(src: TapeSource, v: number): string | undefined {
  return v >= 0 && isScalarRecord(src.tape.t, v) ? textAt(src, v) : undefined;
}

/** The texts of a value record as `listText`: a scalar is a one-item list, map-list pairs are skipped. */
export function listAt(src: TapeSource, v: number): string[] | undefined {
  if (v < 0) return undefined;
  const t = src.tape.t;
  if (isScalarRecord(t, v)) return [textAt(src, v)];
  const out: string[] = [];
  if (t[v] === LIST) for (let j = v + NODE_SIZE; j < t[v + 1]!; j = nextRecord(t, j)) if (t[j] !== PAIR) out.push(textAt(src, j));
  return out;
}

/**
 * `fn` with each text of every `key` list (or lone scalar) in the body of `p`, in order: every
 * occurrence, not just the last. Read in place when `p` is on a tape.
 */
export function eachListOf(p: PairNode, key: string, fn: (text: string) => void): void {
  if (!(p instanceof TapePair)) {
    for (const q of body(p)) if (q.key === key) for (const item of listItems(q.value)) fn(item.value);
    return;
  }
  const { src, start, end } = innerBlock(p.src, p.i + PAIR_SIZE);
  const t = src.tape.t;
  for (let j = start; j < end; j = nextRecord(t, j)) {
    if (keyAt(src.tape, j) !== key) continue;
    const v = j + PAIR_SIZE;
    if (isScalarRecord(t, v)) fn(textAt(src, v));
    else if (t[v] === LIST) for (let k = v + NODE_SIZE; k < t[v + 1]!; k = nextRecord(t, k)) if (t[k] !== PAIR) fn(textAt(src, k));
  }
}

/** The scalar item records of a value record, as `listItems`. */
export function scalarItemsAt(src: TapeSource, v: number): number[] {
  const t = src.tape.t;
  if (isScalarRecord(t, v)) return [v];
  const out: number[] = [];
  if (t[v] === LIST) for (let j = v + NODE_SIZE; j < t[v + 1]!; j = nextRecord(t, j)) if (t[j] !== PAIR) out.push(j);
  return out;
}

/**
 * `locsOf` of a tape block. Its locations are made here rather than by `locAt`: they are all
 * kept, and an allocation site whose objects all live on is one V8 learns to allocate in the
 * old generation directly, sparing the young-generation copies.
 */
export function blockLocs(b: TapeBlock): Record<string, Loc> {
  const { src, start, end } = b;
  const tape = src.tape;
  const t = tape.t;
  const locs = tape.locs;
  const file = tape.file;
  const out: Record<string, Loc> = {};
  for (let j = start; j < end; j = nextRecord(t, j)) {
    const key = keyAt(tape, j);
    const v = j + PAIR_SIZE;
    out[key] = locs === undefined ? { file, line: t[v + 2]!, column: t[v + 3]! } : locs[t[v + 2]!]!;
    if (t[v] !== LIST) continue;
    let i = 0;
    for (let k = v + NODE_SIZE; k < t[v + 1]!; k = nextRecord(t, k)) {
      out[itemKey(key, i++)] = locs === undefined ? { file, line: t[k + 2]!, column: t[k + 3]! } : locs[t[k + 2]!]!;
    }
  }
  return out;
}

/**
 * `blockLocs` of the block of a field whose name is in `file`, packed where they are in that
 * file (see `ParamLoc`): the same numbers whichever way the block was read (a file's own tape
 * or a merged tree), so every build of a field is the same data.
 */
export function fieldLocs(b: TapeBlock, file: string): Record<string, ParamLoc> {
  const { src, start, end } = b;
  const tape = src.tape;
  const t = tape.t;
  const out: Record<string, ParamLoc> = {};
  for (let j = start; j < end; j = nextRecord(t, j)) {
    const key = keyAt(tape, j);
    const v = j + PAIR_SIZE;
    out[key] = packedLocAt(tape, v, file);
    if (t[v] !== LIST) continue;
    let i = 0;
    for (let k = v + NODE_SIZE; k < t[v + 1]!; k = nextRecord(t, k)) out[itemKey(key, i++)] = packedLocAt(tape, k, file);
  }
  return out;
}

/**
 * The location of record `r`, packed when it is in `file` (see fieldLocs). A module function,
 * not a closure in fieldLocs: tsx names every closure when it is created (esbuild keepNames),
 * which cost more than the packing itself at one closure per field.
 */
function packedLocAt(tape: TapeBlock['src']['tape'], r: number, file: string): ParamLoc {
  const t = tape.t;
  const locs = tape.locs;
  if (locs !== undefined) {
    const loc = locs[t[r + 2]!]!;
    return loc.file === file && loc.column < LOC_COLUMNS ? loc.line * LOC_COLUMNS + loc.column : loc;
  }
  const column = t[r + 3]!;
  if (tape.file === file && column < LOC_COLUMNS) return t[r + 2]! * LOC_COLUMNS + column;
  return { file: tape.file, line: t[r + 2]!, column };
}

/** `readFilters` of a tape block. */
export function blockFilters(b: TapeBlock, key = 'filters'): readonly FilterCondition[] {
  const { src, start, end } = b;
  const tape = src.tape;
  const t = tape.t;
  let out: FilterCondition[] | undefined;
  for (let j = start; j < end; j = nextRecord(t, j)) {
    if (keyAt(tape, j) !== key) continue;
    out ??= [];
    const v = j + PAIR_SIZE;
    if (t[v] === LIST) {
      for (let k = v + NODE_SIZE; k < t[v + 1]!; k = nextRecord(t, k)) {
        const kv = k + PAIR_SIZE;
        if (t[k] === PAIR && isScalarRecord(t, kv)) out.push({ field: keyAt(tape, k), expression: textAt(src, kv), loc: locAt(tape, k) });
      }
    } else if (t[v] === BLOCK) {
      const inner = innerBlock(src, v);
      const fieldValue = findValue(inner, 'field');
      const field = scalarAt(src, fieldValue);
      const value = scalarAt(src, findValue(inner, 'value'));
      if (field !== undefined) out.push({ field, expression: value ?? '', loc: locAt(tape, fieldValue) });
    }
  }
  // Most fields have no filters: share one empty list rather than allocate one per field.
  return out && out.length > 0 ? out : EMPTY;
}
