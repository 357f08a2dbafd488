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
import { body, dedupeDiagnostics, diag, fileLoc, lastPair, str, yesNo } from './ast-util.ts';
import { constantOverrides, expandConstantValues, isManifest, readManifest, substituteConstants } from './constants.ts';
import { buildExplore } from './explores.ts';
import { isDashboardFile, isModelFile, resolveIncludes, type FileSet } from './includes.ts';
import { resolveObjects } from './resolve.ts';
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
): { set: FileSet; local: LookmlFile[] } {
  const constants = expandConstantValues(manifest);
  const map = new Map<string, LookmlFile>();
  const local: LookmlFile[] = [];
  for (const f of files) {
    if (isManifest(f.path)) continue;
    const s = substituteConstants(f, constants, diagnostics);
    map.set(f.path, s);
    local.push(s);
  }
  const scopes = new Map<string, readonly string[]>();
  scopes.set('', [...files.map((f) => f.path), ...(options.otherPaths ?? [])]);
  const overrides = constantOverrides(manifestFile);
  for (const [name, projectFiles] of Object.entries(options.importedProjects ?? {})) {
    const theirManifestFile = projectFiles.find((f) => isManifest(stripScope(name, f.path)));
    const theirConstants = expandConstantValues(readManifest(theirManifestFile, overrides[name] ?? {}));
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
  return { set: { files: map, scopes, declaredImports }, local };
}

function weekStartDay(file: LookmlFile, diagnostics: Diagnostic[]): WeekDay {
  const p = lastPair(file.pairs, 'week_start_day');
  const v = str(file.pairs, 'week_start_day');
  if (v === undefined || !p) return 'monday';
  const hit = WEEK_DAYS.find((d) => d === v);
  if (hit) return hit;
  diagnostics.push(diag('model/invalid-week-start-day', 'error', `Unknown week_start_day "${v}"; use a day name like monday or sunday`, p.value.loc));
  return 'monday';
}

function fiscalMonthOffset(file: LookmlFile, diagnostics: Diagnostic[]): number {
  const p = lastPair(file.pairs, 'fiscal_month_offset');
  const v = str(file.pairs, 'fiscal_month_offset');
  if (v === undefined || !p) return 0;
  const n = Number(v);
  if (Number.isInteger(n) && n >= -11 && n <= 11) return n;
  diagnostics.push(diag('model/invalid-fiscal-month-offset', 'error', `fiscal_month_offset must be a whole number of months between -11 and 11, not "${v}"`, p.value.loc));
  return 0;
}

function buildModel(id: string, set: FileSet, diagnostics: Diagnostic[]): Model {
  const file = set.files.get(id)!;
  const included = resolveIncludes(id, set, diagnostics);
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
  const fiscal = fiscalMonthOffset(file, diagnostics);
  const views: Record<string, View> = {};
  resolveObjects('view', viewDefs, diagnostics, (obj, diags) => {
    views[obj.name] = buildView(obj, fiscal, diags);
  });
  const explores: Record<string, Explore> = {};
  resolveObjects('explore', exploreDefs, diagnostics, (obj, diags) => {
    explores[obj.name] = buildExplore(obj, diags);
  });
  const connection = str(file.pairs, 'connection');
  const label = str(file.pairs, 'label');
  return {
    name: modelName(id),
    file: id,
    ...(connection === undefined ? {} : { connection }),
    ...(label === undefined ? {} : { label }),
    weekStartDay: weekStartDay(file, diagnostics),
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
}

export function buildProject(files: readonly LookmlFile[], options: BuildOptions = {}): Project {
  const diagnostics: Diagnostic[] = [];
  for (const f of files) diagnostics.push(...f.diagnostics);
  const manifestFile = files.find((f) => f.path === 'manifest.lkml');
  const read = readManifest(manifestFile);
  const projectName = options.projectName ?? read.projectName;
  const manifest: Manifest = projectName === undefined ? read : { ...read, projectName };
  const { set, local } = buildFileSet(files, manifest, manifestFile, options, diagnostics);
  const models: Record<string, Model> = {};
  for (const f of local) {
    if (!isModelFile(f.path) || isDashboardFile(f.path)) continue;
    const model = buildModel(f.path, set, diagnostics);
    const clash = models[model.name];
    if (clash) {
      diagnostics.push(diag('model/duplicate-model', 'error', `Model "${model.name}" is defined by both ${clash.file} and ${f.path}; rename one of the files`, fileLoc(f.path)));
      continue;
    }
    models[model.name] = model;
  }
  return { manifest, models, diagnostics: dedupeDiagnostics(diagnostics) };
}

export {
  aliasViews, baseAlias, exploreFields, foreignKeySqlOn, joinDependencies, requiredJoins, resolveJoinPath,
  type ExploreField,
} from './explore-fields.ts';
export { validateProject } from './validate.ts';
export { dedupeDiagnostics } from './ast-util.ts';
export type * from './types.ts';
