/**
 * Typed reads of the generic LookML tree, shared by the model builders.
 *
 * After merging, a block may legitimately repeat a key (`filters: {…}` blocks,
 * `allowed_value`, `link`), so "one value" readers take the last occurrence —
 * the one a later refinement or extension wrote.
 */
import type { BlockNode, Diagnostic, Loc, PairNode, ScalarNode, Severity, ValueNode } from '../lookml/ast.ts';
import type { ParamLoc } from './types.ts';

export function isScalar(v: ValueNode): v is ScalarNode {
  return v.kind === 'string' || v.kind === 'bare' || v.kind === 'sql';
}

export function lastPair(pairs: readonly PairNode[], key: string): PairNode | undefined {
  for (let i = pairs.length - 1; i >= 0; i--) {
    const p = pairs[i]!;
    if (p.key === key) return p;
  }
  return undefined;
}

export function allPairs(pairs: readonly PairNode[], key: string): PairNode[] {
  return pairs.filter((p) => p.key === key);
}

/** The text of a scalar-valued pair. */
export function scalarText(p: PairNode | undefined): string | undefined {
  return p && isScalar(p.value) ? p.value.value : undefined;
}

/** `yes`/`no` (also `true`/`false`) as a boolean; anything else is undefined. */
export function yesNoText(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  // The common spellings first: trimming and lower-casing allocate.
  if (v === 'yes') return true;
  if (v === 'no') return false;
  const w = v.trim().toLowerCase();
  if (w === 'yes' || w === 'true') return true;
  if (w === 'no' || w === 'false') return false;
  return undefined;
}

export function numText(v: string | undefined): number | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** The scalar text of `key`, if present and scalar. */
export function str(pairs: readonly PairNode[], key: string): string | undefined {
  return scalarText(lastPair(pairs, key));
}

export function yesNo(pairs: readonly PairNode[], key: string): boolean | undefined {
  return yesNoText(str(pairs, key));
}

export function num(pairs: readonly PairNode[], key: string): number | undefined {
  return numText(str(pairs, key));
}

/** The scalar items of a list value (a lone scalar counts as a one-item list). */
export function listItems(value: ValueNode): ScalarNode[] {
  if (isScalar(value)) return [value];
  if (value.kind === 'list') return value.items.filter((i): i is ScalarNode => i.kind !== 'pair');
  return [];
}

/** The texts of a pair's list value (see `listItems`). */
export function listText(p: PairNode | undefined): string[] | undefined {
  if (!p) return undefined;
  const v = p.value;
  if (isScalar(v)) return [v.value];
  const out: string[] = [];
  if (v.kind === 'list') for (const i of v.items) if (i.kind !== 'pair') out.push(i.value);
  return out;
}

export function list(pairs: readonly PairNode[], key: string): string[] | undefined {
  return listText(lastPair(pairs, key));
}

/**
 * One shared empty list for the many IR members that are usually empty (a field's
 * `filters`, `tags`, …): frozen, so sharing it is safe.
 */
export const EMPTY: readonly never[] = Object.freeze([]);

/** The body of a block-valued pair (empty for anything else). */
export function body(p: PairNode | undefined): readonly PairNode[] {
  return p?.value.kind === 'block' ? p.value.pairs : [];
}

/** Where a named block's name is (falls back to its key). */
export function nameLoc(p: PairNode): Loc {
  return p.nameLoc ?? p.loc;
}

/** Columns per line in a packed `ParamLoc`; a column past it is kept as a `Loc`. */
export const LOC_COLUMNS = 4096;

/** Where `owner`'s parameter `key` was written (see `ParamLoc`). */
export function paramLoc(owner: { readonly loc: Loc; readonly paramLocs?: Readonly<Record<string, ParamLoc>> }, key: string): Loc | undefined {
  const at = owner.paramLocs?.[key];
  if (typeof at !== 'number') return at;
  return { file: owner.loc.file, line: Math.floor(at / LOC_COLUMNS), column: at % LOC_COLUMNS };
}

/**
 * The position of character `offset` of a scalar's value. Strings are located at
 * their opening quote, so their text starts one column later; escapes inside the
 * string make the column approximate, which is acceptable for diagnostics.
 */
export function offsetLoc(node: ScalarNode, offset: number): Loc {
  const text = node.value;
  // Searched in place rather than on a copy of the text before `offset`: validation
  // locates every `${…}` of every field.
  const nl = offset === 0 ? -1 : text.lastIndexOf('\n', offset - 1);
  const shift = node.kind === 'string' ? 1 : 0;
  if (nl === -1) return { file: node.loc.file, line: node.loc.line, column: node.loc.column + shift + offset };
  let lines = 0;
  for (let i = 0; i <= nl; i++) if (text.charCodeAt(i) === 10) lines++;
  return { file: node.loc.file, line: node.loc.line + lines, column: offset - nl };
}

export function diag(code: string, severity: Severity, message: string, loc: Loc): Diagnostic {
  return { code, severity, message, file: loc.file, line: loc.line, column: loc.column };
}

