// The one error catalog of the API: every non-2xx answer Overlook gives is built from an entry here,
// so status codes and messages stay consistent and the body always has Looker's `Error` /
// `ValidationError` shape ({message, documentation_url} / + errors[]).

export const ERROR_CATALOG = {
  bad_request: { status: 400, message: 'Bad Request' },
  malformed_json: { status: 400, message: 'Request body is not valid JSON.' },
  malformed_form: { status: 400, message: 'Request body is not a valid application/x-www-form-urlencoded form.' },
  bad_url: { status: 400, message: 'Malformed URL: %s' },
  bad_fields: { status: 400, message: "Invalid 'fields' parameter: %s" },
  body_required: { status: 400, message: 'A request body is required.' },
  unauthorized: { status: 401, message: 'Requires authentication.' },
  forbidden: { status: 403, message: 'Forbidden' },
  not_found: { status: 404, message: 'Not found' },
  method_not_allowed: { status: 405, message: 'Method %s is not allowed on this resource.' },
  conflict: { status: 409, message: 'Conflict' },
  payload_too_large: { status: 413, message: 'Request body is too large (limit: %s bytes).' },
  uri_too_long: { status: 414, message: 'URL path parameter is too long.' },
  unsupported_media_type: { status: 415, message: 'Unsupported Content-Type: %s' },
  validation_failed: { status: 422, message: 'Validation Failed' },
  too_many_requests: { status: 429, message: 'Too many requests, please try again later.' },
  internal: { status: 500, message: 'An internal server error occurred.' },
  service_unavailable: { status: 503, message: 'Service unavailable.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

/** One entry of a 422 `errors[]` (Looker's ValidationErrorDetail, minus the URL added at send time). */
export interface ValidationDetail {
  field: string;
  /** Looker uses GitHub-style codes: `missing_field`, `invalid`, `already_exists`. */
  code: string;
  message: string;
}

export interface ErrorBody {
  message: string;
  documentation_url: string;
}

export interface ValidationErrorBody extends ErrorBody {
  errors: (ValidationDetail & { documentation_url: string })[];
}

export interface ApiErrorOptions {
  /** Replaces the catalog message entirely. */
  message?: string;
  /** Fills the `%s` placeholders of the catalog message, in order. */
  args?: readonly (string | number)[];
  /** 422 details; only meaningful for `validation_failed`. */
  errors?: readonly ValidationDetail[];
  /** Extra response headers, e.g. `Retry-After` for 429 or `Allow` for 405. */
  headers?: Readonly<Record<string, string>>;
  cause?: unknown;
}

function fill(template: string, args: readonly (string | number)[] | undefined): string {
  let i = 0;
  return template.replace(/%s/g, () => String(args?.[i++] ?? ''));
}

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly errors: readonly ValidationDetail[] | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: ErrorCode, options: ApiErrorOptions = {}) {
    const entry = ERROR_CATALOG[code];
    super(options.message ?? fill(entry.message, options.args), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ApiError';
    this.code = code;
    this.statusCode = entry.status;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
  }
}

/** 422 with Looker's `errors[]`. */
export function validationFailed(errors: readonly ValidationDetail[], message?: string): ApiError {
  return new ApiError('validation_failed', { errors, ...(message === undefined ? {} : { message }) });
}

export const DOCS_ROOT = 'https://cloud.google.com/looker/docs/';

/**
 * Looker links every error to `https://cloud.google.com/looker/docs/r/err/<version>/<status>/<method>/<route>`,
 * the route being the API path template without `/api/4.0` and with `:param` placeholders
 * (seen in real responses, e.g. `.../r/err/4.0/422/post/themes/validate`, and parsed by the SDK's
 * `ErrorDoc`). `route` may be undefined when no route matched: the raw path is used then.
 */
export function documentationUrl(status: number, method: string, route: string | undefined): string {
  const path = (route ?? '').replace(/^\/api\/4\.0(?=\/|$)/, '').replace(/^\/+/, '');
  return `${DOCS_ROOT}r/err/4.0/${status}/${method.toLowerCase()}/${path}`;
}

export function errorBody(error: ApiError, docUrl: string): ErrorBody | ValidationErrorBody {
  if (error.errors !== undefined) {
    return {
      message: error.message,
      errors: error.errors.map((d) => ({ field: d.field, code: d.code, message: d.message, documentation_url: docUrl })),
      documentation_url: docUrl,
    };
  }
  return { message: error.message, documentation_url: docUrl };
}
