/**
 * A model rebuilt as a patch over an earlier build of it (memo.ts), in time proportional to what
 * changed: the common dev copy, whose one edited view file leaves every other view, explore and
 * include as it was.
 *
 * The patch is taken only where it is provably the model a full build gives, and declined
 * (undefined: the caller builds the model in full, with the memo) otherwise. The earlier build
 * resolved its views and explores without any problem, and each changed file declares the same
 * views and explores (same keys and names, in the same order) and nothing else a model collects.
 * Then the objects, the order they are resolved and built in (definition order, parents first) and
 * the problems that could be found between them are those of the earlier build, except for the
 * objects declared in a changed file and those that extend them, which are rebuilt here from
 * their blocks and must resolve to the same parents without a problem. An explore is a new object
 * whenever a view it reads is (see memo.ts); one whose own syntax did not change is copied.
 */
import type { Diagnostic, LookmlFile, PairNode } from '../lookml/ast.ts';
import { TapePair } from '../lookml/tape.ts';
import { dedupeDiagnostics, lastPair, listItems } from './ast-util.ts';
import { isManifest, substituteConstantsCached } from './constants.ts';
import { aliasViews } from './explore-fields.ts';
import { buildExplore } from './explores.ts';
import { isModelFile } from './includes.ts';
import { includeSignature, type BuildMemo, type ChangedFile, type IncludeEntry, type MemoUse, type ModelIndexes, type ModelRecord, type ProjectRecord } from './memo.ts';
import { mergeBlocks } from './merge.ts';
import { inheritable, refineObject, type ObjectTrace, type ResolvedObject } from './resolve.ts';
import { shareWith } from './share.ts';
import type { Explore, Model, Project, View } from './types.ts';
import { buildView } from './views.ts';

/** Top-level keys a model collects from every file it includes. */
const COLLECTED = new Set(['view', 'explore', 'named_value_format', 'datagroup', 'access_grant']);

/** Declined: the caller builds the model in full (thrown from deep inside, caught in `patchModel`). */
const DECLINE = new Error('patch declined');

function decline(): never {
  throw DECLINE;
}

function fileOf(p: PairNode): string {
  return p instanceof TapePair ? p.src.tape.file : p.loc.file;
}

/** The names a changed file's blocks are for, by kind, and each old block's new counterpart. */
function compareFiles(changed: readonly ChangedFile[]): { views: Set<string>; explores: Set<string>; blocks: Map<PairNode, PairNode>; paths: Set<string> } {
  const views = new Set<string>();
  const explores = new Set<string>();
  const blocks = new Map<PairNode, PairNode>();
  const paths = new Set<string>();
  for (const c of changed) {
    if (c.before === undefined || c.after === undefined) decline();
    paths.add(c.id);
    const before = c.before.pairs.filter((p) => COLLECTED.has(p.key));
    const after = c.after.pairs.filter((p) => COLLECTED.has(p.key));
    if (before.length !== after.length) decline();
    for (let i = 0; i < before.length; i++) {
      const b = before[i]!;
      const a = after[i]!;
      if (b.key !== a.key || b.name !== a.name || b.name === undefined || (b.key !== 'view' && b.key !== 'explore')) decline();
      (b.key === 'view' ? views : explores).add(b.name.startsWith('+') ? b.name.slice(1) : b.name);
      blocks.set(b, a);
    }
  }
  return { views, explores, blocks, paths };
}

function childrenOf(traces: ReadonlyMap<string, ObjectTrace>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [name, t] of traces) {
    for (const parent of t.parents) {
      const list = out.get(parent);
      if (list) list.push(name);
      else out.set(parent, [name]);
    }
  }
  return out;
}

function indexes(rec: ModelRecord, views: ReadonlyMap<string, ObjectTrace>, explores: ReadonlyMap<string, ObjectTrace>): ModelIndexes {
  if (rec.indexes) return rec.indexes;
  return (rec.indexes = makeIndexes(rec, views, explores));
}

