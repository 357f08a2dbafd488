/**
 * What one build learned, for the next build of similar content to reuse (DESIGN "Content keys":
 * a thousand developers one file away from production should share almost everything).
 *
 * A view's or explore's IR is a function of the syntax its definition, refinements and parents
 * were written with (plus, for views, the model's fiscal month offset). Parsed files are shared
 * by content key, so the same text is the same tape object in every build that reads it: the
 * identities of those pairs (tape and record) key what was built from them. A later build looks
 * each object's inputs up and takes the built object as it is, diagnostics included; only
 * objects whose inputs changed (a changed file, or a parent that changed) are merged and built
 * again. Entries are valid only under the same constants, which the memo records.
 *
 * Objects reused this way are shared between projects: the IR is immutable, and an explore is
 * shared only while the views it reads (its base view and joined views) are the very same
 * objects, since caches keyed by an explore (src/sql) also read those views.
 *
 * Three ways of using a memo, cheapest first: a build of nearly the same files patches the
 * recorded project, model by model, touching only what the changed files reach (patch.ts); a
 * model that cannot be patched is resolved object by object, each looked up here (resolve.ts);
 * and a view rebuilt either way takes the fields it has in common with the earlier build's view
 * of that name (share.ts).
 */
import type { Diagnostic, Loc, LookmlFile, PairNode } from '../lookml/ast.ts';
import { TapePair, type Tape } from '../lookml/tape.ts';
import { isScalar, listItems } from './ast-util.ts';
import { resolveIncludes, type FileSet, type IncludeResult } from './includes.ts';
import type { ObjectMemo, ObjectTrace } from './resolve.ts';
import type { Explore, Model, Project, View } from './types.ts';

/** One object's refinements folded in: what its parents are and what folding it reported. */
export interface OwnEntry {
  /** Also the id of its merged syntax when it has no parents. */
  readonly id: number;
  /** The `extends:` items after refinements, as written. */
  readonly parents: readonly { readonly value: string; readonly loc: Loc }[];
  /** `refinement-after-final` problems. */
  readonly diagnostics: readonly Diagnostic[];
}

export interface BuiltEntry<T> {
  readonly value: T;
  /** What building it reported. */
  readonly diagnostics: readonly Diagnostic[];
  /** Objects outside its inputs the value is only valid with (an explore's views), compared by identity. */
  readonly deps: readonly unknown[];
}

/** One kind of object's entries. */
export interface KindMemo<T> {
  /** By the keys (`pairKey`) of the defining block and its refinements, in order. */
  readonly own: Map<string, OwnEntry>;
  /** Id of the merged syntax of objects with parents, by `<own id>` `<` parents' merged ids. */
  readonly merged: Map<string, number>;
  /** By context (a view's: its model's fiscal month offset), then merged id. */
  readonly built: Map<string, Map<number, BuiltEntry<T>>>;
}

/**
 * A model's includes depend on the project's paths, the imports the manifest declares, and the
 * `include:`s of the files they reach.
 */
export interface IncludeEntry {
  readonly paths: readonly string[];
  /** How many of them are LookML files (the rest are other files, e.g. dashboards). */
  readonly lookml: number;
  readonly imports: string;
  /** The model and each included file, as read, and what their `include:`s say (`includeSignature`). */
  readonly files: readonly (LookmlFile | undefined)[];
  readonly signatures: readonly string[];
  readonly result: IncludeResult;
  readonly diagnostics: readonly Diagnostic[];
  /** Where each file is in `files`, made on first use. */
  index?: ReadonlyMap<string, number>;
}

export interface BuildMemo {
  /** The constants (and imported projects' constants) every entry was built under. */
  readonly constants: string;
  readonly views: KindMemo<View>;
  readonly explores: KindMemo<Explore>;
  /** Models by file: a model none of whose inputs changed is the same object again, and one with few changes is patched. */
  readonly models: Map<string, ModelRecord>;
  /** Include resolution by model file. */
  readonly includes: Map<string, IncludeEntry>;
  /** The whole build, for builds that patch it (patch.ts). */
  project?: ProjectRecord;
}

/** A project as built, with what a later build of nearly the same files needs to patch it. */
export interface ProjectRecord {
  readonly project: Project;
  /** The files and options it was built from. */
  readonly inputs: readonly LookmlFile[];
  readonly options: string;
  /** The constants files were substituted with, and their key (`substituteConstantsCached`). */
  readonly constants: Readonly<Record<string, string>>;
  readonly constantsKey: string;
  /** Model files, in the order their models were built. */
  readonly models: readonly string[];
  /** No file reported a problem (parsing, constants) and no two models clashed: the project's diagnostics are its models'. */
  readonly clean: boolean;
}

