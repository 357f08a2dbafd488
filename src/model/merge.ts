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
 * line that wrote each parameter. Which objects are merged, and in what order, is
 * resolve.ts.
 */
import type { ListNode, PairNode, ScalarNode } from '../lookml/ast.ts';
import { replaceRefs } from './refs.ts';
import { isScalar, lastPair, listItems, withPairs, withText, withValue } from './ast-util.ts';

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
 * Slot of each named child (`dimension: id`) of the merge in progress, by key then name.
 *
 * One table serves every merge, its entries stamped with the merge that wrote them, instead
 * of maps built and dropped per merge: a project merges a view for each refinement and each
 * `extends`, and those short-lived maps were a large share of the model stage's garbage,
 * which the collector pays for by copying the model's long-lived objects more often.
 * Only view and explore merges have named children, and they never nest (fields, joins and
 * blocks merged inside them have none), so one merge at a time uses the table. Bounded.
 */
interface NamedEntry {
  stamp: number;
  slot: number;
}

const namedSlots = new Map<string, Map<string, NamedEntry>>();
let namedEntries = 0;
let mergeStamp = 0;
const MAX_NAMED_ENTRIES = 100_000;

function nextMergeStamp(): number {
  if (namedEntries > MAX_NAMED_ENTRIES || mergeStamp >= 0x3fffffff) {
    namedSlots.clear();
    namedEntries = 0;
    mergeStamp = 0;
  }
  return ++mergeStamp;
}

function namedSlot(stamp: number, q: PairNode): number | undefined {
  const e = namedSlots.get(q.key)?.get(q.name ?? '');
  return e !== undefined && e.stamp === stamp ? e.slot : undefined;
}

function setNamedSlot(stamp: number, q: PairNode, slot: number): void {
  let byName = namedSlots.get(q.key);
  if (!byName) namedSlots.set(q.key, (byName = new Map<string, NamedEntry>()));
  const name = q.name ?? '';
  const e = byName.get(name);
  if (e) {
    e.stamp = stamp;
    e.slot = slot;
  } else {
    byName.set(name, { stamp, slot });
    namedEntries++;
  }
}

/**
 * The slots of the unnamed pairs with `key`: their places in `base`, then the slots added for
 * that key (`added`, in the order they were added). Searched rather than indexed: few keys of
 * an overriding block are unnamed, and a block has at most a few dozen distinct keys.
 */
function keySlots(base: readonly PairNode[], named: ReadonlySet<string>, added: readonly KeySlot[] | undefined, key: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < base.length; i++) {
    const q = base[i]!;
    if (q.key === key && !isNamedChild(q, named)) out.push(i);
  }
  if (added) for (const a of added) if (a.key === key) out.push(a.slot);
  return out;
}

/** A slot appended for an unnamed key (a merged block or `extends` list the base did not have). */
interface KeySlot {
  readonly key: string;
  readonly slot: number;
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
  const stamp = named.size > 0 ? nextMergeStamp() : 0;
  if (named.size > 0) {
    for (let i = 0; i < base.length; i++) {
      const q = base[i]!;
      if (isNamedChild(q, named) && namedSlot(stamp, q) === undefined) setNamedSlot(stamp, q, i);
    }
  }
  let added: KeySlot[] | undefined;
  let replaced: Set<string> | undefined;
  for (let o = 0; o < over.length; o++) {
    const p = over[o]!;
    if (isNamedChild(p, named)) {
      const i = namedSlot(stamp, p);
      if (i === undefined) {
        setNamedSlot(stamp, p, slots.length);
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
      const i = keySlots(base, named, added, p.key).find((k) => {
        const q = single(slots[k]!);
        return q !== undefined && (blockCtx === undefined || q.value.kind === 'block');
      });
      if (i === undefined) {
        (added ??= []).push({ key: p.key, slot: slots.length });
        slots.push(p);
      } else {
        const q = single(slots[i]!)!;
        slots[i] = mergesBlock ? mergeNamed(q, p, blockCtx) : combineLists(q, p);
      }
      continue;
    }
    if (replaced?.has(p.key)) continue;
    (replaced ??= new Set<string>()).add(p.key);
    const inherited = lastPair(base, p.key);
    const group: PairNode[] = [];
    for (let k = 0; k < over.length; k++) {
      const q = over[k]!;
      if (q.key === p.key && !isNamedChild(q, named)) group.push(substituteExtended(q, inherited));
    }
    const at = keySlots(base, named, added, p.key);
    if (at.length === 0) {
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
