/**
 * Why a workspace operation was refused, as data the API maps onto its error catalog:
 * not_found → 404, dev_only/bad_request → 400, forbidden → 403, conflict → 409, invalid → 422
 * (with `field`), lookml_errors → 422 with one entry per LookML error (file:line:column).
 */
import type { Diagnostic } from '../lookml/ast.ts';

export type WorkspaceErrorCode = 'not_found' | 'dev_only' | 'bad_request' | 'forbidden' | 'conflict' | 'invalid' | 'lookml_errors';

export class WorkspaceError extends Error {
  override readonly name = 'WorkspaceError';
  readonly code: WorkspaceErrorCode;
  readonly field: string | undefined;
  readonly diagnostics: readonly Diagnostic[];

  constructor(code: WorkspaceErrorCode, message: string, options: { field?: string; diagnostics?: readonly Diagnostic[] } = {}) {
    super(message);
    this.code = code;
    this.field = options.field;
    this.diagnostics = options.diagnostics ?? [];
  }
}

export function devOnly(what: string): WorkspaceError {
  return new WorkspaceError('dev_only', `${what} is only allowed in development mode. Call update_session with {"workspace_id":"dev"} first.`);
}

export function noProject(id: string): WorkspaceError {
  return new WorkspaceError('not_found', `Project "${id}" not found.`);
}