/** A model as built, with what a later build needs to patch it (patch.ts). */
export interface ModelRecord {
  readonly model: Model;
  /** What building it reported, in order. */
  readonly diagnostics: readonly Diagnostic[];
  /** What each view and explore was resolved from; absent when resolving them reported problems. */
  readonly views: ReadonlyMap<string, ObjectTrace> | undefined;
  readonly explores: ReadonlyMap<string, ObjectTrace> | undefined;
  /** Indexes made from the traces on first use (patch.ts). */
  indexes?: ModelIndexes;
}

export interface ModelIndexes {
  /** The objects that extend each object, by kind. */
  readonly viewChildren: ReadonlyMap<string, readonly string[]>;
  readonly exploreChildren: ReadonlyMap<string, readonly string[]>;
  /** The explores that read each view (as their base view or a join's). */
  readonly exploresOfView: ReadonlyMap<string, readonly string[]>;
}

/** Objects a build took from a memo, objects it built, and models it patched (patch.ts) rather than resolved. */
export interface BuildStats {
  reused: number;
  built: number;
  patched: number;
}

/** Where a build reads entries from and writes them to. */
export interface MemoUse {
  /** Entries of an earlier build (under the same constants). */
  readonly base: BuildMemo | undefined;
  /** Entries this build made or reused, for later builds; absent when nobody keeps them. */
  readonly record: BuildMemo | undefined;
  readonly stats: BuildStats;
}

export function newBuildMemo(constants: string): BuildMemo {
  const kind = <T>(): KindMemo<T> => ({ own: new Map(), merged: new Map(), built: new Map() });
  return { constants, views: kind(), explores: kind(), models: new Map(), includes: new Map() };
}

let lastId = 0;

/** Ids are never reused, so entries of different memos never clash. */
export function nextId(): number {
  return ++lastId;
}

const objectIds = new WeakMap<object, number>();
/** Keys of a tape's pairs by record: the same string each time, so maps hash it once. */
const tapeKeys = new WeakMap<Tape, Map<number, string>>();

function objectId(o: object): number {
  let id = objectIds.get(o);
  if (id === undefined) {
    id = nextId();
    objectIds.set(o, id);
  }
  return id;
}

/**
 * A key for the syntax of a pair. Pairs read from a parsed file are views made afresh on each read,
 * so they are known by their tape and record; any other pair (hand-made trees, copies with
 * constants substituted) by the object itself, which is never mutated.
 */
export function pairKey(p: PairNode): string {
  if (!(p instanceof TapePair)) return `o${objectId(p)}`;
  const tape = p.src.tape;
  let keys = tapeKeys.get(tape);
  if (keys === undefined) {
    keys = new Map();
    tapeKeys.set(tape, keys);
  }
  let key = keys.get(p.i);
  if (key === undefined) {
    key = `${objectId(tape)}.${p.i}`;
    keys.set(p.i, key);
  }
  return key;
}

function kindUse<T>(memo: MemoUse, pick: (m: BuildMemo) => KindMemo<T>, context: string): Pick<ObjectMemo<T>, 'own' | 'merged' | 'built' | 'record' | 'stats'> {
  const base = memo.base === undefined ? undefined : pick(memo.base);
  const record = memo.record === undefined ? undefined : pick(memo.record);
  let recordBuilt: Map<number, BuiltEntry<T>> | undefined;
  if (record) {
    recordBuilt = record.built.get(context);
    if (recordBuilt === undefined) record.built.set(context, (recordBuilt = new Map<number, BuiltEntry<T>>()));
  }
  return {
    own: base?.own,
    merged: base?.merged,
    built: base?.built.get(context),
    record: record && recordBuilt ? { own: record.own, merged: record.merged, built: recordBuilt } : undefined,
    stats: memo.stats,
  };
}

const NO_DEPS: readonly unknown[] = Object.freeze([]);

/** Views of a model with this fiscal month offset. */
export function viewMemo(memo: MemoUse, fiscalMonthOffset: number, trace: Map<string, ObjectTrace> | undefined): ObjectMemo<View> {
  return { ...kindUse(memo, (m) => m.views, String(fiscalMonthOffset)), deps: () => NO_DEPS, holds: () => true, ...(trace ? { trace } : {}) };
}

/**
 * Explores of a model whose views are `views`: an explore is reused only with the same views behind
 * its aliases (its base view, then each join's, which is what `aliasViews` reads).
 */
export function exploreMemo(memo: MemoUse, views: Readonly<Record<string, View>>, trace: Map<string, ObjectTrace> | undefined): ObjectMemo<Explore> {
  const viewOf = (name: string): View | undefined => (Object.hasOwn(views, name) ? views[name] : undefined);
  const deps = (explore: Explore): readonly unknown[] => [viewOf(explore.view), ...explore.joins.map((j) => viewOf(j.view))];
  const holds = (explore: Explore, recorded: readonly unknown[]): boolean => {
    const joins = explore.joins;
    if (recorded.length !== joins.length + 1 || recorded[0] !== viewOf(explore.view)) return false;
    for (let i = 0; i < joins.length; i++) if (recorded[i + 1] !== viewOf(joins[i]!.view)) return false;
    return true;
  };
  return { ...kindUse(memo, (m) => m.explores, ''), deps, holds, ...(trace ? { trace } : {}) };
}

