/**
 * Looker filter expressions (the `f[view.field]=…` language): parse, then compile to SQL.
 *
 * Contract used by the query compiler (implementation lives beside this file):
 *   parseFilterExpression(kind, text) → { ok: true, node } | { ok: false, message }
 *   filterToSql(node, fieldSql, ctx)  → a boolean SQL condition
 * User values only ever reach SQL through `ctx.dialect.stringLiteral`/`numberLiteral`/
 * `dateLiteral`/`timestampLiteral`/`like`.
 */
import type { Dialect, WeekDay } from '../dialects/dialect.ts';

/** The grammar to use, from the field's type: dates/times use `date`, everything numeric `number`. */
export type FilterKind = 'string' | 'number' | 'date' | 'yesno' | 'tier';

export interface FilterSqlContext {
  readonly dialect: Dialect;
  /** Query time zone (IANA); relative dates are computed in it. */
  readonly timezone: string;
  /** Pin "now" (`YYYY-MM-DD HH:MM:SS`, local to `timezone`) for reproducible SQL; default: the database's now. */
  readonly now?: string;
  readonly weekStartDay: WeekDay;
  /** Model `case_sensitive` (default true): string matches use LIKE vs case-insensitive. */
  readonly caseSensitive: boolean;
}

export type { FilterNode, FilterParseResult } from './types.ts';
export { parseFilterExpression } from './parse.ts';
export { dateBoundSql, filterToSql } from './to-sql.ts';
