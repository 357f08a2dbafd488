/**
 * `extends` and refinements (`view: +name`), applied to the syntax tree.
 *
 * Merging works on parameters, not objects: a field, join or other named child
 * present on both sides is merged parameter by parameter; any other key of the
 * overriding side replaces every occurrence of that key on the base side (so a
 * set of repeated `filters: {…}` or `allowed_value: {…}` blocks is replaced as a
 * whole). `link`, `action` and `access_filter` add up instead, as Looker
 * documents; `extends` lists are concatenated (a refinement can add parents).
 *
 * Order (Looker's "refinements are applied first, then extends"): every object's
 * refinements are folded into it in include order; the refined object is then laid
 * over its refined parents, left to right, so later parents win over earlier ones
 * and the object itself wins over all of them. `${EXTENDED}` in an overriding value
 * is replaced by the value it overrides.
 *
 * Kept pairs keep their own locations, so diagnostics still point at the file and
 * line that wrote each parameter.
 */
import type { Diagnostic, ListNode, PairNode, ScalarNode } from '../lookml/ast.ts';
import { replaceRefs } from './refs.ts';
import { body, diag, isScalar, lastPair, listItems, nameLoc, withPairs, withText, withValue, yesNo } from './ast-util.ts';

type Ctx = 'view' | 'explore' | 'field' | 'join' | 'derived_table' | 'block';

const NAMED_CHILDREN: Readonly<Record<Ctx, ReadonlySet<string>>> = {
  view: new Set(['dimension', 'dimension_group', 'measure', 'filter', 'parameter', 'set']),
  explore: new Set(['join', 'aggregate_table', 'query']),
  field: new Set(),
  join: new Set(),
  derived_table: new Set(),
  block: new Set(),
};

/** Anonymous blocks merged parameter by parameter instead of being replaced. */
const MERGED_BLOCKS: Readonly<Partial<Record<Ctx, Readonly<Record<string, Ctx>>>>> = {
  view: { derived_table: 'derived_table' },
};

const ADDITIVE = new Set(['link', 'action', 'access_filter']);

function childCtx(key: string): Ctx {
  if (key === 'join') return 'join';
  if (NAMED_CHILDREN.view.has(key) && key !== 'set') return 'field';
  return 'block';
}

function substituteExtended(over: PairNode, base: PairNode | undefined): PairNode {
  const v = over.value;
  if (!isScalar(v) || !v.value.includes('EXTENDED')) return over;
  if (!base || !isScalar(base.value)) return over;
  const inherited = base.value.value;
  const value = replaceRefs(v.value, (r) => (r.ref === 'EXTENDED' ? inherited : v.value.slice(r.start, r.end)));
  return value === v.value ? over : withValue(over, withText(v, value));
}

function combineLists(base: PairNode, over: PairNode): PairNode {
  const items: ScalarNode[] = [...listItems(base.value)];
  const seen = new Set(items.map((i) => i.value));
  for (const i of listItems(over.value)) {
    if (!seen.has(i.value)) {
      seen.add(i.value);
      items.push(i);
    }
  }
  const loc = over.value.loc;
  const value: ListNode = { kind: 'list', items, loc };
  return withValue(over, value);
}

function mergeNamed(base: PairNode, over: PairNode, ctx: Ctx): PairNode {
  if (base.value.kind !== 'block' || over.value.kind !== 'block') return over;
  const pairs = mergeBlocks(base.value.pairs, over.value.pairs, ctx);
  return withValue(base, withPairs(base.value, pairs));
}

function isNamedChild(q: PairNode, named: ReadonlySet<string>): boolean {
  return q.name !== undefined && named.has(q.key);
}

/** Slot of each named child (`dimension: id`), by key then name. */
type NamedSlots = Map<string, Map<string, number>>;

function namedSlot(at: NamedSlots, q: PairNode): number | undefined {
  return at.get(q.key)?.get(q.name ?? '');
}

function setNamedSlot(at: NamedSlots, q: PairNode, slot: number): void {
  let byName = at.get(q.key);
  if (!byName) at.set(q.key, (byName = new Map<string, number>()));
  byName.set(q.name ?? '', slot);
}

/** What ends up in one place of the merged block: one pair, or the pairs that replaced a key (maybe none). */
type Slot = PairNode | readonly PairNode[];