function makeIndexes(rec: ModelRecord, views: ReadonlyMap<string, ObjectTrace>, explores: ReadonlyMap<string, ObjectTrace>): ModelIndexes {
  const exploresOfView = new Map<string, string[]>();
  for (const explore of Object.values(rec.model.explores)) {
    for (const view of new Set(aliasViews(explore).values())) {
      const list = exploresOfView.get(view);
      if (list) list.push(explore.name);
      else exploresOfView.set(view, [explore.name]);
    }
  }
  return { viewChildren: childrenOf(views), exploreChildren: childrenOf(explores), exploresOfView };
}

/**
 * Makes what patching a recorded build looks up (it would otherwise be made by the first patch,
 * the first dev copy's first request).
 */
export function preparePatches(memo: BuildMemo): void {
  for (const [id, rec] of memo.models) {
    if (rec.views && rec.explores) indexes(rec, rec.views, rec.explores);
    const entry = memo.includes.get(id);
    if (entry) includeIndex(entry, id);
  }
}

/** `names` and every object that extends one of them, directly or not. */
function withDescendants(names: Set<string>, children: ReadonlyMap<string, readonly string[]>): Set<string> {
  const out = new Set<string>();
  const visit = (name: string): void => {
    if (out.has(name)) return;
    out.add(name);
    for (const child of children.get(name) ?? []) visit(child);
  };
  for (const name of names) visit(name);
  return out;
}

/**
 * Rebuilds `dirty` objects of one kind from their (new) blocks: each must resolve to the parents
 * it had, and nothing may report a problem.
 */
function rebuild<T>(
  kind: 'view' | 'explore',
  traces: ReadonlyMap<string, ObjectTrace>,
  dirty: ReadonlySet<string>,
  files: ReturnType<typeof compareFiles>,
  build: (obj: ResolvedObject, diagnostics: Diagnostic[]) => T,
): Map<string, T> {
  // A block of a changed file has its new counterpart, or the earlier build read another copy of the file.
  const blockNow = (b: PairNode): PairNode => files.blocks.get(b) ?? (files.paths.has(fileOf(b)) ? decline() : b);
  const resolved = new Map<string, readonly PairNode[]>();
  const inherited = new Map<string, readonly PairNode[]>();
  const pairsOf = (name: string, trace: ObjectTrace, def: PairNode): readonly PairNode[] => {
    const hit = resolved.get(name);
    if (hit) return hit;
    const own = refineObject(kind, name, def, trace.blocks.slice(1).map(blockNow));
    if (own.diagnostics) decline();
    const extendsPair = lastPair(own.pairs, 'extends');
    const parents = extendsPair ? listItems(extendsPair.value).map((item) => item.value) : [];
    if (parents.length !== trace.parents.length || parents.some((p, i) => p !== trace.parents[i])) decline();
    let acc: readonly PairNode[] | undefined;
    for (const parent of parents) {
      let passed = inherited.get(parent);
      if (!passed) {
        const t = traces.get(parent) ?? decline();
        passed = inheritable(pairsOf(parent, t, blockNow(t.blocks[0]!)));
        inherited.set(parent, passed);
      }
      acc = acc ? mergeBlocks(acc, passed, kind) : passed;
    }
    const pairs = acc ? mergeBlocks(acc, own.pairs, kind) : own.pairs;
    resolved.set(name, pairs);
    return pairs;
  };
  const out = new Map<string, T>();
  for (const name of dirty) {
    const trace = traces.get(name) ?? decline();
    const def = blockNow(trace.blocks[0]!);
    const problems: Diagnostic[] = [];
    const value = build({ name, def, pairs: pairsOf(name, trace, def) }, problems);
    if (problems.length > 0) decline();
    out.set(name, value);
  }
  return out;
}

/**
 * The model of `rec` with `changed` files (the include resolution being the same), or undefined
 * when that cannot be done exactly (see the file comment). Its diagnostics are `rec.diagnostics`.
 */
