/**
 * LookML values as plain JSON, for parameters the model stage keeps as written
 * (`Field.params`, unknown keys, the API's `lookml` views).
 *
 * Rules:
 * - strings, bare words (`yes`, `42`, `orders.id`) and `;;` bodies become strings;
 * - `[a, "b"]` becomes an array; a map-list whose items are all `key: value`
 *   (`[orders.status: "complete"]`) becomes an object; in a mixed list each pair item
 *   becomes a one-key object `{ key: value }`;
 * - a block becomes an object of its pairs; within one block (or map-list):
 *   - a key seen once maps to its value;
 *   - a key seen more than once maps to the array of its values, in source order
 *     (`link: {…} link: {…}` → `link: [{…}, {…}]`, even when the values are lists);
 *   - named blocks are keyed by key, then name: `dimension: a {…} dimension: b {…}`
 *     → `dimension: { a: {…}, b: {…} }`; a name repeated under the same key follows the
 *     rule above (`{ a: [{…}, {…}] }`); a key used both with and without names is a
 *     list of its values in source order, the named ones as `{ name: {…} }`.
 * Objects have no prototype, so keys such as `__proto__` are ordinary keys.
 *
 * The model keeps one of these objects per field, so they are built for speed: see
 * `emptyObject` and the single-pass fast path of `pairsToParams`.
 */
import type { PairNode, ValueNode } from './ast.ts';
import type { Plain } from '../model/types.ts';
import { BLOCK, LIST, NODE_SIZE, PAIR, PAIR_SIZE, keyAt, nextRecord, strAt, textAt, type KeyCodes, type TapeSource } from './tape.ts';

type PlainObject = Record<string, Plain>;

/**
 * A prototype-free object. Not `Object.create(null)`: V8 makes that a hash-table
 * ("dictionary mode") object, about five times larger and three times slower to fill
 * than an ordinary object whose prototype is then set to null.
 */
function emptyObject(): PlainObject {
  return Object.setPrototypeOf({}, null) as PlainObject;
}

export function toPlain(value: ValueNode): Plain {
  switch (value.kind) {
    case 'string':
    case 'bare':
    case 'sql':
      return value.value;
    case 'block':
      return pairsToParams(value.pairs);
    case 'list': {
      const items = value.items;
      let pairs = items.length > 0;
      for (const i of items) if (i.kind !== 'pair') pairs = false;
      if (pairs) return pairsToParams(items as readonly PairNode[]);
      return items.map((i) => (i.kind === 'pair' ? single(i.key, toPlain(i.value)) : i.value));
    }
  }
}

export function pairsToParams(pairs: readonly PairNode[]): PlainObject {
  // Almost every block has each key once and no named children: one pass, no grouping.
  const out = emptyObject();
  for (let i = 0; i < pairs.length; i++) {
    const p = pairs[i]!;
    if (p.name !== undefined || p.key in out) return groupedParams(pairs);
    out[p.key] = toPlain(p.value);
  }
  return out;
}

/**
 * `pairsToParams` of the pair records in [`start`, `end`) of a tape, read in place; pairs whose
 * key is one of `skip` are left out (the model keeps those as typed members instead).
 */
export function tapeParams(src: TapeSource, start: number, end: number, skip?: KeyCodes): PlainObject {
  const t = src.tape.t;
  const out = emptyObject();
  for (let j = start; j < end; j = nextRecord(t, j)) {
    if (skip !== undefined && skip.at(src.tape, j) >= 0) continue;
    const key = keyAt(src.tape, j);
    if (t[j + 4]! >= 0 || key in out) return tapeGroupedParams(src, start, end, skip);
    out[key] = tapePlain(src, j + PAIR_SIZE);
  }
  return out;
}

/** `groupedParams` of the pair records in [`start`, `end`) of a tape. */
function tapeGroupedParams(src: TapeSource, start: number, end: number, skip: KeyCodes | undefined): PlainObject {
  const t = src.tape.t;
  const groups = new Map<string, number[]>();
  for (let j = start; j < end; j = nextRecord(t, j)) {
    if (skip !== undefined && skip.at(src.tape, j) >= 0) continue;
    const key = keyAt(src.tape, j);
    const g = groups.get(key);
    if (g) g.push(j);
    else groups.set(key, [j]);
  }
  const out = emptyObject();
  groups.forEach((group, key) => {
    if (group.every((j) => t[j + 4]! >= 0)) out[key] = tapeByName(src, group);
    else if (group.length === 1) out[key] = tapeEntry(src, group[0]!);
    else out[key] = group.map((j) => tapeEntry(src, j));
  });
  return out;
}

function tapeByName(src: TapeSource, group: readonly number[]): PlainObject {
  const names = new Map<string, Plain[]>();
  for (const j of group) {
    const name = strAt(src.tape, src.tape.t[j + 4]!);
    const v = tapePlain(src, j + PAIR_SIZE);
    const list = names.get(name);
    if (list) list.push(v);
    else names.set(name, [v]);
  }
  const out = emptyObject();
  names.forEach((values, name) => {
    out[name] = values.length === 1 ? values[0]! : values;
  });
  return out;
}

function tapeEntry(src: TapeSource, j: number): Plain {
  const v = tapePlain(src, j + PAIR_SIZE);
  const nameId = src.tape.t[j + 4]!;
  return nameId < 0 ? v : single(strAt(src.tape, nameId), v);
}

/** `toPlain` of the value record `i` of a tape. */
export function tapePlain(src: TapeSource, i: number): Plain {
  const t = src.tape.t;
  const kind = t[i]!;
  if (kind === BLOCK) return tapeParams(src, i + NODE_SIZE, t[i + 1]!);
  if (kind !== LIST) return textAt(src, i);
  const end = t[i + 1]!;
  let pairs = end > i + NODE_SIZE;
  for (let j = i + NODE_SIZE; j < end; j = nextRecord(t, j)) if (t[j] !== PAIR) pairs = false;
  if (pairs) return tapeParams(src, i + NODE_SIZE, end);
  const out: Plain[] = [];
  for (let j = i + NODE_SIZE; j < end; j = nextRecord(t, j)) {
    out.push(t[j] === PAIR ? single(keyAt(src.tape, j), tapePlain(src, j + PAIR_SIZE)) : textAt(src, j));
  }
  return out;
}

/** The general case of `pairsToParams`: repeated keys and named blocks. */
function groupedParams(pairs: readonly PairNode[]): PlainObject {
  const groups = new Map<string, PairNode[]>();
  for (const p of pairs) {
    const g = groups.get(p.key);
    if (g) g.push(p);
    else groups.set(p.key, [p]);
  }
  const out = emptyObject();
  for (const [key, group] of groups) {
    if (group.every((p) => p.name !== undefined)) {
      out[key] = byName(group);
    } else if (group.length === 1) {
      out[key] = entryValue(group[0]!);
    } else {
      out[key] = group.map(entryValue);
    }
  }
  return out;
}

function byName(group: readonly PairNode[]): PlainObject {
  const names = new Map<string, Plain[]>();
  for (const p of group) {
    const name = p.name ?? '';
    const v = toPlain(p.value);
    const list = names.get(name);
    if (list) list.push(v);
    else names.set(name, [v]);
  }
  const out = emptyObject();
  for (const [name, values] of names) out[name] = values.length === 1 ? values[0]! : values;
  return out;
}

function entryValue(p: PairNode): Plain {
  const v = toPlain(p.value);
  return p.name === undefined ? v : single(p.name, v);
}

function single(key: string, value: Plain): PlainObject {
  const o = emptyObject();
  o[key] = value;
  return o;
}