function isPair(slot: Slot): slot is PairNode {
  return !Array.isArray(slot);
}

/** The slot's pair when it holds exactly one. */
function single(slot: Slot): PairNode | undefined {
  return isPair(slot) ? slot : slot.length === 1 ? slot[0] : undefined;
}

/**
 * `over` laid on top of `base` (see the file comment for the rules). Linear in the
 * number of pairs: generated views can have thousands of fields.
 */
export function mergeBlocks(base: readonly PairNode[], over: readonly PairNode[], ctx: Ctx): PairNode[] {
  const named = NAMED_CHILDREN[ctx];
  const mergedBlocks = MERGED_BLOCKS[ctx] ?? {};
  // One slot per base pair; a replaced key's new pairs all go in its first slot.
  const slots: Slot[] = base.slice();
  const namedAt: NamedSlots = new Map();
  const keyAt = new Map<string, number[]>();
  for (let i = 0; i < base.length; i++) {
    const q = base[i]!;
    if (isNamedChild(q, named)) {
      if (namedSlot(namedAt, q) === undefined) setNamedSlot(namedAt, q, i);
    } else {
      const list = keyAt.get(q.key);
      if (list) list.push(i);
      else keyAt.set(q.key, [i]);
    }
  }
  const replaced = new Set<string>();
  for (let o = 0; o < over.length; o++) {
    const p = over[o]!;
    if (isNamedChild(p, named)) {
      const i = namedSlot(namedAt, p);
      if (i === undefined) {
        setNamedSlot(namedAt, p, slots.length);
        slots.push(p);
      } else {
        // Named children's slots always hold their one (merged) definition.
        slots[i] = mergeNamed(single(slots[i]!)!, p, childCtx(p.key));
      }
      continue;
    }
    if (ADDITIVE.has(p.key)) {
      slots.push(p);
      continue;
    }
    const blockCtx = mergedBlocks[p.key];
    const mergesBlock = blockCtx !== undefined && p.value.kind === 'block';
    const extendsList = !mergesBlock && (ctx === 'view' || ctx === 'explore') && p.key === 'extends';
    if (mergesBlock || extendsList) {
      // The first slot of this key still holding one pair (a block, when merging blocks).
      const i = keyAt.get(p.key)?.find((k) => {
        const q = single(slots[k]!);
        return q !== undefined && (blockCtx === undefined || q.value.kind === 'block');
      });
      if (i === undefined) {
        keyAt.set(p.key, [...(keyAt.get(p.key) ?? []), slots.length]);
        slots.push(p);
      } else {
        const q = single(slots[i]!)!;
        slots[i] = mergesBlock ? mergeNamed(q, p, blockCtx) : combineLists(q, p);
      }
      continue;
    }
    if (replaced.has(p.key)) continue;
    replaced.add(p.key);
    const inherited = lastPair(base, p.key);
    const group: PairNode[] = [];
    for (let k = 0; k < over.length; k++) {
      const q = over[k]!;
      if (q.key === p.key && !isNamedChild(q, named)) group.push(substituteExtended(q, inherited));
    }
    const at = keyAt.get(p.key);
    if (at === undefined || at.length === 0) {
      slots.push(group);
      continue;
    }
    for (let n = 0; n < at.length; n++) slots[at[n]!] = n === 0 ? group : EMPTY_SLOT;
  }
  const out: PairNode[] = [];
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i]!;
    if (isPair(slot)) out.push(slot);
    else for (let k = 0; k < slot.length; k++) out.push(slot[k]!);
  }
  return out;
}

const EMPTY_SLOT: readonly PairNode[] = [];

export interface ResolvedObject {
  readonly name: string;
  /** The defining (non-refinement) block. */
  readonly def: PairNode;
  /** Parameters after refinements and extends. */
  readonly pairs: readonly PairNode[];
}

const INHERITED_EXCLUDED = new Set(['extends', 'extension', 'final']);

/**
 * Resolve every `view:` (or `explore:`) block visible to one model, in definition
 * order, into its final parameters. Problems (duplicates, dangling refinements,
 * unknown or circular `extends`) are reported; the affected part is skipped.
 */
