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
import { body, diag, isScalar, lastPair, listItems, nameLoc, yesNo } from './ast-util.ts';

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
  return value === v.value ? over : { ...over, value: { ...v, value } };
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
  return { ...over, value };
}

function mergeNamed(base: PairNode, over: PairNode, ctx: Ctx): PairNode {
  if (base.value.kind !== 'block' || over.value.kind !== 'block') return over;
  const pairs = mergeBlocks(base.value.pairs, over.value.pairs, ctx);
  return { ...base, value: { ...base.value, pairs } };
}

/**
 * `over` laid on top of `base` (see the file comment for the rules). Linear in the
 * number of pairs: generated views can have thousands of fields.
 */
export function mergeBlocks(base: readonly PairNode[], over: readonly PairNode[], ctx: Ctx): PairNode[] {
  const named = NAMED_CHILDREN[ctx];
  const mergedBlocks = MERGED_BLOCKS[ctx] ?? {};
  const isNamedChild = (q: PairNode): boolean => q.name !== undefined && named.has(q.key);
  // One slot per base pair; a replaced key's new pairs all go in its first slot.
  const slots: PairNode[][] = base.map((q) => [q]);
  const namedAt = new Map<string, number>();
  const keyAt = new Map<string, number[]>();
  base.forEach((q, i) => {
    if (isNamedChild(q)) {
      const k = `${q.key}\0${q.name ?? ''}`;
      if (!namedAt.has(k)) namedAt.set(k, i);
    } else {
      const list = keyAt.get(q.key);
      if (list) list.push(i);
      else keyAt.set(q.key, [i]);
    }
  });
  const firstOf = (key: string, test: (q: PairNode) => boolean): number | undefined =>
    keyAt.get(key)?.find((i) => slots[i]!.length === 1 && test(slots[i]![0]!));
  const replaceOne = (i: number, f: (q: PairNode) => PairNode): void => {
    slots[i] = [f(slots[i]![0]!)];
  };
  const replaced = new Set<string>();
  for (const p of over) {
    if (isNamedChild(p)) {
      const k = `${p.key}\0${p.name ?? ''}`;
      const i = namedAt.get(k);
      if (i === undefined) {
        namedAt.set(k, slots.length);
        slots.push([p]);
      } else {
        replaceOne(i, (q) => mergeNamed(q, p, childCtx(p.key)));
      }
      continue;
    }
    if (ADDITIVE.has(p.key)) {
      slots.push([p]);
      continue;
    }
    const blockCtx = mergedBlocks[p.key];
    const combine =
      blockCtx !== undefined && p.value.kind === 'block'
        ? (q: PairNode) => mergeNamed(q, p, blockCtx)
        : (ctx === 'view' || ctx === 'explore') && p.key === 'extends'
          ? (q: PairNode) => combineLists(q, p)
          : undefined;
    if (combine) {
      const i = firstOf(p.key, (q) => blockCtx === undefined || q.value.kind === 'block');
      if (i === undefined) {
        keyAt.set(p.key, [...(keyAt.get(p.key) ?? []), slots.length]);
        slots.push([p]);
      } else {
        replaceOne(i, combine);
      }
      continue;
    }
    if (replaced.has(p.key)) continue;
    replaced.add(p.key);
    const inherited = lastPair(base, p.key);
    const group = over.filter((q) => q.key === p.key && !isNamedChild(q)).map((q) => substituteExtended(q, inherited));
    const at = keyAt.get(p.key) ?? [];
    if (at.length === 0) {
      slots.push(group);
      continue;
    }
    at.forEach((i, n) => (slots[i] = n === 0 ? group : []));
  }
  return slots.flat();
}

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
  for (const d of defs) {
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

  const refined = new Map<string, PairNode[]>();
  for (const [name, base] of bases) {
    let pairs: PairNode[] = [...body(base)];
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
      pairs = mergeBlocks(pairs, body(r), ctx);
      final = yesNo(body(r), 'final') === true;
    }
    refined.set(name, pairs);
  }
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
  const resolve = (name: string, stack: string[]): ResolvedObject | undefined => {
    const hit = done.get(name);
    if (hit) return hit;
    const base = bases.get(name);
    const own = refined.get(name);
    if (!base || !own) return undefined;
    const parents = listItems(lastPair(own, 'extends')?.value ?? { kind: 'list', items: [], loc: base.loc });
    let acc: PairNode[] | undefined;
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
      const inherited = parent.pairs.filter((p) => !INHERITED_EXCLUDED.has(p.key));
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
