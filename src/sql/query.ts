/**
 * A Looker query as the API and the CLI hand it to the compiler, and what comes back.
 */
import type { Dialect, WeekDay } from './dialects/dialect.ts';

/** The `Query` object of Looker API 4.0 (the parts that shape SQL). */
export interface LookerQuery {
  readonly model: string;
  /** The explore name (Looker calls it `view`). */
  readonly view: string;
  readonly fields: readonly string[];
  /** `{ "view.field": "filter expression" }`; empty expressions are ignored, as in Looker. */
  readonly filters?: Readonly<Record<string, string>>;
  /**
   * A Looker custom filter (`${orders.count} > 5 AND NOT is_null(${users.state})`), ANDed with
   * the other filters: in WHERE, or in HAVING when it references a measure. Blank = none.
   */
  readonly filter_expression?: string | null;
  readonly sorts?: readonly string[];
  /** A number or a numeric string; absent → 500, `-1` → no limit. */
  readonly limit?: string | number | null;
  readonly pivots?: readonly string[];
  readonly column_limit?: string | number | null;
  readonly total?: boolean;
  readonly row_total?: string | null;
  readonly query_timezone?: string | null;
}

export interface CompileOptions {
  readonly dialect: Dialect;
  /** Values of user attributes for Liquid `_user_attributes` and `access_filter`. */
  readonly userAttributes?: Readonly<Record<string, string>>;
  /** The time zone timestamps are stored in (the connection's), default UTC. */
  readonly databaseTimezone?: string;
  /** Used when the query has no `query_timezone`; default: the database time zone (no conversion). */
  readonly defaultQueryTimezone?: string;
  /** Pin "now" (`YYYY-MM-DD HH:MM:SS` in the query time zone) for reproducible relative date filters. */
  readonly now?: string;
}

/** One column of the result, in SELECT order. */
export interface CompiledField {
  /** `view.field` (join alias, field name). */
  readonly name: string;
  /** The result column name (unquoted; the key in driver rows). */
  readonly alias: string;
  readonly category: 'dimension' | 'measure';
  readonly type: string;
  readonly view: string;
  readonly label: string;
  readonly valueFormat?: string;
  readonly isPivot: boolean;
  /** `percent_of_total`/`running_total`/`percent_of_previous`: computed from rows after SQL. */
  readonly postSql?: { readonly kind: string; readonly of: string };
}

export interface CompiledQuery {
  readonly sql: string;
  readonly fields: readonly CompiledField[];
  /** A second statement computing column totals (when `total: true`; with pivots, the grand total). */
  readonly totalsSql?: string;
  /** With pivots and `total: true`: column totals per pivot value (pivot fields, then the measures). */
  readonly pivotTotalsSql?: string;
  /** With pivots and `row_total`: per row returned, the measures over all pivot values (row dimensions, then the measures). */
  readonly rowTotalsSql?: string;
  /** Non-fatal notes, e.g. a measure whose fan-out could not be made symmetric. */
  readonly warnings: readonly string[];
  readonly timezone: string;
  readonly weekStartDay: WeekDay;
}
