/**
 * Which `view:` (or `explore:`) blocks one model sees, and the order their refinements
 * and `extends` are merged in (merge.ts does the merging).
 *
 * Each object is resolved and handed to the caller's builder before the next one is
 * resolved, rather than all of them first: the merged syntax of a view (a node per
 * parameter) is then garbage as soon as its IR is built, while the young generation
 * still holds it. Kept until every object was resolved, it would survive collections
 * and be copied, which in a large project cost more than the merging itself. Only the
 * objects something extends are kept, for their children.
 *
 * Diagnostics come out in the order they always have, whatever order the objects are
 * resolved in: duplicates, then refinements (by object, in definition order), then
 * refinements without a base, then `extends` problems, then the builder's own.
 */
import type { Diagnostic, PairNode } from '../lookml/ast.ts';
import { body, diag, lastPair, listItems, nameLoc, yesNo } from './ast-util.ts';
import { mergeBlocks } from './merge.ts';
import { eachListOf } from './tape-read.ts';

export interface ResolvedObject {
  readonly name: string;
  /** The defining (non-refinement) block. */
  readonly def: PairNode;
  /** Parameters after refinements and extends. */
  readonly pairs: readonly PairNode[];
}

const INHERITED_EXCLUDED = new Set(['extends', 'extension', 'final']);

/** Every name any of `defs` lists in an `extends:`; a superset of the objects something extends. */
function extendedNames(defs: readonly PairNode[]): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < defs.length; i++) eachListOf(defs[i]!, 'extends', (name) => out.add(name));
  return out;
}

/**
 * Resolve every `view:` (or `explore:`) block visible to one model into its final
 * parameters and pass each to `build` (with the list its diagnostics go to), parents
 * before the objects that extend them, otherwise in definition order. Problems
 * (duplicates, dangling refinements, unknown or circular `extends`) are reported; the
 * affected part is skipped.
 */
export function resolveObjects(
  kind: 'view' | 'explore',
  defs: readonly PairNode[],
  diagnostics: Diagnostic[],
  build: (obj: ResolvedObject, diagnostics: Diagnostic[]) => void,
): void {
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

  // Problems of each object's refinements, by the object's place in `bases`.
  const order = new Map<string, number>();
  bases.forEach((_, name) => order.set(name, order.size));
  const refinementDiagnostics: (Diagnostic[] | undefined)[] = [];
  const refine = (name: string, base: PairNode): readonly PairNode[] => {
    let pairs: readonly PairNode[] = body(base);
    let final = yesNo(pairs, 'final') === true;
    for (const r of refinements.get(name) ?? []) {
      if (final) {
        (refinementDiagnostics[order.get(name)!] ??= []).push(
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
      pairs = mergeBlocks(pairs, over, kind);
      final = yesNo(over, 'final') === true;
    }
    return pairs;
  };
  const orphanDiagnostics: Diagnostic[] = [];
  for (const [name, list] of refinements) {
    if (bases.has(name)) continue;
    for (const r of list) {
      orphanDiagnostics.push(
        diag(
          'model/refinement-without-base',
          'error',
          `Refinement ${kind}: +${name} has no ${kind} "${name}" to refine; include the file that defines it before this refinement`,
          nameLoc(r),
        ),
      );
    }
  }

  const extendsDiagnostics: Diagnostic[] = [];
  const builtDiagnostics: Diagnostic[] = [];
  const parents = extendedNames(defs);
  const done = new Set<string>();
  // Resolved objects that something may extend, and what each passes on, computed once
  // however many objects extend it.
  const kept = new Map<string, ResolvedObject>();
  const inheritedPairs = new Map<string, readonly PairNode[]>();
  const resolve = (name: string, stack: string[]): ResolvedObject | undefined => {
    const hit = kept.get(name);
    if (hit || done.has(name)) return hit;
    const base = bases.get(name);
    if (!base) return undefined;
    const own = refine(name, base);
    const extendsPair = lastPair(own, 'extends');
    const parentItems = extendsPair ? listItems(extendsPair.value) : [];
    let acc: readonly PairNode[] | undefined;
    for (const item of parentItems) {
      const parentName = item.value;
      if (stack.includes(parentName) || parentName === name) {
        const cycle = [...stack.slice(stack.indexOf(parentName)), name, parentName].join(' → ');
        extendsDiagnostics.push(
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
        extendsDiagnostics.push(
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
      acc = acc ? mergeBlocks(acc, inherited, kind) : inherited;
    }
    const result: ResolvedObject = { name, def: base, pairs: acc ? mergeBlocks(acc, own, kind) : own };
    done.add(name);
    if (parents.has(name)) kept.set(name, result);
    build(result, builtDiagnostics);
    return result;
  };
  for (const name of bases.keys()) resolve(name, []);
  for (const list of refinementDiagnostics) if (list) diagnostics.push(...list);
  diagnostics.push(...orphanDiagnostics, ...extendsDiagnostics, ...builtDiagnostics);
}
