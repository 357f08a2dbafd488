/**
 * The parser's compact syntax tree: one `Int32Array` of node records per file (the "tape")
 * plus the strings they name, instead of several small objects per node.
 *
 * Why: a large project's tree is hundreds of thousands of nodes (half of them locations)
 * that all live until the model is built; a typed array's contents live outside the collected
 * heap, so the tree costs the garbage collector nothing (the generated benchmark project:
 * 39 MB of heap as objects, 5 MB as tapes). The tree is still fully built by `parseLookml`;
 * it takes the object form of ast.ts only when someone reads `LookmlFile.pairs` (see
 * `materialize`). The model stage reads fields straight from the records (model/tape-read.ts)
 * and everything else through `sourcePairs`, whose nodes are made on demand and die young.
 *
 * Records, in source order (a node's children follow it); every record keeps the 1-based
 * line and column of its node at +2 and +3:
 * - pair:   PAIR, key, line, column, name (-1 when none), name line, name column; its value follows
 * - scalar: STRING | BARE | SQL, text, line, column
 * - list:   LIST, end, line, column; its items (scalars, or pairs in a map-list) follow up to `end`
 * - block:  BLOCK, end, line, column; its pairs follow up to `end`
 * `key`, `name` and `text` are string ids (see `strAt`): most are words of the shared table
 * (intern.ts), which the parser looked up anyway, so only other strings take room in `strs`.
 */
import type { Loc, PairNode, ScalarNode, ValueNode } from './ast.ts';
import { SLOTS, wordAt } from './intern.ts';

export const PAIR = 1;
export const STRING = 2;
export const BARE = 3;
export const SQL = 4;
export const LIST = 5;
export const BLOCK = 6;

export const PAIR_SIZE = 7;
export const NODE_SIZE = 4;

type ValueKind = ValueNode['kind'];
const KIND_NAMES: readonly ValueKind[] = ['string', 'string', 'string', 'bare', 'sql', 'list', 'block'];

export interface Tape {
  readonly file: string;
  readonly t: Int32Array;
  readonly strs: readonly string[];
  /** Scalar records whose text contains `@{` (constants to substitute), in source order. */
  readonly consts: readonly number[];
  /**
   * Set on tapes encoded from object trees (`encodePairs`) only, whose nodes may come from
   * several files: records then hold an index into this list instead of a line and column.
   */
  readonly locs: readonly Loc[] | undefined;
}

/** Index just past the record at `i` and everything under it. */
export function nextRecord(t: Int32Array, i: number): number {
  let j = i;
  if (t[j] === PAIR) j += PAIR_SIZE;
  const kind = t[j]!;
  return kind === LIST || kind === BLOCK ? t[j + 1]! : j + NODE_SIZE;
}

const NO_CONSTS: readonly number[] = Object.freeze([]);

/** String ids from here up are shared words (`wordAt(id - WORD)`); below, indices into `strs`. */
const WORD = 1 << 30;

/** The string with id `id` (negative: `~index`, a text with constants). */
export function strAt(tape: Tape, id: number): string {
  return id >= WORD ? wordAt(id - WORD) : tape.strs[id < 0 ? ~id : id]!;
}

/** The key of the pair record `i`. */
export function keyAt(tape: Tape, i: number): string {
  return strAt(tape, tape.t[i + 1]!);
}

/**
 * Small integer codes for a fixed set of keys, read straight from pair records: the model's
 * hottest loops dispatch on keys, and a `switch` over strings compares the key with each case
 * in turn, where a `switch` over small integers is one jump. A shared word's code is looked up
 * once per slot (slots never change, see intern.ts); other keys by a Map.
 */
export class KeyCodes {
  private readonly codes: ReadonlyMap<string, number>;
  /** Per word slot: 0 not looked up yet, -1 not one of the keys, else code + 1. */
  private readonly bySlot = new Int16Array(SLOTS);

  /** Codes are the keys' indices in `keys`. */
  constructor(keys: readonly string[]) {
    this.codes = new Map(keys.map((k, i) => [k, i]));
  }

  /** The code of the key of pair record `i`, or -1. */
  at(tape: Tape, i: number): number {
    const id = tape.t[i + 1]!;
    if (id < WORD) return this.codes.get(tape.strs[id < 0 ? ~id : id]!) ?? -1;
    const slot = id - WORD;
    const c = this.bySlot[slot]!;
    if (c !== 0) return c < 0 ? -1 : c - 1;
    const code = this.codes.get(wordAt(slot)) ?? -1;
    this.bySlot[slot] = code < 0 ? -1 : code + 1;
    return code;
  }
}

