/**
 * `overlook validate <dir>`: every parser and model diagnostic with file:line:column.
 */
import { stat } from 'node:fs/promises';
import type { Diagnostic } from '../lookml/ast.ts';
import { loadProjectDir } from '../workspaces/directory.ts';

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}`;
}

export async function checkProjectDir(dir: string): Promise<string | undefined> {
  try {
    if ((await stat(dir)).isDirectory()) return undefined;
    return `'${dir}' is not a folder. Pass the folder that holds your LookML project.`;
  } catch {
    return `Folder '${dir}' does not exist. Pass the folder that holds your LookML project.`;
  }
}

export async function runValidateCommand(dir: string, format: 'text' | 'json'): Promise<number> {
  const problem = await checkProjectDir(dir);
  if (problem) {
    process.stderr.write(`${problem}\n`);
    return 2;
  }
  const started = performance.now();
  const loaded = await loadProjectDir(dir);
  const ms = performance.now() - started;
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  const warnings = loaded.diagnostics.filter((d) => d.severity === 'warning');
  const models = Object.values(loaded.project.models);
  const explores = models.reduce((n, m) => n + Object.values(m.explores).filter((e) => !e.extension).length, 0);
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify({
      valid: errors.length === 0,
      files: loaded.files.length + loaded.dashboards.length,
      models: models.map((m) => m.name),
      explores,
      errors,
      warnings,
      infos: loaded.diagnostics.filter((d) => d.severity === 'info'),
    }, null, 2)}\n`);
  } else {
    for (const d of loaded.diagnostics) process.stdout.write(`${formatDiagnostic(d)}\n`);
    const summary = `${errors.length} error${errors.length === 1 ? '' : 's'}, ${warnings.length} warning${warnings.length === 1 ? '' : 's'} in ${loaded.files.length} files (${models.length} models, ${explores} explores) — ${ms.toFixed(0)} ms`;
    process.stdout.write(`${errors.length === 0 ? 'LookML is valid: ' : 'LookML has errors: '}${summary}\n`);
  }
  return errors.length === 0 ? 0 : 1;
}
