/**
 * Trino (and Starburst). Zone-less timestamps are `timestamp(6)`. Display formats are
 * substrings of the timestamp's canonical text (`YYYY-MM-DD HH:MM:SS.ffffff`), which
 * keeps microseconds (format_datetime stops at milliseconds) and truncates rather than
 * rounds. Trino has no microsecond interval arithmetic.
 */
import type { Dialect, SqlType, TimeUnit } from './dialect.ts';
import { baseDialect, intervalTruncate, makeLike, timeMethods } from './base.ts';
import { checkedFraction, SqlLiteralError, standardStringLiteral } from './literals.ts';
import { dayNameCase, durationSql, monthNameCase } from './timeframes.ts';
import type { DatePart, FormatToken, TimeParts } from './timeframes.ts';

/** 1-based position and length of each token in `YYYY-MM-DD HH:MM:SS.ffffff`. */
const POS: Readonly<Record<FormatToken, readonly [number, number]>> = {
  YYYY: [1, 4], MM: [6, 2], DD: [9, 2], HH: [12, 2], MI: [15, 2], SS: [18, 2],
  'SS.FFF': [18, 6], 'SS.FFFFFF': [18, 9], '-': [0, 1], ':': [0, 1], ' ': [0, 1],
};

/** The patterns are contiguous runs of the canonical text, so one substr covers them. */
function canonicalSlice(x: string, tokens: readonly FormatToken[]): string {
  const first = tokens[0];
  if (first === undefined) throw new Error('empty format');
  const start = POS[first][0];
  const length = tokens.reduce((n, t) => n + POS[t][1], 0);
  return `substr(CAST(CAST(${x} AS TIMESTAMP(6)) AS VARCHAR), ${start}, ${length})`;
}

const PART_FN: Readonly<Record<DatePart, string>> = {
  year: 'year', quarter: 'quarter', month: 'month', day: 'day', dayofyear: 'day_of_year',
  isodow: 'day_of_week', isoweek: 'week', hour: 'hour', minute: 'minute', millisecond: 'millisecond',
};

const addUnits: TimeParts['addUnits'] = (x, unit, count) => {
  if (unit === 'microsecond') throw new SqlLiteralError('Trino cannot add microseconds to a timestamp');
  return `date_add('${unit}', ${count}, ${x})`;
};

const trunc = (x: string, unit: TimeUnit): string => (unit === 'microsecond' ? x : `date_trunc('${unit}', ${x})`);

export const trinoTimeParts: TimeParts = {
  format: canonicalSlice,
  extract: (x, part) => `${PART_FN[part]}(${x})`,
  truncate: (x, unit, weekStart) => intervalTruncate(x, unit, weekStart, trunc, addUnits),
  addUnits,
  toDate: (x) => `CAST(${x} AS DATE)`,
  // Names spelled out: format_datetime's names follow the server's JVM locale.
  dayName: (x) => dayNameCase(`day_of_week(${x})`),
  monthName: (x) => monthNameCase(`month(${x})`),
  intToText: (x) => `CAST(${x} AS VARCHAR)`,
  concat: (parts) => `(${parts.join(' || ')})`,
  mod: (a, b) => `mod(${a}, ${b})`,
  // Millisecond precision: date_diff has no microsecond unit.
  diffMicros: (s, e) => `(date_diff('millisecond', ${s}, ${e}) * 1000)`,
  divTrunc: (a, b) => `((${a}) / ${b})`,
};

const CAST: Readonly<Record<SqlType, string>> = {
  string: 'VARCHAR', number: 'DOUBLE', boolean: 'BOOLEAN', date: 'DATE', timestamp: 'TIMESTAMP(6)',
};

const lit = standardStringLiteral;
const time = timeMethods(trinoTimeParts);

export const trinoDialect: Dialect = {
  ...baseDialect,
  name: 'trino',
  label: 'Trino',
  supportsSymmetricAggregates: true,
  supportsFullOuterJoin: true,
  supportsPercentile: true,
  supportsTimezones: true,

  cast: (x, to) => `CAST(${x} AS ${CAST[to]})`,
  toTimestamp: (x, datatype) => {
    switch (datatype) {
      case 'epoch': return `CAST(from_unixtime(${x}, 'UTC') AS TIMESTAMP(6))`;
      case 'yyyymmdd': return `CAST(date_parse(CAST(${x} AS VARCHAR), '%Y%m%d') AS TIMESTAMP(6))`;
      default: return `CAST(${x} AS TIMESTAMP(6))`;
    }
  },
  convertTz: (x, fromTz, toTz) =>
    fromTz === toTz ? x : `CAST(with_timezone(${x}, ${lit(fromTz)}) AT TIME ZONE ${lit(toTz)} AS TIMESTAMP(6))`,
  now: (tz) => `CAST(current_timestamp AT TIME ZONE ${lit(tz)} AS TIMESTAMP(6))`,
  ...time,
  // date_diff counts whole elapsed units (toward zero), calendar-aware for months and years.
  durationBetween: (s, e, unit) =>
    unit === 'microsecond' ? durationSql(trinoTimeParts, s, e, unit) : `date_diff('${unit}', ${s}, ${e})`,

  percentile: (x, f) => `approx_percentile(${x}, ${checkedFraction(f)})`,
  listAgg: (x) =>
    `array_join(array_sort(array_distinct(array_agg(CAST(${x} AS VARCHAR)) FILTER (WHERE ${x} IS NOT NULL))), ', ')`,
  /**
   * xxhash64 of the key as a signed 64-bit integer; DECIMAL(38,0) holds 1e5 rows × 9.2e18.
   * Values go through DECIMAL(38,6) so DOUBLE inputs scale to exact integers.
   */
  symmetricSum: (value, key) => {
    const h = `CAST(from_big_endian_64(xxhash64(to_utf8(CAST(${key} AS VARCHAR)))) AS DECIMAL(38,0))`;
    const scaled = `CAST(ROUND(CAST(COALESCE(${value}, 0) AS DECIMAL(38,6)) * 1000000) AS DECIMAL(38,0))`;
    return `COALESCE(CAST(SUM(DISTINCT ${scaled} + ${h}) - SUM(DISTINCT ${h}) AS DECIMAL(38,0)) * DECIMAL '0.000001', 0)`;
  },
  like: makeLike(lit, 'lower'),
};