/** Ints per arena chunk: many small files share one buffer, a large file gets its own. */
const CHUNK = 1 << 14;

/**
 * Builds a tape. Tapes are carved out of shared chunks (`subarray`), so a file costs no
 * buffer of its own and no copy; parsing is synchronous and never re-entered, so one
 * writer at a time owns the free end of the current chunk. Indices written into records
 * (`end`) are relative to the tape's own start. A chunk lives as long as any tape in it,
 * which is why chunks are small (64 KB).
 */
export class TapeWriter {
  private static chunk = new Int32Array(CHUNK);
  private static free = 0;
  private t = TapeWriter.chunk;
  private base = TapeWriter.free;
  private n = TapeWriter.free;
  private readonly strs: string[] = [];
  private consts: number[] | undefined;

  private reserve(size: number): void {
    if (this.n + size <= this.t.length) return;
    const used = this.n - this.base;
    const bigger = new Int32Array(Math.max(CHUNK, (used + size) * 2));
    bigger.set(this.t.subarray(this.base, this.n));
    this.t = bigger;
    // The rest of the old chunk is abandoned; this one becomes the shared chunk.
    this.base = 0;
    this.n = used;
    TapeWriter.chunk = bigger;
    TapeWriter.free = used;
  }

  /** The id of `s`, which is the shared word `word` when that is not -1. */
  private str(s: string, word: number): number {
    return word >= 0 ? WORD + word : this.strs.push(s) - 1;
  }

  /** A pair; `keyWord`/`nameWord` are the shared-word slots of its key and name, or -1. */
  pair(
    key: string, keyWord: number, line: number, column: number,
    name: string | undefined, nameWord: number, nameLine: number, nameColumn: number,
  ): void {
    this.reserve(PAIR_SIZE);
    const t = this.t;
    const n = this.n;
    t[n] = PAIR;
    t[n + 1] = this.str(key, keyWord);
    t[n + 2] = line;
    t[n + 3] = column;
    t[n + 4] = name === undefined ? -1 : this.str(name, nameWord);
    t[n + 5] = nameLine;
    t[n + 6] = nameColumn;
    this.n = n + PAIR_SIZE;
  }

  /**
   * A scalar (`word`: its shared-word slot, or -1); `constants` says whether its text
   * contains `@{`. Such texts are stored as `~index`, so readers know which records a
   * substitution may have replaced.
   */
  scalar(kind: typeof STRING | typeof BARE | typeof SQL, text: string, word: number, line: number, column: number, constants: boolean): void {
    this.reserve(NODE_SIZE);
    const t = this.t;
    const n = this.n;
    const id = constants ? this.strs.push(text) - 1 : this.str(text, word);
    if (constants) (this.consts ??= []).push(n - this.base);
    t[n] = kind;
    t[n + 1] = constants ? ~id : id;
    t[n + 2] = line;
    t[n + 3] = column;
    this.n = n + NODE_SIZE;
  }

  /** Starts a list or block; its children are written next, then `close` with the returned handle. */
  open(kind: typeof LIST | typeof BLOCK, line: number, column: number): number {
    this.reserve(NODE_SIZE);
    const t = this.t;
    const n = this.n;
    t[n] = kind;
    t[n + 1] = 0;
    t[n + 2] = line;
    t[n + 3] = column;
    this.n = n + NODE_SIZE;
    return n - this.base;
  }

  close(at: number): void {
    this.t[this.base + at + 1] = this.n - this.base;
  }

  finish(file: string, locs?: readonly Loc[]): Tape {
    const t = this.t.subarray(this.base, this.n);
    if (this.t === TapeWriter.chunk) TapeWriter.free = this.n;
    // One shape for every tape, so the readers see a single kind of object.
    return { file, t, strs: this.strs, consts: this.consts ?? NO_CONSTS, locs };
  }
}

/** Where the node of record `i` is (for a pair: its key). */
export function locAt(tape: Tape, i: number): Loc {
  const t = tape.t;
  if (tape.locs !== undefined) return tape.locs[t[i + 2]!]!;
  return { file: tape.file, line: t[i + 2]!, column: t[i + 3]! };
}

