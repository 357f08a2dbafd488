/**
 * Why an embed login or embed API call was refused. The login page shows `message` to the person in
 * front of the frame (and the integrator reading it), so messages name the parameter at fault, in
 * the words Looker's own embed troubleshooting uses where it has them.
 */
export type EmbedErrorCode =
  | 'invalid_params' // unknown, duplicated or malformed parameters
  | 'missing_param'
  | 'bad_target' // not an /embed/ page Overlook serves, or outside what the URL grants
  | 'bad_signature'
  | 'stale_time'
  | 'replayed_nonce'
  | 'bad_session_length'
  | 'unknown_model'
  | 'unknown_group'
  | 'bad_user_attribute'
  | 'no_secret'
  | 'bad_token' // unknown, expired or already used embed token
  | 'wrong_browser' // a cookieless session used from another User-Agent
  | 'user_disabled'
  | 'disabled' // signed or cookieless embedding switched off in the embed settings
  | 'not_found';

export class EmbedError extends Error {
  readonly code: EmbedErrorCode;
  /** The request member at fault, when the refusal knows it better than its caller (`embed_config.look_filters`). */
  readonly field: string | undefined;
  constructor(code: EmbedErrorCode, message: string, field?: string) {
    super(message);
    this.name = 'EmbedError';
    this.code = code;
    this.field = field;
  }
}
