/**
 * A LookML project read from a directory on disk (the CLI's source; git-backed workspaces
 * come later and hand the same plain data to the same stages).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Diagnostic, LookmlFile } from '../lookml/ast.ts';
import { parseDashboardFile, type LookmlDashboard } from '../lookml/dashboard.ts';
import { parseLookml } from '../lookml/index.ts';
import { buildProject, validateProject } from '../model/index.ts';
import type { Project } from '../model/types.ts';

const SKIP_DIRS = new Set(['node_modules', '.git']);

export interface LoadedProject {
  readonly project: Project;
  readonly files: readonly LookmlFile[];
  readonly dashboards: readonly LookmlDashboard[];
  /** Parser, dashboard and model diagnostics together, sorted by file and position. */
  readonly diagnostics: readonly Diagnostic[];
}

/** Project-relative paths (with `/`) of every LookML file under `root`, sorted. */
export async function listLookmlFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name) && !entry.name.startsWith('.')) await walk(join(dir, entry.name));
      } else if (entry.name.endsWith('.lkml') || entry.name.endsWith('.lookml')) {
        out.push(relative(root, join(dir, entry.name)).split(sep).join('/'));
      }
    }
  };
  await walk(root);
  return out.sort();
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column;
}

export async function loadProjectDir(root: string): Promise<LoadedProject> {
  const paths = await listLookmlFiles(root);
  const texts = await Promise.all(paths.map((p) => readFile(join(root, p), 'utf8')));
  const files: LookmlFile[] = [];
  const dashboards: LookmlDashboard[] = [];
  const diagnostics: Diagnostic[] = [];
  paths.forEach((path, i) => {
    const text = texts[i]!;
    if (path.endsWith('.dashboard.lookml')) {
      const parsed = parseDashboardFile(text, path);
      dashboards.push(...parsed.dashboards);
      diagnostics.push(...parsed.diagnostics);
    } else {
      files.push(parseLookml(text, path));
    }
  });
  const project = buildProject(files, { otherPaths: dashboards.map((d) => d.loc.file) });
  // validateProject includes the build's diagnostics (and so each file's parse diagnostics).
  diagnostics.push(...validateProject(project));
  diagnostics.sort(compareDiagnostics);
  return { project, files, dashboards, diagnostics };
}
