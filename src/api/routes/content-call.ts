/** Between the HTTP layer and `src/content`: the viewer, refusals as API errors, Looker's search filters. */
import type { FastifyRequest } from 'fastify';
import type { Viewer } from '../../content/access.ts';
import { ContentError } from '../../content/errors.ts';
import { requireAuth, requirePermission } from '../auth-context.ts';
import { ApiError, validationFailed } from '../errors.ts';
import { workspaceToApiError } from './workspace-call.ts';

export function viewerOf(request: FastifyRequest, permission?: string): Viewer {
  const auth = permission === undefined ? requireAuth(request) : requirePermission(request, permission);
  return { userId: auth.userId, permissions: auth.permissions };
}

/** Content refusals as API errors (workspace and store refusals too). */
export function contentToApiError(e: unknown): unknown {
  if (!(e instanceof ContentError)) return workspaceToApiError(e);
  switch (e.code) {
    case 'not_found':
      return new ApiError('not_found', { message: e.message });
    case 'forbidden':
      return new ApiError('forbidden', { message: e.message });
    case 'conflict':
      return new ApiError('conflict', { message: e.message });
    case 'invalid':
      return validationFailed([{ field: e.field ?? 'body', code: 'invalid', message: e.message }], e.message);
  }
}

/** Runs a content call, turning its refusals (content, workspace, store) into API errors. */
export async function content<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw contentToApiError(e);
  }
}

/**
 * Looker's search parameters: values match case-insensitively, `%` is a wildcard, `null`/`not null`
 * test for absence; several parameters must all match, or any with `filter_or=true`.
 */
function scalarText(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : value === null || value === undefined ? '' : JSON.stringify(value);
}

export function searchMatch(value: unknown, pattern: string): boolean {
  if (pattern.toLowerCase() === 'null') return value === null || value === undefined;
  if (pattern.toLowerCase() === 'not null') return value !== null && value !== undefined;
  const text = scalarText(value).toLowerCase();
  if (!pattern.includes('%')) return text === pattern.toLowerCase();
  const escaped = pattern.toLowerCase().split('%').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${escaped}$`, 's').test(text);
}

export interface SearchOptions {
  readonly filters: Readonly<Record<string, string | undefined>>;
  readonly filterOr?: boolean;
  readonly sorts?: string;
  readonly limit?: number;
  readonly offset?: number;
  readonly page?: number;
  readonly perPage?: number;
}

export function search<T extends Record<string, unknown>>(rows: readonly T[], options: SearchOptions): T[] {
  const active = Object.entries(options.filters).filter((e): e is [string, string] => e[1] !== undefined);
  let out = rows.filter((row) => {
    if (active.length === 0) return true;
    const hits = active.map(([k, p]) => searchMatch(row[k], p));
    return options.filterOr === true ? hits.some(Boolean) : hits.every(Boolean);
  });
  if (options.sorts !== undefined && options.sorts.trim() !== '') {
    const terms = options.sorts.split(',').map((t) => t.trim().split(/\s+/)).filter((t) => t[0] !== undefined && t[0] !== '');
    out = [...out].sort((a, b) => {
      for (const [key = '', dir] of terms) {
        const x = a[key], y = b[key];
        const cmp = typeof x === 'number' && typeof y === 'number' ? x - y : scalarText(x).localeCompare(scalarText(y), undefined, { numeric: true });
        if (cmp !== 0) return dir?.toLowerCase() === 'desc' ? -cmp : cmp;
      }
      return 0;
    });
  }
  const perPage = options.perPage ?? options.limit;
  const offset = options.page !== undefined && perPage !== undefined ? (options.page - 1) * perPage : options.offset ?? 0;
  return perPage === undefined ? out.slice(offset) : out.slice(offset, offset + perPage);
}