/** The model, explore and field a check was validating (see `Diagnostic`). */
export interface DiagnosticContext {
  readonly model?: string;
  readonly explore?: string;
  readonly field?: string;
}

/** `d` with the members of `ctx` it lacks: the innermost check that knew a member set it first. */
export function inContext(d: Diagnostic, ctx: DiagnosticContext): Diagnostic {
  const model = d.model ?? ctx.model;
  const explore = d.explore ?? ctx.explore;
  const field = d.field ?? ctx.field;
  if (model === d.model && explore === d.explore && field === d.field) return d;
  // A copy, not an update: build diagnostics are shared with cached projects. Absent members stay
  // absent (not `undefined`) so stored and printed JSON is unchanged for diagnostics without context.
  const out: { -readonly [K in keyof Diagnostic]: Diagnostic[K] } = {
    code: d.code, severity: d.severity, message: d.message, file: d.file, line: d.line, column: d.column,
  };
  if (model !== undefined) out.model = model;
  if (explore !== undefined) out.explore = explore;
  if (field !== undefined) out.field = field;
  return out;
}

/**
 * Give the diagnostics a check appended to `out` (from index `from` on) the context it ran in,
 * so the checks themselves need not pass it to every `diag(...)`.
 */
export function withContext(out: Diagnostic[], from: number, ctx: DiagnosticContext): void {
  for (let i = from; i < out.length; i++) out[i] = inContext(out[i]!, ctx);
}

export function fileLoc(file: string): Loc {
  return { file, line: 1, column: 1 };
}

/** Posix-style `dirname` of a project path (`''` for the root). */
export function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i === -1 ? '' : path.slice(0, i);
}

/** Resolve `.`/`..` segments; the result has no leading slash. */
export function normalizePath(path: string): string {
  const out: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return out.join('/');
}

/**
 * Where each parameter's value was written: `key` → its value (last occurrence),
 * and `key[i]` → item `i` of a list value, so problems inside lists can be pinned.
 */
export function locsOf(pairs: readonly PairNode[]): Record<string, Loc> {
  const out: Record<string, Loc> = {};
  for (let k = 0; k < pairs.length; k++) {
    const p = pairs[k]!;
    const v = p.value;
    out[p.key] = v.loc;
    if (v.kind === 'list') for (let i = 0; i < v.items.length; i++) out[itemKey(p.key, i)] = v.items[i]!.loc;
  }
  return out;
}

/**
 * `key[i]`, made once per key and index: every field's `timeframes`, `drill_fields`, …
 * would otherwise build (and the engine look up) the same strings again. Bounded.
 */
const itemKeys = new Map<string, string[]>();
const MAX_ITEM_KEYS = 1000;
const MAX_ITEM_INDEX = 64;

export function itemKey(key: string, i: number): string {
  let byIndex = itemKeys.get(key);
  if (!byIndex) {
    if (i >= MAX_ITEM_INDEX || itemKeys.size >= MAX_ITEM_KEYS) return `${key}[${i}]`;
    itemKeys.set(key, (byIndex = []));
  }
  if (i >= MAX_ITEM_INDEX) return `${key}[${i}]`;
  let k = byIndex[i];
  if (k === undefined) {
    for (let n = byIndex.length; n <= i; n++) byIndex.push(`${key}[${n}]`);
    k = byIndex[i]!;
  }
  return k;
}

/*
 * Copies of syntax nodes with one member replaced, for constants, refinements and extends.
 * Literals rather than spreads: V8 copies objects of varying shapes slowly with `{ ...o }`.
 * Members keep their order and presence (JSON output is unchanged).
 */

export function withValue(p: PairNode, value: ValueNode): PairNode {
  if (p.name === undefined) return { kind: 'pair', key: p.key, value, loc: p.loc };
  return p.nameLoc === undefined
    ? { kind: 'pair', key: p.key, name: p.name, value, loc: p.loc }
    : { kind: 'pair', key: p.key, name: p.name, value, loc: p.loc, nameLoc: p.nameLoc };
}

export function withPairs(block: BlockNode, pairs: readonly PairNode[]): BlockNode {
  return { kind: 'block', pairs, loc: block.loc };
}

export function withText(node: ScalarNode, value: string): ScalarNode {
  switch (node.kind) {
    case 'string':
      return { kind: 'string', value, loc: node.loc };
    case 'bare':
      return { kind: 'bare', value, loc: node.loc };
    case 'sql':
      return { kind: 'sql', value, loc: node.loc };
  }
}

/** Drop `undefined` members so results stay minimal, plain JSON. */
export function compact<T extends object>(o: T): T {
  const src = o as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k in src) if (src[k] !== undefined) out[k] = src[k];
  return out as T;
}

/**
 * Report each problem once per model that finds it (Looker validates model by model), however
 * many explores or fields of that model expose it; the first context found is kept.
 */
export function dedupeDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of list) {
    const key = d.model === undefined ? `${d.code}|${d.file}|${d.line}|${d.column}` : `${d.code}|${d.file}|${d.line}|${d.column}|${d.model}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}
