/**
 * Source files → resolved project, shared by every source (a directory on disk, a git workspace).
 * Parsing is per file and cacheable by content; assembling (includes, extends, models) is per workspace.
 */
import type { Diagnostic, LookmlFile } from '../lookml/ast.ts';
import { parseDashboardFile, type LookmlDashboard } from '../lookml/dashboard.ts';
import { parseLookml } from '../lookml/index.ts';
import { buildProject, validateProject } from '../model/index.ts';
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
  const project = buildProject(files, {
    otherPaths: dashboardPaths,
    ...(projectName === undefined ? {} : { projectName }),
  });
  return { project, files, dashboards, dashboardDiagnostics };
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
