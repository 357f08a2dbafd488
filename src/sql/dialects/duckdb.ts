/**
 * DuckDB. Plain string literals never treat backslash specially. Time-zone functions
 * come from the ICU extension, which the Node package loads built in.
 */
import type { Dialect } from './dialect.ts';
import { baseDialect, baseTimeParts, formatString, intervalTruncate, makeLike, timeMethods } from './base.ts';
import { checkedFraction, standardStringLiteral } from './literals.ts';
import type { DatePart, TimeParts } from './timeframes.ts';

const STRFTIME = { YYYY: '%Y', MM: '%m', DD: '%d', HH: '%H', MI: '%M', SS: '%S', 'SS.FFF': '%S.%g', 'SS.FFFFFF': '%S.%f' } as const;

const PART_FN: Readonly<Record<Exclude<DatePart, 'millisecond'>, string>> = {
  year: 'year', quarter: 'quarter', month: 'month', day: 'day', dayofyear: 'dayofyear',
  isodow: 'isodow', isoweek: 'week', hour: 'hour', minute: 'minute',
};

export const duckdbTimeParts: TimeParts = {
  ...baseTimeParts,
  format: (x, tokens) => `strftime(${x}, '${formatString(tokens, STRFTIME)}')`,
  // millisecond() counts from the start of the minute.
  extract: (x, part) => (part === 'millisecond' ? `MOD(millisecond(${x}), 1000)` : `${PART_FN[part]}(${x})`),
  truncate: (x, unit, weekStart) => intervalTruncate(x, unit, weekStart, (e, u) => `date_trunc('${u}', ${e})`, baseTimeParts.addUnits),
  dayName: (x) => `dayname(${x})`,
  monthName: (x) => `monthname(${x})`,
  diffMicros: (s, e) => `(epoch_us(${e}) - epoch_us(${s}))`,
  // `//` on integers truncates toward zero and stays exact (no detour through DOUBLE).
  divTrunc: (a, b) => `((${a}) // ${b})`,
};

const lit = standardStringLiteral;

export const duckdbDialect: Dialect = {
  ...baseDialect,
  name: 'duckdb',
  label: 'DuckDB',
  supportsSymmetricAggregates: true,
  supportsFullOuterJoin: true,
  supportsPercentile: true,
  supportsTimezones: true,

  cast: (x, to) => (to === 'number' ? `CAST(${x} AS DOUBLE)` : baseDialect.cast(x, to)),
  toTimestamp: (x, datatype) => {
    switch (datatype) {
      case 'epoch': return `make_timestamp(CAST(ROUND(CAST(${x} AS DOUBLE) * 1000000) AS BIGINT))`;
      case 'yyyymmdd': return `CAST(strptime(CAST(${x} AS VARCHAR), '%Y%m%d') AS TIMESTAMP)`;
      default: return `CAST(${x} AS TIMESTAMP)`;
    }
  },
  // timezone(zone, TIMESTAMP) reads local wall time in zone → TIMESTAMPTZ; timezone(zone, TIMESTAMPTZ) → wall time in zone.
  convertTz: (x, fromTz, toTz) => (fromTz === toTz ? x : `timezone(${lit(toTz)}, timezone(${lit(fromTz)}, ${x}))`),
  now: (tz) => `timezone(${lit(tz)}, current_timestamp)`,
  ...timeMethods(duckdbTimeParts),

  percentile: (x, f) => `quantile_cont(${x}, ${checkedFraction(f)})`,
  listAgg: (x) => `string_agg(DISTINCT CAST(${x} AS VARCHAR), ', ' ORDER BY CAST(${x} AS VARCHAR))`,
  /**
   * 64-bit MD5 key hash in HUGEINT: 100k rows × (2^64 + scaled value) stays far below
   * HUGEINT's 1.7e38; the difference is exact, then scaled back at DECIMAL(38,6).
   */
  symmetricSum: (value, key) => {
    const h = `CAST(md5_number_lower(CAST(${key} AS VARCHAR)) AS HUGEINT)`;
    const scaled = `CAST(ROUND(COALESCE(${value}, 0) * 1000000) AS HUGEINT)`;
    return `COALESCE(CAST(SUM(DISTINCT ${scaled} + ${h}) - SUM(DISTINCT ${h}) AS DECIMAL(38,0)) * 0.000001, 0)`;
  },
  like: makeLike(lit, 'ilike'),
};
