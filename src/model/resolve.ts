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
 *
 * With a memo (memo.ts), an object whose inputs an earlier build saw is not merged or built
 * again: its IR and diagnostics are taken from the memo, in the same place of the same walk, so
 * the result is the one a full build gives. Its merged syntax is made only if an object that
 * extends it has to be built.
 */
import type { Diagnostic, PairNode } from '../lookml/ast.ts';
import { body, diag, inContext, lastPair, listItems, nameLoc, yesNo, type DiagnosticContext } from './ast-util.ts';
import { mergeBlocks } from './merge.ts';
import { nextId, pairKey, type BuildStats, type BuiltEntry, type KindMemo, type OwnEntry } from './memo.ts';
import { eachListOf } from './tape-read.ts';

export interface ResolvedObject {
  readonly name: string;
  /** The defining (non-refinement) block. */
  readonly def: PairNode;
  /** Parameters after refinements and extends. */
  readonly pairs: readonly PairNode[];
}

/** How one kind of object of one model is looked up in an earlier build's memo and recorded to this one's (memo.ts). */
export interface ObjectMemo<T> {
  readonly own: KindMemo<T>['own'] | undefined;
  readonly merged: KindMemo<T>['merged'] | undefined;
  /** The earlier build's objects built in this model's context. */
  readonly built: ReadonlyMap<number, BuiltEntry<T>> | undefined;
  readonly record: { readonly own: KindMemo<T>['own']; readonly merged: KindMemo<T>['merged']; readonly built: Map<number, BuiltEntry<T>> } | undefined;
  /** Objects a built value is only valid with, recorded with it... */
  readonly deps: (value: T) => readonly unknown[];
  /** ...and whether they still are the same. */
  readonly holds: (value: T, deps: readonly unknown[]) => boolean;
  readonly stats: BuildStats;
  /** Filled with each resolved object's blocks and parents, for builds that patch this one (patch.ts). */
  readonly trace?: Map<string, ObjectTrace>;
}

/** What one object was resolved from. */
export interface ObjectTrace {
  /** Its defining block, then its refinements in order. */
  readonly blocks: readonly PairNode[];
  /** The names its `extends:` lists after refinements. */
  readonly parents: readonly string[];
}

const INHERITED_EXCLUDED = new Set(['extends', 'extension', 'final']);
const NO_DIAGNOSTICS: readonly Diagnostic[] = Object.freeze([]);
const NO_PARENTS: OwnEntry['parents'] = Object.freeze([]);

const NO_BLOCKS: readonly PairNode[] = Object.freeze([]);

export interface RefinedObject {
  readonly pairs: readonly PairNode[];
  /** `refinement-after-final` problems, if any. */
  readonly diagnostics: Diagnostic[] | undefined;
}

/**
 * An object's defining block with its refinements folded in, in order (those after a `final: yes` are reported).
 * The problems name an explore but no model: they are kept in the memo for every model that sees the same blocks.
 */
export function refineObject(kind: 'view' | 'explore', name: string, base: PairNode, refinements: readonly PairNode[]): RefinedObject {
  let pairs: readonly PairNode[] = body(base);
  let final = yesNo(pairs, 'final') === true;
  let problems: Diagnostic[] | undefined;
  for (const r of refinements) {
    if (final) {
      const problem = diag(
        'model/refinement-after-final',
        'error',
        `Cannot refine ${kind} "${name}" here: an earlier definition or refinement sets final: yes`,
        nameLoc(r),
      );
      (problems ??= []).push(kind === 'explore' ? inContext(problem, { explore: name }) : problem);
      continue;
    }
    const over = body(r);
    pairs = mergeBlocks(pairs, over, kind);
    final = yesNo(over, 'final') === true;
  }
  return { pairs, diagnostics: problems };
}

/** What a parent's final parameters pass on to the objects that extend it. */
export function inheritable(pairs: readonly PairNode[]): PairNode[] {
  return pairs.filter((p) => !INHERITED_EXCLUDED.has(p.key));
}

/** Every name any of `defs` lists in an `extends:`; a superset of the objects something extends. */
function extendedNames(defs: readonly PairNode[]): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < defs.length; i++) eachListOf(defs[i]!, 'extends', (name) => out.add(name));
  return out;
}

