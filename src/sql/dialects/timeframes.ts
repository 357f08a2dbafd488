/**
 * Timeframe and duration SQL built from a handful of per-dialect primitives, so every
 * dialect produces the same value shapes (see `timeframeSql`) with its own spelling.
 */
import type { Timeframe, TimeframeOptions, TimeUnit, WeekDay } from './dialect.ts';
import { FIXED_UNIT_MICROS, isoDayNumber } from './literals.ts';

/** Pieces of a display format; each dialect maps them to its own format-string syntax. */
export type FormatToken =
  | 'YYYY' | 'MM' | 'DD' | 'HH' | 'MI' | 'SS'
  /** Seconds with 3 fractional digits (`05.123`). */
  | 'SS.FFF'
  /** Seconds with 6 fractional digits (`05.123456`). */
  | 'SS.FFFFFF'
  | '-' | ':' | ' ';

/** Units `addUnits` takes (quarter and week are expressed in months and days). */
export type AddUnit = 'microsecond' | 'millisecond' | 'second' | 'minute' | 'hour' | 'day' | 'month';

/** Integer date parts. `millisecond` is 0–999 within the second; `isodow` Monday=1…Sunday=7; `isoweek` ISO 8601 week. */
export type DatePart =
  | 'year' | 'quarter' | 'month' | 'day' | 'dayofyear' | 'isodow' | 'isoweek'
  | 'hour' | 'minute' | 'millisecond';

/** What a dialect supplies so `timeframeSql`/`durationSql` can assemble the rest. */
export interface TimeParts {
  /** Format a timestamp as text; `tokens` come from the patterns below. */
  readonly format: (expr: string, tokens: readonly FormatToken[]) => string;
  /** An integer date part. */
  readonly extract: (expr: string, part: DatePart) => string;
  readonly truncate: (expr: string, unit: TimeUnit, weekStart: WeekDay) => string;
  /** `expr + count unit` where `count` is an integer SQL expression (may be negative). */
  readonly addUnits: (expr: string, unit: AddUnit, count: string) => string;
  /** A DATE value of the timestamp. */
  readonly toDate: (expr: string) => string;
  /** English day name, `Monday`. */
  readonly dayName: (expr: string) => string;
  /** English month name, `January`. */
  readonly monthName: (expr: string) => string;
  /** Integer → text. */
  readonly intToText: (expr: string) => string;
  readonly concat: (parts: readonly string[]) => string;
  readonly mod: (a: string, b: string) => string;
  /** Exact microseconds from `start` to `end` (negative when end is earlier). */
  readonly diffMicros: (start: string, end: string) => string;
  /** `a / b` truncated toward zero as an integer; `b` is a positive integer literal. */
  readonly divTrunc: (a: string, b: string) => string;
}

const P = {
  time: ['YYYY', '-', 'MM', '-', 'DD', ' ', 'HH', ':', 'MI', ':', 'SS'],
  hour: ['YYYY', '-', 'MM', '-', 'DD', ' ', 'HH'],
  minute: ['YYYY', '-', 'MM', '-', 'DD', ' ', 'HH', ':', 'MI'],
  millisecond: ['YYYY', '-', 'MM', '-', 'DD', ' ', 'HH', ':', 'MI', ':', 'SS.FFF'],
  microsecond: ['YYYY', '-', 'MM', '-', 'DD', ' ', 'HH', ':', 'MI', ':', 'SS.FFFFFF'],
  month: ['YYYY', '-', 'MM'],
  year: ['YYYY'],
  timeOfDay: ['HH', ':', 'MI'],
} as const satisfies Record<string, readonly FormatToken[]>;

export const FORMAT_PATTERNS = P;

/** `CASE <isodow> WHEN 1 THEN 'Monday' … END` for dialects without a full-name format. */
export function dayNameCase(isodow: string): string {
  const names = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
  return `CASE ${isodow} ${names.map((n, i) => `WHEN ${i + 1} THEN '${n}'`).join(' ')} END`;
}

export function monthNameCase(month: string): string {
  const names = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  return `CASE ${month} ${names.map((n, i) => `WHEN ${i + 1} THEN '${n}'`).join(' ')} END`;
}

function bucketSize(tf: string, prefix: string): number | null {
  if (!tf.startsWith(prefix)) return null;
  const rest = tf.slice(prefix.length);
  return /^\d+$/.test(rest) ? Number(rest) : null;
}

/**
 * Value shapes (Looker's, see lookml-semantics.md §1.2):
 * raw = as is; `date`, `week` = DATE values (drivers render `YYYY-MM-DD`, and they sort and
 * filter as dates); time/second `YYYY-MM-DD HH:MM:SS`; month `YYYY-MM`; quarter `YYYY-Qn`;
 * hour[N] `YYYY-MM-DD HH`; minute[N] `YYYY-MM-DD HH:MM`; millisecond[N] `… HH:MM:SS.fff`;
 * microsecond `… HH:MM:SS.ffffff`; time_of_day `HH:MM`; day_of_week `Monday`;
 * quarter_of_year and fiscal_quarter_of_year `Qn`; yesno `Yes`/`No`; the rest integers.
 * N-buckets are floored within the next larger unit (hour6 → 00, 06, 12, 18).
 * Fiscal: Looker's docs say offset 1 starts the fiscal year in February and offset -3
 * starts FY2018 in October 2017, i.e. a fiscal year is named after the calendar year of
 * `timestamp - offset months`; every fiscal timeframe is computed on that shifted value.
 */
