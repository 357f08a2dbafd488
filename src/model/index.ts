/**
 * Parsed LookML files → the resolved `Project` (see types.ts). Pure: no I/O.
 *
 * Order of work, as Looker does it: constants are substituted into every file;
 * each `*.model.lkml` follows its includes; the views and explores it can see are
 * refined (include order), then extended; finally each is turned into plain IR.
 * Problems found on the way are diagnostics, never exceptions. `validate.ts`
 * checks the result more deeply (references, types).
 */
import type { Diagnostic, LookmlFile, PairNode } from '../lookml/ast.ts';
import { pairsToParams } from '../lookml/plain.ts';
import type { WeekDay } from '../sql/dialects/dialect.ts';
import type { Explore, Manifest, Model, Params, Project, View } from './types.ts';
import { body, dedupeDiagnostics, diag, fileLoc, inContext, lastPair, str, yesNo } from './ast-util.ts';
import {
  constantOverrides, expandConstantValues, isManifest, readManifest, substituteConstants, substituteConstantsCached,
} from './constants.ts';
import { buildExplore } from './explores.ts';
import { isDashboardFile, isModelFile, resolveIncludes, type FileSet, type IncludeResult } from './includes.ts';
import { exploreMemo, memoIncludes, newBuildMemo, reuseModel, viewMemo, type BuildMemo, type BuildStats, type MemoUse } from './memo.ts';
import { patchModel, patchProject, preparePatches } from './patch.ts';
import { resolveObjects, type ObjectTrace, type ResolvedObject } from './resolve.ts';
import { shareWith } from './share.ts';
import { buildView } from './views.ts';

export interface BuildOptions {
  /** Overrides `project_name` from manifest.lkml. */
  readonly projectName?: string;
  /**
   * Files of imported projects (`local_dependency`/`remote_dependency`), by project
   * name, with paths relative to that project's root (a `//name/` prefix is accepted).
   * Without them, `include: "//name/…"` is reported and skipped.
   */
  readonly importedProjects?: Readonly<Record<string, readonly LookmlFile[]>>;
  /** Paths of project files that are not parsed LookML (LookML dashboards), so includes can match them. */
  readonly otherPaths?: readonly string[];
}

const WEEK_DAYS: readonly WeekDay[] = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/** Keys that are structure, not model settings, so they stay out of `Model.params`. */
const MODEL_STRUCTURE = new Set(['include', 'view', 'explore']);

function modelName(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return base.slice(0, -'.model.lkml'.length);
}

function stripScope(name: string, path: string): string {
  const prefix = `//${name}/`;
  return path.startsWith(prefix) ? path.slice(prefix.length) : path;
}

function buildFileSet(
  files: readonly LookmlFile[],
  manifest: Manifest,
  manifestFile: LookmlFile | undefined,
  options: BuildOptions,
  diagnostics: Diagnostic[],
  memo: boolean,
): { set: FileSet; local: LookmlFile[]; constants: string; localConstants: Record<string, string>; constantsKey: string } {
  const constants = expandConstantValues(manifest);
  const constantsKey = JSON.stringify(constants);
  const allConstants: unknown[] = [constants];
  const map = new Map<string, LookmlFile>();
  const local: LookmlFile[] = [];
  for (const f of files) {
    if (isManifest(f.path)) continue;
    const s = memo ? substituteConstantsCached(f, constants, constantsKey, diagnostics) : substituteConstants(f, constants, diagnostics);
    map.set(f.path, s);
    local.push(s);
  }
  const scopes = new Map<string, readonly string[]>();
  scopes.set('', [...files.map((f) => f.path), ...(options.otherPaths ?? [])]);
  const overrides = constantOverrides(manifestFile);
  for (const [name, projectFiles] of Object.entries(options.importedProjects ?? {})) {
    const theirManifestFile = projectFiles.find((f) => isManifest(stripScope(name, f.path)));
    const theirConstants = expandConstantValues(readManifest(theirManifestFile, overrides[name] ?? {}));
    allConstants.push(name, theirConstants);
    const paths: string[] = [];
    for (const f of projectFiles) {
      const path = stripScope(name, f.path);
      paths.push(path);
      if (isManifest(path)) continue;
      map.set(`//${name}/${path}`, substituteConstants(f, theirConstants, []));
    }
    scopes.set(name, paths);
  }
  const declaredImports = new Set([
    ...manifest.localDependencies.map((d) => d.projectName),
    ...manifest.remoteDependencies.map((d) => d.name),
  ]);
  return { set: { files: map, scopes, declaredImports }, local, constants: JSON.stringify(allConstants), localConstants: constants, constantsKey };
}

