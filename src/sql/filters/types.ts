/**
 * The parsed form of a Looker filter expression: a small tagged tree of plain data.
 *
 * The parser already applies Looker's combination rule (positive terms OR-ed together,
 * negated terms AND-ed onto that), so `filterToSql` only renders what it is given.
 * Date terms are normalised to half-open ranges whose bounds say how to compute them,
 * which keeps every relative/absolute date form on one SQL path.
 */
import type { TimeUnit, WeekDay } from '../dialects/dialect.ts';

/** A point in local time (the query time zone), computed in SQL. */
export type DateMoment =
  | {
      readonly type: 'now';
      /** Truncate "now" to this unit first (`week` uses `weekStart`, else the model's week start). */
      readonly truncate: { readonly unit: TimeUnit; readonly weekStart?: WeekDay } | null;
      /** Then add these intervals, in order (n may be negative). */
      readonly shifts: readonly DateShift[];
    }
  | {
      readonly type: 'absolute';
      /** `YYYY-MM-DD HH:MM:SS`, already validated and shifted (no SQL date math needed). */
      readonly local: string;
    };

export interface DateShift {
  readonly unit: TimeUnit;
  readonly n: number;
}

export type StringOp = 'equals' | 'contains' | 'starts_with' | 'ends_with';

export type FilterNode =
  /** Matches every row (the empty expression). */
  | { readonly type: 'all' }
  | { readonly type: 'and'; readonly children: readonly FilterNode[] }
  | { readonly type: 'or'; readonly children: readonly FilterNode[] }
  /**
   * Negation. `orNull` also keeps rows where the field is NULL — Looker's "is not FOO"
   * includes NULLs, while "is not null"/"is not empty" do not.
   */
  | { readonly type: 'not'; readonly child: FilterNode; readonly orNull: boolean }
  | { readonly type: 'null' }
  /** String is NULL or has zero characters (`EMPTY`). */
  | { readonly type: 'empty' }
  /** Literal string comparison; `equals` with several values is an IN list. */
  | { readonly type: 'string'; readonly op: 'equals'; readonly values: readonly string[] }
  | { readonly type: 'string'; readonly op: Exclude<StringOp, 'equals'>; readonly value: string }
  /** A LIKE pattern: `%`/`_` are wildcards, `\` escapes a literal `%`, `_` or `\`. */
  | { readonly type: 'like'; readonly pattern: string }
  /** Numbers are finite decimal strings (`-12.5`, `0.001`), never exponent or NaN forms. */
  | { readonly type: 'number_equals'; readonly values: readonly string[] }
  | { readonly type: 'number_compare'; readonly op: '>' | '>=' | '<' | '<='; readonly value: string }
  | {
      readonly type: 'number_between';
      readonly low: string;
      readonly high: string;
      readonly lowInclusive: boolean;
      readonly highInclusive: boolean;
    }
  /** `start <= field < end`; a missing bound is open. */
  | { readonly type: 'date_range'; readonly start: DateMoment | null; readonly end: DateMoment | null }
  /** yesno fields: the field SQL is a boolean condition; `no` also matches NULL (Looker shows it as No). */
  | { readonly type: 'yesno'; readonly value: boolean };

export type FilterParseResult =
  | { readonly ok: true; readonly node: FilterNode }
  | { readonly ok: false; readonly message: string };