export function patchModel(memo: MemoUse, rec: ModelRecord, changed: readonly ChangedFile[]): Model | undefined {
  const model = rec.model;
  if (changed.length === 0) {
    memo.stats.reused += Object.keys(model.views).length + Object.keys(model.explores).length;
    return model;
  }
  const viewTraces = rec.views;
  const exploreTraces = rec.explores;
  if (!viewTraces || !exploreTraces || changed.some((c) => c.id === model.file)) return undefined;
  try {
    const files = compareFiles(changed);
    const idx = indexes(rec, viewTraces, exploreTraces);
    const dirtyViews = withDescendants(files.views, idx.viewChildren);
    const views = rebuild('view', viewTraces, dirtyViews, files, (obj, diags) => shareWith(buildView(obj, model.fiscalMonthOffset, diags), model.views[obj.name]));
    const dirtyExplores = withDescendants(files.explores, idx.exploreChildren);
    const explores: Map<string, Explore> = rebuild('explore', exploreTraces, dirtyExplores, files, buildExplore);
    // The same explore, as a new object: caches keyed by an explore read its views (memo.ts).
    for (const view of dirtyViews) {
      for (const name of idx.exploresOfView.get(view) ?? []) {
        const e = model.explores[name];
        if (e && !explores.has(name)) explores.set(name, { ...e });
      }
    }
    const viewRecord: Record<string, View> = { ...model.views };
    for (const [name, view] of views) viewRecord[name] = view;
    const exploreRecord: Record<string, Explore> = { ...model.explores };
    for (const [name, explore] of explores) exploreRecord[name] = explore;
    memo.stats.built += views.size + explores.size;
    memo.stats.reused += viewTraces.size + exploreTraces.size - views.size - explores.size;
    return { ...model, views: viewRecord, explores: exploreRecord };
  } catch (error) {
    if (error === DECLINE) return undefined;
    throw error;
  }
}

/** Where each file (the model first) is in an include entry's `files`. */
function includeIndex(entry: IncludeEntry, modelId: string): ReadonlyMap<string, number> {
  if (!entry.index) {
    const index = new Map<string, number>([[modelId, 0]]);
    entry.result.files.forEach((id, i) => index.set(id, i + 1));
    entry.index = index;
  }
  return entry.index;
}

/**
 * The project of `rec` built from `files`: the same files but for a few (none a model file or the
 * manifest, none with a problem of its own) with the same options, each model patched for the
 * files it reaches; undefined when that cannot be done exactly (the caller builds in full).
 */
export function patchProject(memo: MemoUse, rec: ProjectRecord, files: readonly LookmlFile[], options: string): Project | undefined {
  const base = memo.base;
  if (!base || !rec.clean || options !== rec.options || files.length !== rec.inputs.length) return undefined;
  const changed = new Map<string, LookmlFile>();
  for (let i = 0; i < files.length; i++) {
    const f = files[i]!;
    const was = rec.inputs[i]!;
    if (f === was) continue;
    if (f.path !== was.path || isManifest(f.path) || isModelFile(f.path) || f.diagnostics.length > 0) return undefined;
    const problems: Diagnostic[] = [];
    const after = substituteConstantsCached(f, rec.constants, rec.constantsKey, problems);
    if (problems.length > 0) return undefined;
    changed.set(f.path, after);
  }
  const models: Record<string, Model> = {};
  const diagnostics: Diagnostic[] = [];
  for (const id of rec.models) {
    const modelRec = base.models.get(id);
    const includes = base.includes.get(id);
    if (!modelRec || !includes) return undefined;
    const mine: ChangedFile[] = [];
    if (changed.size > 0) {
      const index = includeIndex(includes, id);
      for (const [path, after] of changed) {
        const at = index.get(path);
        if (at === undefined) continue;
        // A file's includes are followed from where it is included: changing them changes the model's files.
        if (includeSignature(after) !== includes.signatures[at]) return undefined;
        mine.push({ id: path, before: includes.files[at], after });
      }
    }
    const model = patchModel(memo, modelRec, mine);
    if (!model) return undefined;
    memo.stats.patched++;
    models[model.name] = model;
    diagnostics.push(...modelRec.diagnostics);
  }
  return { manifest: rec.project.manifest, models, diagnostics: dedupeDiagnostics(diagnostics) };
}