export function timeframeSql(t: TimeParts, x: string, tf: Timeframe, opts: TimeframeOptions): string {
  const hourN = bucketSize(tf, 'hour');
  if (hourN !== null) {
    const start = t.addUnits(t.truncate(x, 'hour', opts.weekStartDay), 'hour', `-${t.mod(t.extract(x, 'hour'), String(hourN))}`);
    return t.format(start, P.hour);
  }
  const minuteN = bucketSize(tf, 'minute');
  if (minuteN !== null) {
    const start = t.addUnits(t.truncate(x, 'minute', opts.weekStartDay), 'minute', `-${t.mod(t.extract(x, 'minute'), String(minuteN))}`);
    return t.format(start, P.minute);
  }
  const msN = bucketSize(tf, 'millisecond');
  if (msN !== null) {
    const start = t.addUnits(t.truncate(x, 'millisecond', opts.weekStartDay), 'millisecond', `-${t.mod(t.extract(x, 'millisecond'), String(msN))}`);
    return t.format(start, P.millisecond);
  }
  const quarterText = (e: string): string => t.concat([t.intToText(t.extract(e, 'year')), "'-Q'", t.intToText(t.extract(e, 'quarter'))]);
  const fiscal = (): string => (opts.fiscalMonthOffset === 0 ? x : t.addUnits(x, 'month', String(-opts.fiscalMonthOffset)));
  switch (tf) {
    case 'raw': return x;
    case 'time':
    case 'second': return t.format(x, P.time);
    case 'date': return t.toDate(x);
    case 'week': return t.toDate(t.truncate(x, 'week', opts.weekStartDay));
    case 'month': return t.format(x, P.month);
    case 'quarter': return quarterText(x);
    case 'year': return t.extract(x, 'year');
    case 'hour': return t.format(x, P.hour);
    case 'minute': return t.format(x, P.minute);
    case 'millisecond': return t.format(x, P.millisecond);
    case 'microsecond': return t.format(x, P.microsecond);
    case 'time_of_day': return t.format(x, P.timeOfDay);
    case 'day_of_week': return t.dayName(x);
    case 'day_of_week_index': {
      // ISO day + (7 - start) makes the start day ≡ 0 (mod 7).
      const shift = 7 - isoDayNumber(opts.weekStartDay);
      return t.mod(shift === 0 ? t.extract(x, 'isodow') : `${t.extract(x, 'isodow')} + ${shift}`, '7');
    }
    case 'day_of_month': return t.extract(x, 'day');
    case 'day_of_year': return t.extract(x, 'dayofyear');
    case 'week_of_year': return t.extract(x, 'isoweek');
    case 'month_name': return t.monthName(x);
    case 'month_num': return t.extract(x, 'month');
    case 'quarter_of_year': return t.concat(["'Q'", t.intToText(t.extract(x, 'quarter'))]);
    case 'hour_of_day': return t.extract(x, 'hour');
    case 'minute_of_hour': return t.extract(x, 'minute');
    case 'yesno': return `CASE WHEN ${x} IS NOT NULL THEN 'Yes' ELSE 'No' END`;
    case 'fiscal_year': return t.extract(fiscal(), 'year');
    case 'fiscal_quarter': return quarterText(fiscal());
    case 'fiscal_quarter_of_year': return t.concat(["'Q'", t.intToText(t.extract(fiscal(), 'quarter'))]);
    case 'fiscal_month_num': return t.extract(fiscal(), 'month');
    default: throw new Error(`Unknown timeframe: ${tf as string}`);
  }
}

/**
 * Whole `unit`s elapsed from start to end, truncated toward zero (negative when end is
 * earlier). Fixed-length units divide the exact elapsed microseconds; months, quarters
 * and years count calendar months, minus one when the last month is incomplete
 * (Jan 31 → Feb 29 is one month, as the database's month addition clamps).
 */
export function durationSql(t: TimeParts, start: string, end: string, unit: TimeUnit): string {
  const micros = FIXED_UNIT_MICROS[unit];
  if (micros !== undefined) {
    return t.divTrunc(t.diffMicros(start, end), String(micros));
  }
  const months = monthsSql(t, start, end);
  if (unit === 'month') return months;
  return t.divTrunc(months, unit === 'quarter' ? '3' : '12');
}

function monthsSql(t: TimeParts, s: string, e: string): string {
  const raw = `((${t.extract(e, 'year')} - ${t.extract(s, 'year')}) * 12 + (${t.extract(e, 'month')} - ${t.extract(s, 'month')}))`;
  const shifted = t.addUnits(s, 'month', raw);
  return `(${raw} - CASE WHEN ${e} >= ${s} AND ${shifted} > ${e} THEN 1 WHEN ${e} < ${s} AND ${shifted} < ${e} THEN -1 ELSE 0 END)`;
}
