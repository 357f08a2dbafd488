/**
 * Why a content operation was refused: not_found → 404 (also for content the caller may not see, so
 * its existence does not leak), forbidden → 403, invalid → 422 (with `field`), conflict → 409.
 */
export type ContentErrorCode = 'not_found' | 'forbidden' | 'invalid' | 'conflict';

export class ContentError extends Error {
  override readonly name = 'ContentError';
  readonly code: ContentErrorCode;
  readonly field: string | undefined;

  constructor(code: ContentErrorCode, message: string, field?: string) {
    super(message);
    this.code = code;
    this.field = field;
  }
}