function weekStartDay(file: LookmlFile, model: string, diagnostics: Diagnostic[]): WeekDay {
  const p = lastPair(file.pairs, 'week_start_day');
  const v = str(file.pairs, 'week_start_day');
  if (v === undefined || !p) return 'monday';
  const hit = WEEK_DAYS.find((d) => d === v);
  if (hit) return hit;
  const problem = diag('model/invalid-week-start-day', 'error', `Unknown week_start_day "${v}"; use a day name like monday or sunday`, p.value.loc);
  diagnostics.push(inContext(problem, { model }));
  return 'monday';
}

function fiscalMonthOffset(file: LookmlFile, model: string, diagnostics: Diagnostic[]): number {
  const p = lastPair(file.pairs, 'fiscal_month_offset');
  const v = str(file.pairs, 'fiscal_month_offset');
  if (v === undefined || !p) return 0;
  const n = Number(v);
  if (Number.isInteger(n) && n >= -11 && n <= 11) return n;
  const problem = diag('model/invalid-fiscal-month-offset', 'error', `fiscal_month_offset must be a whole number of months between -11 and 11, not "${v}"`, p.value.loc);
  diagnostics.push(inContext(problem, { model }));
  return 0;
}

function buildModel(id: string, set: FileSet, diagnostics: Diagnostic[], memo: MemoUse | undefined): Model {
  const start = diagnostics.length;
  const file = set.files.get(id)!;
  let included: IncludeResult;
  if (memo) {
    const memoized = memoIncludes(memo, id, set, diagnostics);
    included = memoized.result;
    const rec = memo.base?.models.get(id);
    // A build that records its memo resolves in full: the patch leaves no record to patch again.
    if (rec && memoized.changed && !memo.record) {
      const patched = patchModel(memo, rec, memoized.changed);
      if (patched) {
        memo.stats.patched++;
        diagnostics.length = start;
        diagnostics.push(...rec.diagnostics);
        return patched;
      }
    }
  } else {
    included = resolveIncludes(id, set, diagnostics);
  }
  const order = [...included.files, id];
  const viewDefs: PairNode[] = [];
  const exploreDefs: PairNode[] = [];
  const namedValueFormats: Record<string, string> = {};
  const datagroups: Record<string, Params> = {};
  const accessGrants: Record<string, Params> = {};
  for (let f = 0; f < order.length; f++) {
    const pairs = set.files.get(order[f]!)?.pairs ?? [];
    for (let i = 0; i < pairs.length; i++) {
      const p = pairs[i]!;
      if (p.key === 'view') viewDefs.push(p);
      else if (p.key === 'explore') exploreDefs.push(p);
      else if (p.name === undefined) continue;
      else if (p.key === 'named_value_format') namedValueFormats[p.name] = str(body(p), 'value_format') ?? '';
      else if (p.key === 'datagroup') datagroups[p.name] = pairsToParams(body(p));
      else if (p.key === 'access_grant') accessGrants[p.name] = pairsToParams(body(p));
    }
  }
  const thisModel = modelName(id);
  const fiscal = fiscalMonthOffset(file, thisModel, diagnostics);
  const builtBefore = memo?.stats.built ?? 0;
  const viewTraces = memo?.record && new Map<string, ObjectTrace>();
  const views: Record<string, View> = {};
  const beforeViews = diagnostics.length;
  // What a memo build rebuilds shares what did not change with the earlier build's view of that name.
  const before = memo?.base?.models.get(id)?.model.views;
  const makeView = (obj: ResolvedObject, diags: Diagnostic[]): View => {
    const view = buildView(obj, fiscal, diags);
    return before && Object.hasOwn(before, obj.name) ? shareWith(view, before[obj.name]) : view;
  };
  resolveObjects('view', viewDefs, diagnostics, makeView, (name, view) => {
    views[name] = view;
  }, memo && viewMemo(memo, fiscal, viewTraces), thisModel);
  const viewsClean = diagnostics.length === beforeViews;
  const exploreTraces = memo?.record && new Map<string, ObjectTrace>();
  const explores: Record<string, Explore> = {};
  const beforeExplores = diagnostics.length;
  resolveObjects('explore', exploreDefs, diagnostics, buildExplore, (name, explore) => {
    explores[name] = explore;
  }, memo && exploreMemo(memo, views, exploreTraces), thisModel);
  const exploresClean = diagnostics.length === beforeExplores;
  const connection = str(file.pairs, 'connection');
  const label = str(file.pairs, 'label');
  const model: Model = {
    name: thisModel,
    file: id,
    ...(connection === undefined ? {} : { connection }),
    ...(label === undefined ? {} : { label }),
    weekStartDay: weekStartDay(file, thisModel, diagnostics),
    fiscalMonthOffset: fiscal,
    caseSensitive: yesNo(file.pairs, 'case_sensitive') ?? true,
    views,
    explores,
    namedValueFormats,
    datagroups,
    includedFiles: included.files,
    dashboards: included.dashboards,
    accessGrants,
    params: pairsToParams(file.pairs.filter((p) => !MODEL_STRUCTURE.has(p.key))),
  };
  if (!memo) return model;
  const out = reuseModel(memo, model, memo.stats.built !== builtBefore);
  memo.record?.models.set(id, {
    model: out,
    diagnostics: diagnostics.slice(start),
    views: viewsClean ? viewTraces : undefined,
    explores: exploresClean ? exploreTraces : undefined,
  });
  return out;
}