function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameRecord(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): boolean {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i]!;
    if (k !== kb[i] || a[k] !== b[k]) return false;
  }
  return true;
}

/** Same content, views and explores being the same objects. */
function sameModel(a: Model, b: Model): boolean {
  return a.name === b.name && a.file === b.file && a.connection === b.connection && a.label === b.label
    && a.weekStartDay === b.weekStartDay && a.fiscalMonthOffset === b.fiscalMonthOffset && a.caseSensitive === b.caseSensitive
    && sameList(a.includedFiles, b.includedFiles) && sameList(a.dashboards ?? NO_DEPS, b.dashboards ?? NO_DEPS)
    && sameRecord(a.views, b.views) && sameRecord(a.explores, b.explores)
    && JSON.stringify([a.namedValueFormats, a.datagroups, a.accessGrants, a.params]) === JSON.stringify([b.namedValueFormats, b.datagroups, b.accessGrants, b.params]);
}

/**
 * The earlier build's model when nothing in it changed (else `model`, sharing what it can).
 * `builtAny`: whether this build built any of its views or explores (then it cannot be the same).
 */
export function reuseModel(memo: MemoUse, model: Model, builtAny: boolean): Model {
  const prev = memo.base?.models.get(model.file)?.model;
  if (prev && !builtAny && sameModel(prev, model)) return prev;
  if (prev && sameList(prev.includedFiles, model.includedFiles)) return { ...model, includedFiles: prev.includedFiles };
  return model;
}

/** What a file's `include:`s say, where: all that include resolution reads from it. */
export function includeSignature(file: LookmlFile | undefined): string {
  if (file === undefined) return '-';
  let out = '';
  for (const p of file.pairs) {
    if (p.key !== 'include') continue;
    for (const item of listItems(p.value)) {
      if (isScalar(item)) out += `${item.value}\0${item.loc.line}:${item.loc.column}\0`;
    }
  }
  return out;
}

const NO_PATHS: readonly string[] = Object.freeze([]);

/** A file an include entry read that is another object now (its content or the constants changed). */
export interface ChangedFile {
  readonly id: string;
  readonly before: LookmlFile | undefined;
  readonly after: LookmlFile | undefined;
}

/** The files that changed, if none changed what resolving includes reads (else undefined). */
function sameIncludes(entry: IncludeEntry, ids: readonly string[], set: FileSet): ChangedFile[] | undefined {
  const changed: ChangedFile[] = [];
  for (let i = 0; i < ids.length; i++) {
    const after = set.files.get(ids[i]!);
    const before = entry.files[i];
    if (after === before) continue;
    if (includeSignature(after) !== entry.signatures[i]) return undefined;
    changed.push({ id: ids[i]!, before, after });
  }
  return changed;
}

/**
 * `resolveIncludes`, taken from the memo when nothing it reads changed; `changed` then lists the
 * model's files that are other objects than in the memo's build.
 */
export function memoIncludes(memo: MemoUse, modelId: string, set: FileSet, diagnostics: Diagnostic[]): { result: IncludeResult; changed?: ChangedFile[] } {
  // Imported projects' files are outside what an entry records.
  if (set.scopes.size > 1) return { result: resolveIncludes(modelId, set, diagnostics) };
  const paths = set.scopes.get('') ?? NO_PATHS;
  const imports = [...set.declaredImports].join('\0');
  const prev = memo.base?.includes.get(modelId);
  const samePaths = prev !== undefined && sameList(prev.paths, paths);
  const changed = prev && samePaths && prev.lookml === set.files.size && prev.imports === imports
    ? sameIncludes(prev, [modelId, ...prev.result.files], set)
    : undefined;
  if (prev && changed) {
    for (let i = 0; i < prev.diagnostics.length; i++) diagnostics.push(prev.diagnostics[i]!);
    memo.record?.includes.set(modelId, changed.length === 0 ? prev : { ...prev, files: [modelId, ...prev.result.files].map((id) => set.files.get(id)) });
    return { result: prev.result, changed };
  }
  const own: Diagnostic[] = [];
  const result = resolveIncludes(modelId, set, own);
  for (let i = 0; i < own.length; i++) diagnostics.push(own[i]!);
  if (memo.record) {
    const files = [modelId, ...result.files].map((id) => set.files.get(id));
    memo.record.includes.set(modelId, {
      paths: samePaths ? prev.paths : paths, lookml: set.files.size, imports, files, signatures: files.map(includeSignature), result, diagnostics: own,
    });
  }
  return { result };
}
