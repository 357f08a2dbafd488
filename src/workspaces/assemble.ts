/**
 * Source files → resolved project, shared by every source (a directory on disk, a git workspace).
 * Parsing is per file and cacheable by content; assembling (includes, extends, models) is per workspace.
 */
import type { Diagnostic, LookmlFile } from '../lookml/ast.ts';
import { parseDashboardFile, type LookmlDashboard } from '../lookml/dashboard.ts';
import { parseLookml } from '../lookml/index.ts';
import { buildProject, buildProjectIncremental, validateProject, type BuildMemo, type BuildStats } from '../model/index.ts';
import type { Project } from '../model/types.ts';

export type ParsedSource =
  | { readonly kind: 'lookml'; readonly file: LookmlFile }
  | { readonly kind: 'dashboard'; readonly path: string; readonly dashboards: readonly LookmlDashboard[]; readonly diagnostics: readonly Diagnostic[] };

export function parseSource(path: string, text: string): ParsedSource {
  if (path.endsWith('.dashboard.lookml')) {
    const parsed = parseDashboardFile(text, path);
    return { kind: 'dashboard', path, dashboards: parsed.dashboards, diagnostics: parsed.diagnostics };
  }
  return { kind: 'lookml', file: parseLookml(text, path) };
}

export interface AssembledProject {
  readonly project: Project;
  readonly files: readonly LookmlFile[];
  readonly dashboards: readonly LookmlDashboard[];
  /** Dashboard parse diagnostics (model diagnostics come from `validateAssembled`). */
  readonly dashboardDiagnostics: readonly Diagnostic[];
}

export function assembleProject(sources: readonly ParsedSource[], projectName?: string): AssembledProject {
  return assemble(sources, projectName, (files, options) => ({ project: buildProject(files, options) })).assembled;
}

/** `assembleProject` as a delta over an earlier build (`buildProjectIncremental`). */
export function assembleProjectIncremental(
  sources: readonly ParsedSource[],
  projectName: string | undefined,
  base: BuildMemo | undefined,
  record: boolean,
): { assembled: AssembledProject; memo: BuildMemo | undefined; stats: BuildStats } {
  const out = assemble(sources, projectName, (files, options) => buildProjectIncremental(files, options, base, record));
  return { assembled: out.assembled, memo: out.built.memo, stats: out.built.stats };
}

function assemble<B extends { readonly project: Project }>(
  sources: readonly ParsedSource[],
  projectName: string | undefined,
  buildWith: (files: readonly LookmlFile[], options: { otherPaths: readonly string[]; projectName?: string }) => B,
): { assembled: AssembledProject; built: B } {
  const files: LookmlFile[] = [];
  const dashboards: LookmlDashboard[] = [];
  const dashboardDiagnostics: Diagnostic[] = [];
  const dashboardPaths: string[] = [];
  for (const s of sources) {
    if (s.kind === 'lookml') {
      files.push(s.file);
    } else {
      dashboards.push(...s.dashboards);
      dashboardDiagnostics.push(...s.diagnostics);
      dashboardPaths.push(s.path);
    }
  }
  const built = buildWith(files, {
    otherPaths: dashboardPaths,
    ...(projectName === undefined ? {} : { projectName }),
  });
  return { assembled: { project: built.project, files, dashboards, dashboardDiagnostics }, built };
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column;
}

/** Parser, dashboard and model diagnostics together, sorted by file and position. */
export function validateAssembled(assembled: AssembledProject): Diagnostic[] {
  // validateProject includes the build's diagnostics (and so each file's parse diagnostics).
  const all = [...assembled.dashboardDiagnostics, ...validateProject(assembled.project)];
  return all.sort(compareDiagnostics);
}