/** One object in the walk. */
interface Node {
  readonly name: string;
  readonly def: PairNode;
  /** Id of its merged syntax (memo builds only). */
  readonly merged: number;
  /** The parents that resolved, in `extends` order. */
  readonly parents: readonly Node[];
  /** Refined parameters, when already made. */
  own: readonly PairNode[] | undefined;
  /** Final parameters, kept for the objects something extends. */
  pairs: readonly PairNode[] | undefined;
}

/**
 * Resolve every `view:` (or `explore:`) block visible to one model into its final
 * parameters, build each (with the list its diagnostics go to) and `emit` it, parents
 * before the objects that extend them, otherwise in definition order. Problems
 * (duplicates, dangling refinements, unknown or circular `extends`) are reported; the
 * affected part is skipped.
 *
 * Those problems depend on what `model` includes, so they name it (and the explore, for
 * explores); what `build` and refinements report is shared between models by the memo and
 * names no model.
 */
export function resolveObjects<T>(
  kind: 'view' | 'explore',
  defs: readonly PairNode[],
  diagnostics: Diagnostic[],
  build: (obj: ResolvedObject, diagnostics: Diagnostic[]) => T,
  emit: (name: string, value: T) => void,
  memo?: ObjectMemo<T>,
  model?: string,
): void {
  const modelContext: DiagnosticContext = model === undefined ? {} : { model };
  /** `d`, a problem of object `name` found resolving this model's objects, with that context. */
  const located = (d: Diagnostic, name: string): Diagnostic => inContext(d, kind === 'explore' ? { model, explore: name } : modelContext);
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
      diagnostics.push(located(diag(`model/duplicate-${kind}`, 'error', msg(b), a), raw));
      diagnostics.push(located(diag(`model/duplicate-${kind}`, 'error', msg(a), b), raw));
      continue;
    }
    bases.set(raw, d);
  }

  // Problems of each object's refinements, by the object's place in `bases`.
  const order = new Map<string, number>();
  bases.forEach((_, name) => order.set(name, order.size));
  const refinementDiagnostics: (readonly Diagnostic[] | undefined)[] = [];
  const refine = (name: string, base: PairNode): RefinedObject => refineObject(kind, name, base, refinements.get(name) ?? NO_BLOCKS);
  const orphanDiagnostics: Diagnostic[] = [];
  for (const [name, list] of refinements) {
    if (bases.has(name)) continue;
    for (const r of list) {
      orphanDiagnostics.push(
        located(
          diag(
            'model/refinement-without-base',
            'error',
            `Refinement ${kind}: +${name} has no ${kind} "${name}" to refine; include the file that defines it before this refinement`,
            nameLoc(r),
          ),
          name,
        ),
      );
    }
  }

  /** The object's refinements folded in: from the memo when an earlier build saw the same blocks. */
  const ownEntry = (node: { name: string; def: PairNode; own: readonly PairNode[] | undefined }): OwnEntry => {
    let key: string | undefined;
    if (memo) {
      key = pairKey(node.def);
      const refs = refinements.get(node.name);
      if (refs) for (let i = 0; i < refs.length; i++) key += `,${pairKey(refs[i]!)}`;
      const hit = memo.own?.get(key) ?? memo.record?.own.get(key);
      if (hit) {
        memo.record?.own.set(key, hit);
        return hit;
      }
    }
    const refined = refine(node.name, node.def);
    node.own = refined.pairs;
    const extendsPair = lastPair(refined.pairs, 'extends');
    const entry: OwnEntry = {
      id: memo ? nextId() : 0,
      parents: extendsPair ? listItems(extendsPair.value).map((item) => ({ value: item.value, loc: item.loc })) : NO_PARENTS,
      diagnostics: refined.diagnostics ?? NO_DIAGNOSTICS,
    };
    if (key !== undefined) memo?.record?.own.set(key, entry);
    return entry;
  };

  const extendsDiagnostics: Diagnostic[] = [];
  const builtDiagnostics: Diagnostic[] = [];
  // Objects something may extend. With a memo every node is kept instead: nodes are small
  // until their syntax is merged, which a memo build does for few of them, and finding the
  // names costs a read of every definition.
  const parents = memo ? undefined : extendedNames(defs);
  const done = new Set<string>();
  const kept = new Map<string, Node>();
  // What each parent passes on, computed once however many objects extend it.
  const inheritedPairs = new Map<string, readonly PairNode[]>();

  /** The object's final parameters (made here when its IR came from the memo); `retain`: for its children. */
  const pairsOf = (node: Node, retain: boolean): readonly PairNode[] => {
    if (node.pairs) return node.pairs;
    const own = node.own ?? refine(node.name, node.def).pairs;
    let acc: readonly PairNode[] | undefined;
    for (const parent of node.parents) {
      let inherited = inheritedPairs.get(parent.name);
      if (!inherited) {
        inherited = inheritable(pairsOf(parent, true));
        inheritedPairs.set(parent.name, inherited);
      }
      acc = acc ? mergeBlocks(acc, inherited, kind) : inherited;
    }
    const pairs = acc ? mergeBlocks(acc, own, kind) : own;
    node.own = undefined;
    if (retain) node.pairs = pairs;
    return pairs;
  };

  const emitBuilt = (node: Node): void => {
    if (memo) {
      const hit = memo.built?.get(node.merged) ?? memo.record?.built.get(node.merged);
      if (hit && memo.holds(hit.value, hit.deps)) {
        memo.record?.built.set(node.merged, hit);
        memo.stats.reused++;
        for (let i = 0; i < hit.diagnostics.length; i++) builtDiagnostics.push(hit.diagnostics[i]!);
        emit(node.name, hit.value);
        return;
      }
    }
    const own: Diagnostic[] = memo ? [] : builtDiagnostics;
    const value = build({ name: node.name, def: node.def, pairs: pairsOf(node, parents?.has(node.name) === true) }, own);
    if (memo) {
      for (let i = 0; i < own.length; i++) builtDiagnostics.push(own[i]!);
      memo.record?.built.set(node.merged, { value, diagnostics: own.length === 0 ? NO_DIAGNOSTICS : own, deps: memo.deps(value) });
      memo.stats.built++;
    }
    emit(node.name, value);
  };

  const resolve = (name: string, stack: string[]): Node | undefined => {
    const hit = kept.get(name);
    if (hit || done.has(name)) return hit;
    const def = bases.get(name);
    if (!def) return undefined;
    const start = { name, def, own: undefined as readonly PairNode[] | undefined };
    const entry = ownEntry(start);
    memo?.trace?.set(name, { blocks: [def, ...(refinements.get(name) ?? NO_BLOCKS)], parents: entry.parents.map((p) => p.value) });
    if (entry.diagnostics.length > 0) refinementDiagnostics[order.get(name)!] = entry.diagnostics;
    const resolvedParents: Node[] = [];
    for (const item of entry.parents) {
      const parentName = item.value;
      if (stack.includes(parentName) || parentName === name) {
        const cycle = [...stack.slice(stack.indexOf(parentName)), name, parentName].join(' → ');
        extendsDiagnostics.push(
          located(diag('model/extends-cycle', 'error', `Circular extends: ${cycle}; remove one of these extends`, item.loc), name),
        );
        continue;
      }
      if (!bases.has(parentName)) {
        extendsDiagnostics.push(
          located(
            diag(
              'model/unknown-extends',
              'error',
              `${kind} "${name}" extends "${parentName}", which is not defined in any file this model includes`,
              item.loc,
            ),
            name,
          ),
        );
        continue;
      }
      const parent = resolve(parentName, [...stack, name]);
      if (parent) resolvedParents.push(parent);
    }
    // Without parents the merged syntax is the refined syntax: its id is the own entry's.
    let merged = entry.id;
    if (memo && resolvedParents.length > 0) {
      let key = `${entry.id}<`;
      for (const p of resolvedParents) key += `${p.merged},`;
      merged = memo.merged?.get(key) ?? memo.record?.merged.get(key) ?? nextId();
      memo.record?.merged.set(key, merged);
    }
    const node: Node = { name, def, merged, parents: resolvedParents, own: start.own, pairs: undefined };
    done.add(name);
    if (parents === undefined || parents.has(name)) kept.set(name, node);
    emitBuilt(node);
    return node;
  };
  for (const name of bases.keys()) resolve(name, []);
  for (const list of refinementDiagnostics) if (list) diagnostics.push(...list);
  diagnostics.push(...orphanDiagnostics, ...extendsDiagnostics, ...builtDiagnostics);
}