/** Where the name of the pair record `i` is, if it has one. */
function nameLocAt(tape: Tape, i: number): Loc | undefined {
  const t = tape.t;
  if (t[i + 4]! < 0) return undefined;
  if (tape.locs !== undefined) return t[i + 5]! < 0 ? undefined : tape.locs[t[i + 5]!];
  return { file: tape.file, line: t[i + 5]!, column: t[i + 6]! };
}

/** The tape in the object form of ast.ts, exactly as the parser used to build it. */
export function materialize(tape: Tape): PairNode[] {
  const out: PairNode[] = [];
  const t = tape.t;
  for (let i = 0; i < t.length; i = nextRecord(t, i)) out.push(plainPair(tape, i));
  return out;
}

function plainPair(tape: Tape, i: number): PairNode {
  const t = tape.t;
  const key = keyAt(tape, i);
  const value = plainValue(tape, i + PAIR_SIZE);
  const loc = locAt(tape, i);
  const nameId = t[i + 4]!;
  if (nameId < 0) return { kind: 'pair', key, value, loc };
  return { kind: 'pair', key, name: strAt(tape, nameId), value, loc, nameLoc: nameLocAt(tape, i) };
}

function plainValue(tape: Tape, i: number): ValueNode {
  const t = tape.t;
  const loc = locAt(tape, i);
  switch (t[i]) {
    case LIST: {
      const items: (ScalarNode | PairNode)[] = [];
      const end = t[i + 1]!;
      for (let j = i + NODE_SIZE; j < end; j = nextRecord(t, j)) items.push(t[j] === PAIR ? plainPair(tape, j) : plainScalar(tape, j));
      return { kind: 'list', items, loc };
    }
    case BLOCK: {
      const pairs: PairNode[] = [];
      const end = t[i + 1]!;
      for (let j = i + NODE_SIZE; j < end; j = nextRecord(t, j)) pairs.push(plainPair(tape, j));
      return { kind: 'block', pairs, loc };
    }
    default:
      return plainScalar(tape, i);
  }
}

function plainScalar(tape: Tape, i: number): ScalarNode {
  const t = tape.t;
  const value = strAt(tape, t[i + 1]!);
  const loc = locAt(tape, i);
  switch (t[i]) {
    case BARE:
      return { kind: 'bare', value, loc };
    case SQL:
      return { kind: 'sql', value, loc };
    default:
      return { kind: 'string', value, loc };
  }
}

/** A tape, with the texts that replace some of its scalars (constants substituted) in one build. */
export interface TapeSource {
  readonly tape: Tape;
  readonly texts: ReadonlyMap<number, string> | undefined;
}

/** The text of the scalar record `i`. */
export function textAt(src: TapeSource, i: number): string {
  const id = src.tape.t[i + 1]!;
  const texts = src.texts;
  if (id >= 0 || texts === undefined) return strAt(src.tape, id);
  return texts.get(i) ?? strAt(src.tape, id);
}

export function isScalarRecord(t: Int32Array, i: number): boolean {
  const kind = t[i]!;
  return kind === STRING || kind === BARE || kind === SQL;
}

/*
 * Read-only views of tape records with the ast.ts interfaces, for the model stage. They are
 * made afresh on every read (`pair.value`, `block.pairs`), never cached: a cache would keep
 * the whole tree alive as objects again. Nothing outside src/lookml and src/model sees them.
 */

export class TapePair implements PairNode {
  readonly kind = 'pair';
  readonly key: string;
  readonly name: string | undefined;
  readonly src: TapeSource;
  /** The pair's record; its value's record follows at `i + PAIR_SIZE`. */
  readonly i: number;

  constructor(src: TapeSource, i: number) {
    const tape = src.tape;
    this.src = src;
    this.i = i;
    this.key = keyAt(tape, i);
    const nameId = tape.t[i + 4]!;
    this.name = nameId < 0 ? undefined : strAt(tape, nameId);
  }

  get value(): ValueNode {
    return new TapeValue(this.src, this.i + PAIR_SIZE);
  }

  get loc(): Loc {
    return locAt(this.src.tape, this.i);
  }

  get nameLoc(): Loc | undefined {
    return nameLocAt(this.src.tape, this.i);
  }
}

/** Any value record; which members make sense depends on `kind`, as with `ValueNode`. */
class TapeValue {
  readonly kind: ValueKind;
  private readonly src: TapeSource;
  private readonly i: number;

