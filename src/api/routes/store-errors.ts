/**
 * Store refusals (`StoreError`) as Looker API errors: not_found → 404, conflict → 409 and
 * invalid → 422 with the offending field in `errors[]`.
 */
import { StoreError } from '../../store/index.ts';
import { ApiError, validationFailed } from '../errors.ts';

export function toApiError(e: unknown): unknown {
  if (!(e instanceof StoreError)) return e;
  switch (e.code) {
    case 'not_found':
      return new ApiError('not_found');
    case 'conflict':
      return new ApiError('conflict', { message: e.message });
    case 'invalid':
      return validationFailed([{ field: e.field ?? 'body', code: 'invalid', message: e.message }]);
  }
}

/** Runs a store call, turning its refusals into API errors. */
export async function store<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toApiError(e);
  }
}

/** `null` from a lookup → 404 in Looker's shape. */
export function found<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new ApiError('not_found');
  return value;
}
