/**
 * One SQL dialect: everything the query compiler needs to know about a database's SQL.
 *
 * The compiler builds every statement from these primitives, so a dialect is a small
 * object of spellings, not a query planner. Dialects are plain objects; a new one
 * spreads `baseDialect` and overrides what differs (see `base.ts`). All methods are
 * pure and deterministic: the same input gives byte-identical SQL.
 *
 * Time model: the compiler first converts a timestamp column to the query time zone
 * (`convertTz`), then every timeframe, truncation and filter bound works on that
 * zone-less local timestamp. Relative date filters use `now(tz)` in SQL (like Looker),
 * unless the caller pins `now` for reproducible tests.
 */

export type TimeUnit =
  | 'microsecond' | 'millisecond' | 'second' | 'minute' | 'hour'
  | 'day' | 'week' | 'month' | 'quarter' | 'year';

/** Every `dimension_group: { type: time }` timeframe Looker documents. */
export type Timeframe =
  | 'raw' | 'time' | 'time_of_day' | 'date' | 'week' | 'month' | 'quarter' | 'year'
  | 'hour' | 'hour2' | 'hour3' | 'hour4' | 'hour6' | 'hour8' | 'hour12'
  | 'minute' | 'minute2' | 'minute3' | 'minute4' | 'minute5' | 'minute6' | 'minute10'
  | 'minute12' | 'minute15' | 'minute20' | 'minute30'
  | 'second' | 'millisecond' | 'millisecond2' | 'millisecond4' | 'millisecond5'
  | 'millisecond8' | 'millisecond10' | 'millisecond20' | 'millisecond25' | 'millisecond40'
  | 'millisecond50' | 'millisecond100' | 'millisecond125' | 'millisecond200' | 'millisecond250'
  | 'millisecond500' | 'microsecond'
  | 'day_of_week' | 'day_of_week_index' | 'day_of_month' | 'day_of_year'
  | 'week_of_year' | 'month_name' | 'month_num' | 'quarter_of_year'
  | 'hour_of_day' | 'minute_of_hour' | 'yesno'
  | 'fiscal_year' | 'fiscal_quarter' | 'fiscal_quarter_of_year' | 'fiscal_month_num';

export type WeekDay = 'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday' | 'sunday';

/** What a `dimension_group`'s column holds (`datatype:`). */
export type TimeDatatype = 'timestamp' | 'datetime' | 'date' | 'epoch' | 'yyyymmdd';

export interface TimeframeOptions {
  /** Model `week_start_day`, default monday. Affects week, day_of_week_index. */
  readonly weekStartDay: WeekDay;
  /** Model `fiscal_month_offset` (0–11), default 0. */
  readonly fiscalMonthOffset: number;
}

/** Looker's SQL type families, used for casts and literals. */
export type SqlType = 'string' | 'number' | 'boolean' | 'date' | 'timestamp';

export interface Dialect {
  /** Registry key, also Looker's `dialect_name` (e.g. `duckdb`, `postgres`, `bigquery_standard_sql`). */
  readonly name: string;
  /** Human label for `dialect_info`. */
  readonly label: string;

  // ---- capabilities (conservative defaults in base) ----
  readonly supportsSymmetricAggregates: boolean;
  readonly supportsFullOuterJoin: boolean;
  readonly supportsPercentile: boolean;
  /** True when the database can compare timestamps with time zone names (`convertTz` is not a no-op). */
  readonly supportsTimezones: boolean;

  // ---- names and literals ----
  /** Quote an identifier (table, column or alias). Always quotes; escapes the quote char. */
  quoteIdentifier(name: string): string;
  /**
   * A string literal that is safe for any input (quotes, backslashes, newlines, unicode).
   * Values no database text can carry faithfully — NUL, unpaired UTF-16 surrogates — throw
   * `SqlLiteralError` (literals.ts); `quoteIdentifier` does the same.
   */
  stringLiteral(value: string): string;
  /** A numeric literal; the caller guarantees `value` is a finite decimal string like `-12.5`. */
  numberLiteral(value: string): string;
  booleanLiteral(value: boolean): string;
  /** `YYYY-MM-DD` → a DATE literal. */
  dateLiteral(ymd: string): string;
  /** `YYYY-MM-DD HH:MM:SS[.ffffff]` → a zone-less TIMESTAMP literal. */
  timestampLiteral(local: string): string;
  /** A cast to one of Looker's type families. */
  cast(expr: string, to: SqlType): string;

  // ---- time ----
  /** Turn a `datatype:` column into a zone-less timestamp expression. */
  toTimestamp(expr: string, datatype: TimeDatatype): string;
  /** Convert a zone-less timestamp from `fromTz` to `toTz` (IANA names). Returns `expr` when equal. */
  convertTz(expr: string, fromTz: string, toTz: string): string;
  /** The current local timestamp in `tz`. */
  now(tz: string): string;
  /** Truncate a local timestamp to `unit` (weeks start on `weekStart`). Result is a timestamp. */
  truncate(expr: string, unit: TimeUnit, weekStart: WeekDay): string;
  /** `expr + n unit` (n an integer, may be negative). Result is a timestamp. Trino cannot add microseconds (throws). */
  addInterval(expr: string, unit: TimeUnit, n: number): string;
  /**
   * The SELECT expression of one timeframe, values as Looker returns them. `date` and `week`
   * are DATE values (drivers render `YYYY-MM-DD`); the other shapes are listed on
   * `timeframeSql` in timeframes.ts.
   */
  timeframe(expr: string, timeframe: Timeframe, opts: TimeframeOptions): string;
  /**
   * Whole `unit`s elapsed from start to end, truncated toward zero (negative when end is
   * earlier), as Looker's `type: duration` floors them. Months/quarters/years are calendar months.
   */
  durationBetween(start: string, end: string, unit: TimeUnit): string;

  // ---- aggregates ----
  /** Exact or approximate percentile (0 < fraction < 1) of a numeric expression. */
  percentile(expr: string, fraction: number): string;
  /** Comma-joined list of distinct values (`type: list`). */
  listAgg(expr: string): string;
  /**
   * Looker's symmetric-aggregate SUM: correct even when the join repeats rows of the
   * measure's view. `key` identifies a row of that view (its primary key or `sql_distinct_key`).
   */
  symmetricSum(value: string, key: string): string;

  // ---- scalar functions (Looker expressions) ----
  /** `expr` rounded to `digits` decimal places (an integer, may be negative). */
  round(expr: string, digits: number): string;
  /** Base-10 logarithm. */
  log10(expr: string): string;

  // ---- predicates ----
  /**
   * `expr LIKE pattern` where `pattern` uses `%`/`_` as wildcards and `\` to escape
   * a literal `%`, `_` or `\`. The dialect emits its own ESCAPE spelling.
   */
  like(expr: string, pattern: string, caseInsensitive: boolean): string;

  // ---- statement ----
  /** Text appended after ORDER BY; `null` limit means none. */
  limitClause(limit: number | null): string;
}