export function buildProject(files: readonly LookmlFile[], options: BuildOptions = {}): Project {
  return build(files, options, undefined).project;
}

/** A project built with an earlier build's memo, and the memo of this build for later ones. */
export interface IncrementalBuild {
  readonly project: Project;
  /** Absent when not asked to record one. */
  readonly memo: BuildMemo | undefined;
  readonly stats: BuildStats;
}

/**
 * `buildProject`, reusing what `base` (an earlier build's memo) built from the same syntax: the
 * same project, diagnostics included, for the cost of the objects whose inputs changed (memo.ts).
 * `record`: make this build's memo (what later builds of similar content start from).
 */
export function buildProjectIncremental(
  files: readonly LookmlFile[],
  options: BuildOptions = {},
  base?: BuildMemo,
  record = true,
): IncrementalBuild {
  const out = build(files, options, { base, record });
  return { project: out.project, memo: out.memo?.record, stats: out.memo?.stats ?? { reused: 0, built: 0, patched: 0 } };
}

function build(
  files: readonly LookmlFile[],
  options: BuildOptions,
  incremental: { readonly base: BuildMemo | undefined; readonly record: boolean } | undefined,
): { project: Project; memo?: MemoUse } {
  const optionsKey = JSON.stringify([options.projectName, options.otherPaths]);
  if (incremental?.base?.project && !incremental.record && options.importedProjects === undefined) {
    const stats = { reused: 0, built: 0, patched: 0 };
    const use: MemoUse = { base: incremental.base, record: undefined, stats };
    const patched = patchProject(use, incremental.base.project, files, optionsKey);
    if (patched) return { project: patched, memo: use };
  }
  const diagnostics: Diagnostic[] = [];
  for (const f of files) diagnostics.push(...f.diagnostics);
  const manifestFile = files.find((f) => f.path === 'manifest.lkml');
  const read = readManifest(manifestFile);
  const projectName = options.projectName ?? read.projectName;
  const manifest: Manifest = projectName === undefined ? read : { ...read, projectName };
  const fileSet = buildFileSet(files, manifest, manifestFile, options, diagnostics, incremental !== undefined);
  const { set, local, constants } = fileSet;
  const fileProblems = diagnostics.length;
  const memo: MemoUse | undefined = incremental && {
    base: incremental.base?.constants === constants ? incremental.base : undefined,
    record: incremental.record ? newBuildMemo(constants) : undefined,
    stats: { reused: 0, built: 0, patched: 0 },
  };
  const models: Record<string, Model> = {};
  const modelFiles: string[] = [];
  let clashes = false;
  for (const f of local) {
    if (!isModelFile(f.path) || isDashboardFile(f.path)) continue;
    const model = buildModel(f.path, set, diagnostics, memo);
    const clash = models[model.name];
    if (clash) {
      clashes = true;
      const problem = diag('model/duplicate-model', 'error', `Model "${model.name}" is defined by both ${clash.file} and ${f.path}; rename one of the files`, fileLoc(f.path));
      diagnostics.push(inContext(problem, { model: model.name }));
      continue;
    }
    models[model.name] = model;
    modelFiles.push(f.path);
  }
  const project = { manifest, models, diagnostics: dedupeDiagnostics(diagnostics) };
  if (memo?.record) {
    memo.record.project = {
      project, inputs: files, options: optionsKey, constants: fileSet.localConstants, constantsKey: fileSet.constantsKey,
      models: modelFiles, clean: fileProblems === 0 && !clashes && options.importedProjects === undefined,
    };
    preparePatches(memo.record);
  }
  return memo ? { project, memo } : { project };
}

export {
  aliasViews, baseAlias, exploreFields, foreignKeySqlOn, joinDependencies, requiredJoins, resolveJoinPath,
  type ExploreField,
} from './explore-fields.ts';
export { validateProject } from './validate.ts';
export { dedupeDiagnostics } from './ast-util.ts';
export type { BuildMemo, BuildStats } from './memo.ts';
export type * from './types.ts';
