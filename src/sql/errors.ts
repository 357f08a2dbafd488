/**
 * The one catalog of query-compilation errors. Each is a problem with the *query or model*
 * (the API turns them into Looker-shaped 4xx); anything else thrown by the compiler is a bug.
 */

export type QueryErrorCode =
  | 'query/unknown-explore'
  | 'query/unknown-field'
  /** No dimension or measure selected: there is nothing to SELECT. */
  | 'query/no-fields'
  | 'query/field-not-in-explore'
  | 'query/bad-filter'
  /** A Looker expression (`filter_expression`) that does not parse, type-check or compile. */
  | 'query/bad-expression'
  | 'query/bad-sort'
  | 'query/bad-limit'
  | 'query/bad-column-limit'
  | 'query/bad-timezone'
  | 'query/circular-reference'
  | 'query/unknown-reference'
  | 'query/missing-user-attribute'
  | 'query/bad-parameter'
  | 'query/liquid'
  | 'query/unsupported';

export class QueryError extends Error {
  readonly code: QueryErrorCode;
  /** The field or filter the error is about, when there is one. */
  readonly field?: string;
  /** 0-based character offset in the expression the error is about (messages say `character N`, 1-based). */
  readonly position?: number;

  constructor(code: QueryErrorCode, message: string, field?: string, position?: number) {
    super(message);
    this.name = 'QueryError';
    this.code = code;
    if (field !== undefined) this.field = field;
    if (position !== undefined) this.position = position;
  }
}
