/**
 * A LookML project read from a directory on disk (the CLI's source; git-backed workspaces
 * come later and hand the same plain data to the same stages).
 */
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Diagnostic, LookmlFile } from '../lookml/ast.ts';
import type { LookmlDashboard } from '../lookml/dashboard.ts';
import type { Project } from '../model/types.ts';
import { assembleProject, parseSource, validateAssembled } from './assemble.ts';

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

export { compareDiagnostics } from './assemble.ts';

export async function loadProjectDir(root: string): Promise<LoadedProject> {
  const paths = await listLookmlFiles(root);
  // Read one after another, synchronously: for a thousand small files that is 5-8x faster than
  // `fs/promises` readFile all at once (measured: 15-20 ms vs 110-200 ms), whose every file takes
  // several trips through the thread pool; parsing right after blocks the loop anyway.
  const assembled = assembleProject(paths.map((path) => parseSource(path, readFileSync(join(root, path), 'utf8'))));
  return { ...assembled, diagnostics: validateAssembled(assembled) };
}
