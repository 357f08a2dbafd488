/**
 * Between the HTTP layer and `src/workspaces`: who the caller is (user + this token's workspace) and
 * workspace refusals as Looker API errors.
 */
import type { FastifyRequest } from 'fastify';
import type { Diagnostic } from '../../lookml/ast.ts';
import { WorkspaceError, type Caller } from '../../workspaces/index.ts';
import { requireAuth, requirePermission } from '../auth-context.ts';
import { ApiError, validationFailed } from '../errors.ts';
import { toApiError as storeToApiError } from './store-errors.ts';

/** The caller as the workspaces see them: the token's user and the token's workspace (rule 1/2). */
export function callerOf(request: FastifyRequest, permission?: string): Caller {
  const auth = permission === undefined ? requireAuth(request) : requirePermission(request, permission);
  return { userId: auth.userId, workspace: auth.workspaceId === 'dev' ? 'dev' : 'production', ...(auth.models === undefined ? {} : { models: auth.models }) };
}

function diagnosticDetail(d: Diagnostic): { field: string; code: string; message: string } {
  return { field: `${d.file}:${d.line}:${d.column}`, code: d.code, message: d.message };
}

export function workspaceToApiError(e: unknown): unknown {
  if (!(e instanceof WorkspaceError)) return storeToApiError(e);
  switch (e.code) {
    case 'not_found':
      return new ApiError('not_found', { message: e.message });
    case 'dev_only':
    case 'bad_request':
      return new ApiError('bad_request', { message: e.message });
    case 'forbidden':
      return new ApiError('forbidden', { message: e.message });
    case 'conflict':
      return new ApiError('conflict', { message: e.message });
    case 'invalid':
      return validationFailed([{ field: e.field ?? 'body', code: 'invalid', message: e.message }], e.message);
    case 'lookml_errors':
      return validationFailed(e.diagnostics.map(diagnosticDetail), e.message);
  }
}

/** Runs a workspace call, turning its refusals into API errors. */
export async function ws<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw workspaceToApiError(e);
  }
}