  constructor(src: TapeSource, i: number) {
    this.src = src;
    this.i = i;
    this.kind = KIND_NAMES[src.tape.t[i]!]!;
  }

  get value(): string {
    return textAt(this.src, this.i);
  }

  get items(): (ScalarNode | PairNode)[] {
    const out: (ScalarNode | PairNode)[] = [];
    const t = this.src.tape.t;
    const end = t[this.i + 1]!;
    for (let j = this.i + NODE_SIZE; j < end; j = nextRecord(t, j)) {
      if (t[j] === PAIR) {
        out.push(new TapePair(this.src, j));
      } else {
        const v = new TapeValue(this.src, j);
        if (isScalarView(v)) out.push(v);
      }
    }
    return out;
  }

  get pairs(): PairNode[] {
    return sourcePairsIn(this.src, this.i + NODE_SIZE, this.src.tape.t[this.i + 1]!);
  }

  get loc(): Loc {
    return locAt(this.src.tape, this.i);
  }
}

function isScalarView(v: TapeValue): v is TapeValue & ScalarNode {
  return v.kind === 'string' || v.kind === 'bare' || v.kind === 'sql';
}

/** The pair records in [`from`, `to`) of `src` as on-demand views. */
function sourcePairsIn(src: TapeSource, from: number, to: number): PairNode[] {
  const out: PairNode[] = [];
  const t = src.tape.t;
  for (let j = from; j < to; j = nextRecord(t, j)) out.push(new TapePair(src, j));
  return out;
}

/** The top-level pairs of `src` as on-demand views (see above). */
export function sourcePairs(src: TapeSource): PairNode[] {
  return sourcePairsIn(src, 0, src.tape.t.length);
}

/** The pair record at `i` of `src` as an on-demand view. */
export function sourcePair(src: TapeSource, i: number): PairNode {
  return new TapePair(src, i);
}

/** The scalar record at `i` of `src` as a node, for messages about its text. */
export function sourceScalar(src: TapeSource, i: number): ScalarNode | undefined {
  const v = new TapeValue(src, i);
  return isScalarView(v) ? v : undefined;
}

/** Which files came from `parseLookml`, and their tapes. */
const tapes = new WeakMap<object, Tape>();

export function registerTape(file: object, tape: Tape): void {
  tapes.set(file, tape);
}

export function tapeOf(file: object): Tape | undefined {
  return tapes.get(file);
}

/** The pairs the model stage reads: views over the tape of a parsed file, else the file's own pairs. */
export function filePairs(file: { readonly pairs: readonly PairNode[] }): readonly PairNode[] {
  const tape = tapes.get(file);
  return tape === undefined ? file.pairs : sourcePairs({ tape, texts: undefined });
}

/**
 * Pairs of any origin (merge results, hand-made trees) written to a tape of their own, so the
 * model reads every block the same way. Their locations are kept as they are.
 */
export function encodePairs(pairs: readonly PairNode[]): TapeSource {
  const w = new TapeWriter();
  const locs: Loc[] = [];
  for (const p of pairs) encodePair(w, p, locs);
  return { tape: w.finish('', locs), texts: undefined };
}

function encodePair(w: TapeWriter, p: PairNode, locs: Loc[]): void {
  const nameLoc = p.nameLoc;
  w.pair(p.key, -1, locs.push(p.loc) - 1, 0, p.name, -1, nameLoc === undefined ? -1 : locs.push(nameLoc) - 1, 0);
  encodeValue(w, p.value, locs);
}

function encodeValue(w: TapeWriter, v: ValueNode, locs: Loc[]): void {
  const at = locs.push(v.loc) - 1;
  switch (v.kind) {
    case 'list': {
      const open = w.open(LIST, at, 0);
      for (const item of v.items) {
        if (item.kind === 'pair') encodePair(w, item, locs);
        else encodeValue(w, item, locs);
      }
      w.close(open);
      return;
    }
    case 'block': {
      const open = w.open(BLOCK, at, 0);
      for (const p of v.pairs) encodePair(w, p, locs);
      w.close(open);
      return;
    }
    case 'string':
      w.scalar(STRING, v.value, -1, at, 0, false);
      return;
    case 'bare':
      w.scalar(BARE, v.value, -1, at, 0, false);
      return;
    case 'sql':
      w.scalar(SQL, v.value, -1, at, 0, false);
      return;
  }
}
