/**
 * `include:` resolution, as Looker does it.
 *
 * - `/views/*.view` is rooted at the project; anything else is relative to the
 *   including file's folder; `//project/…` reads an imported project.
 * - A last segment without `.lkml`/`.lookml` gets one (`*.view` → `*.view.lkml`,
 *   `*.dashboard` → `*.dashboard.lookml`, `/views/*` → every LookML file there).
 * - Included files' own includes are followed. A file's definitions are ordered
 *   after the files it includes, which is the order refinements are applied in.
 */
import picomatch from 'picomatch';
import type { Diagnostic, LookmlFile } from '../lookml/ast.ts';
import { diag, dirOf, isScalar, listItems, normalizePath } from './ast-util.ts';

export interface FileSet {
  /** Parsed LookML by id: project paths, and `//project/path` for imported projects. */
  readonly files: ReadonlyMap<string, LookmlFile>;
  /** Every path (LookML and not, e.g. dashboards) of each project: `''` is this project. */
  readonly scopes: ReadonlyMap<string, readonly string[]>;
  /** Projects named by `local_dependency`/`remote_dependency` in this project's manifest. */
  readonly declaredImports: ReadonlySet<string>;
}

export interface IncludeResult {
  /** LookML files in definition order (each after the files it includes), without the model itself. */
  readonly files: readonly string[];
  readonly dashboards: readonly string[];
}

export function isModelFile(path: string): boolean {
  return path.endsWith('.model.lkml');
}

export function isDashboardFile(path: string): boolean {
  return path.endsWith('.dashboard.lookml') || path.endsWith('.dashboard.lkml');
}

/** Split an id into its project (`''` = local) and its path inside that project. */
export function splitId(id: string): { scope: string; path: string } {
  if (!id.startsWith('//')) return { scope: '', path: id };
  const slash = id.indexOf('/', 2);
  return slash === -1 ? { scope: id.slice(2), path: '' } : { scope: id.slice(2, slash), path: id.slice(slash + 1) };
}

function joinId(scope: string, path: string): string {
  return scope === '' ? path : `//${scope}/${path}`;
}

function withExtensions(pattern: string): string[] {
  const last = pattern.slice(pattern.lastIndexOf('/') + 1);
  if (last.endsWith('.lkml') || last.endsWith('.lookml')) return [pattern];
  return [`${pattern}.lkml`, `${pattern}.lookml`];
}

const matcherCache = new Map<string, (path: string) => boolean>();

function matcher(patterns: readonly string[]): (path: string) => boolean {
  const key = patterns.join('\0');
  let m = matcherCache.get(key);
  if (!m) {
    m = picomatch([...patterns]);
    matcherCache.set(key, m);
  }
  return m;
}

export function resolveIncludes(modelId: string, set: FileSet, diagnostics: Diagnostic[]): IncludeResult {
  const visited = new Set<string>();
  const files: string[] = [];
  const dashboards: string[] = [];

  const resolve = (fromId: string, raw: string): string[] | undefined => {
    const from = splitId(fromId);
    let scope = from.scope;
    let pattern: string;
    if (raw.startsWith('//')) {
      const target = splitId(raw);
      scope = target.scope;
      pattern = normalizePath(target.path);
      if (!set.scopes.has(scope)) return undefined;
    } else if (raw.startsWith('/')) {
      pattern = normalizePath(raw);
    } else {
      pattern = normalizePath(`${dirOf(from.path)}/${raw}`);
    }
    const test = matcher(withExtensions(pattern));
    return (set.scopes.get(scope) ?? [])
      .filter((p) => test(p))
      .sort()
      .map((p) => joinId(scope, p));
  };

  const visit = (id: string): void => {
    if (visited.has(id)) return;
    visited.add(id);
    if (isDashboardFile(id)) {
      dashboards.push(id);
      return;
    }
    const file = set.files.get(id);
    if (!file) return;
    for (const p of file.pairs) {
      if (p.key !== 'include') continue;
      for (const item of listItems(p.value)) {
        if (!isScalar(item)) continue;
        const raw = item.value.trim();
        const matched = resolve(id, raw);
        if (matched === undefined) {
          const project = splitId(raw).scope;
          const declared = set.declaredImports.has(project);
          diagnostics.push(
            diag(
              'model/unresolved-import',
              declared ? 'warning' : 'error',
              declared
                ? `Imported project "${project}" is declared in manifest.lkml but its files were not supplied; "${raw}" was skipped`
                : `Cannot include "${raw}": project "${project}" is not declared as a local_dependency or remote_dependency in manifest.lkml`,
              item.loc,
            ),
          );
          continue;
        }
        const usable = matched.filter((m) => m !== id && !isModelFile(m));
        if (usable.length === 0) {
          diagnostics.push(
            diag('model/include-not-found', 'warning', `Could not find a file that matches include "${raw}"`, item.loc),
          );
        }
        for (const m of usable) visit(m);
      }
    }
    if (id !== modelId) files.push(id);
  };

  visit(modelId);
  return { files, dashboards };
}
