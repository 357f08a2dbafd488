// Errors from the server as the IDE shows them: a message for the status line, and LookML problems
// (validation results, commit/deploy refusals) with the file:line:column they point at.
import { ApiError } from '../api.ts';
import type { IdeProblem, ProjectError } from './types.ts';

/** A one-line explanation of a failed call, with the 422 details when there are any. */
export function messageOf(e: unknown): string {
  if (e instanceof ApiError) {
    const details = (e.body?.errors ?? []).map((d) => d.message ?? '').filter((m) => m !== '' && m !== e.message);
    if (details.length === 0) return e.message;
    const shown = details.slice(0, 3).join('; ');
    return `${e.message} (${shown}${details.length > 3 ? `; and ${details.length - 3} more` : ''})`;
  }
  return e instanceof Error ? e.message : String(e);
}

function numberOr(v: unknown, fallback: number | null): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

/**
 * Looker's ProjectError → an IdeProblem. Data-test results name files `project/path`; the plain
 * project path is what the file tree uses, so the project prefix is dropped.
 */
export function problemOf(e: ProjectError, projectId: string): IdeProblem {
  let path = e.file_path;
  if (path?.startsWith(`${projectId}/`) === true) path = path.slice(projectId.length + 1);
  return {
    severity: e.severity,
    message: e.message,
    path,
    line: e.line_number,
    column: numberOr(e.params?.column, null),
  };
}

/** LookML errors carried by a 422 (commit, deploy): `field` is `file:line:column`. */
export function problemsOfApiError(e: unknown): IdeProblem[] {
  if (!(e instanceof ApiError) || e.status !== 422) return [];
  const out: IdeProblem[] = [];
  for (const d of e.body?.errors ?? []) {
    const m = /^(.+):(\d+):(\d+)$/.exec(d.field ?? '');
    if (m === null) continue;
    out.push({ severity: 'error', message: d.message ?? d.code ?? 'error', path: m[1] ?? null, line: Number(m[2]), column: Number(m[3]) });
  }
  return out;
}

export function locationOf(p: IdeProblem): string {
  if (p.path === null) return '';
  return `${p.path}${p.line === null ? '' : `:${p.line}`}${p.line !== null && p.column !== null ? `:${p.column}` : ''}`;
}
