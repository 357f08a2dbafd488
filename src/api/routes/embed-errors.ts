/**
 * Embedding's refusals (`EmbedError`) over HTTP: the status of a refused login page, and the
 * Looker API error of a refused call (422 with the field at fault, 403, 404 or 400).
 */
import { EmbedError, type EmbedErrorCode } from '../../embed/errors.ts';
import { ApiError, validationFailed } from '../errors.ts';

/** Which HTTP status a refused login or call gets. */
export const LOGIN_STATUS: Record<EmbedErrorCode, number> = {
  invalid_params: 400, missing_param: 400, bad_target: 400, bad_session_length: 400,
  bad_signature: 401, stale_time: 401, replayed_nonce: 401, no_secret: 401, bad_token: 401, wrong_browser: 401,
  unknown_model: 403, unknown_group: 403, bad_user_attribute: 403, user_disabled: 403, disabled: 403, not_found: 404,
};

/** Which body member a refusal is about, for the API's 422 `errors[]` (unless the caller names one). */
const FIELD: Partial<Record<EmbedErrorCode, string>> = {
  bad_target: 'target_url', bad_session_length: 'session_length', unknown_model: 'models', unknown_group: 'group_ids', bad_user_attribute: 'user_attributes',
};

export function apiError(error: unknown, field?: string): unknown {
  if (!(error instanceof EmbedError)) return error;
  switch (error.code) {
    case 'not_found':
      return new ApiError('not_found', { message: error.message });
    case 'user_disabled':
    case 'disabled':
      return new ApiError('forbidden', { message: error.message });
    case 'wrong_browser':
    case 'bad_token':
      return new ApiError('bad_request', { message: error.message });
    default:
      return validationFailed([{ field: error.field ?? field ?? FIELD[error.code] ?? 'body', code: error.code === 'missing_param' ? 'missing_field' : 'invalid', message: error.message }], error.message);
  }
}

export async function embedCall<T>(fn: () => Promise<T>, field?: string): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw apiError(error, field);
  }
}