export function resolveObjects(
  kind: 'view' | 'explore',
  defs: readonly PairNode[],
  diagnostics: Diagnostic[],
): Map<string, ResolvedObject> {
  const ctx: Ctx = kind;
  const bases = new Map<string, PairNode>();
  const refinements = new Map<string, PairNode[]>();
  for (let i = 0; i < defs.length; i++) {
    const d = defs[i]!;
    const raw = d.name;
    if (raw === undefined) continue;
    if (raw.startsWith('+')) {
      const name = raw.slice(1);
      const list = refinements.get(name) ?? [];
      list.push(d);
      refinements.set(name, list);
      continue;
    }
    const first = bases.get(raw);
    if (first) {
      const a = nameLoc(first);
      const b = nameLoc(d);
      if (a.file === b.file && a.line === b.line && a.column === b.column) continue;
      const msg = (other: typeof a): string =>
        `${kind} "${raw}" is defined more than once (also at ${other.file}:${other.line}:${other.column}); rename or remove one of them, or use ${kind}: +${raw} to refine it`;
      diagnostics.push(diag(`model/duplicate-${kind}`, 'error', msg(b), a));
      diagnostics.push(diag(`model/duplicate-${kind}`, 'error', msg(a), b));
      continue;
    }
    bases.set(raw, d);
  }

  const refined = new Map<string, readonly PairNode[]>();
  bases.forEach((base, name) => {
    let pairs: readonly PairNode[] = body(base);
    let final = yesNo(pairs, 'final') === true;
    for (const r of refinements.get(name) ?? []) {
      if (final) {
        diagnostics.push(
          diag(
            'model/refinement-after-final',
            'error',
            `Cannot refine ${kind} "${name}" here: an earlier definition or refinement sets final: yes`,
            nameLoc(r),
          ),
        );
        continue;
      }
      const over = body(r);
      pairs = mergeBlocks(pairs, over, ctx);
      final = yesNo(over, 'final') === true;
    }
    refined.set(name, pairs);
  });
  for (const [name, list] of refinements) {
    if (bases.has(name)) continue;
    for (const r of list) {
      diagnostics.push(
        diag(
          'model/refinement-without-base',
          'error',
          `Refinement ${kind}: +${name} has no ${kind} "${name}" to refine; include the file that defines it before this refinement`,
          nameLoc(r),
        ),
      );
    }
  }

  const done = new Map<string, ResolvedObject>();
  // What each parent passes on, computed once however many objects extend it.
  const inheritedPairs = new Map<string, readonly PairNode[]>();
  const resolve = (name: string, stack: string[]): ResolvedObject | undefined => {
    const hit = done.get(name);
    if (hit) return hit;
    const base = bases.get(name);
    const own = refined.get(name);
    if (!base || !own) return undefined;
    const extendsPair = lastPair(own, 'extends');
    const parents = extendsPair ? listItems(extendsPair.value) : [];
    let acc: readonly PairNode[] | undefined;
    for (const item of parents) {
      const parentName = item.value;
      if (stack.includes(parentName) || parentName === name) {
        const cycle = [...stack.slice(stack.indexOf(parentName)), name, parentName].join(' → ');
        diagnostics.push(
          diag(
            'model/extends-cycle',
            'error',
            `Circular extends: ${cycle}; remove one of these extends`,
            item.loc,
          ),
        );
        continue;
      }
      if (!bases.has(parentName)) {
        diagnostics.push(
          diag(
            'model/unknown-extends',
            'error',
            `${kind} "${name}" extends "${parentName}", which is not defined in any file this model includes`,
            item.loc,
          ),
        );
        continue;
      }
      const parent = resolve(parentName, [...stack, name]);
      if (!parent) continue;
      let inherited = inheritedPairs.get(parentName);
      if (!inherited) {
        inherited = parent.pairs.filter((p) => !INHERITED_EXCLUDED.has(p.key));
        inheritedPairs.set(parentName, inherited);
      }
      acc = acc ? mergeBlocks(acc, inherited, ctx) : inherited;
    }
    const pairs = acc ? mergeBlocks(acc, own, ctx) : own;
    const result: ResolvedObject = { name, def: base, pairs };
    done.set(name, result);
    return result;
  };
  for (const name of bases.keys()) resolve(name, []);
  return done;
}
