/**
 * BigQuery Standard SQL (Looker `bigquery_standard_sql`). Zone-less timestamps are
 * DATETIME values; TIMESTAMP columns become DATETIME in UTC (BigQuery's storage zone).
 * String literals and quoted identifiers both process backslash escapes.
 */
import type { Dialect, SqlType, TimeUnit, WeekDay } from './dialect.ts';
import { baseDialect, formatString, makeLike, timeMethods } from './base.ts';
import { assertRepresentable, checkedDate, checkedFraction, checkedTimestamp, SqlLiteralError } from './literals.ts';
import type { DatePart, TimeParts } from './timeframes.ts';

/** Escapes shared by BigQuery string literals and quoted identifiers. */
function bqEscape(value: string, quote: "'" | '`'): string {
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\' || ch === quote) out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    // Raw control characters are not allowed inside quoted literals.
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out;
}

export function bigqueryStringLiteral(value: string): string {
  assertRepresentable(value, 'String literal');
  return `'${bqEscape(value, "'")}'`;
}

export function bigqueryQuoteIdentifier(name: string): string {
  assertRepresentable(name, 'Identifier');
  if (name === '') throw new SqlLiteralError('Identifier is empty');
  return `\`${bqEscape(name, '`')}\``;
}

const FORMAT = { YYYY: '%Y', MM: '%m', DD: '%d', HH: '%H', MI: '%M', SS: '%S', 'SS.FFF': '%E3S', 'SS.FFFFFF': '%E6S' } as const;

const PART: Readonly<Record<Exclude<DatePart, 'isodow'>, string>> = {
  year: 'YEAR', quarter: 'QUARTER', month: 'MONTH', day: 'DAY', dayofyear: 'DAYOFYEAR',
  isoweek: 'ISOWEEK', hour: 'HOUR', minute: 'MINUTE', millisecond: 'MILLISECOND',
};

function truncPart(unit: TimeUnit, weekStart: WeekDay): string {
  return unit === 'week' ? `WEEK(${weekStart.toUpperCase()})` : unit.toUpperCase();
}

export const bigqueryTimeParts: TimeParts = {
  format: (x, tokens) => `FORMAT_DATETIME('${formatString(tokens, FORMAT)}', ${x})`,
  // DAYOFWEEK is 1 = Sunday … 7 = Saturday; shift to ISO (Monday = 1 … Sunday = 7).
  extract: (x, part) => (part === 'isodow' ? `(MOD(EXTRACT(DAYOFWEEK FROM ${x}) + 5, 7) + 1)` : `EXTRACT(${PART[part]} FROM ${x})`),
  truncate: (x, unit, weekStart) => `DATETIME_TRUNC(${x}, ${truncPart(unit, weekStart)})`,
  addUnits: (x, unit, count) =>
    `DATETIME_ADD(${x}, INTERVAL ${/^-?\d+$/.test(count) ? count : `(${count})`} ${unit.toUpperCase()})`,
  toDate: (x) => `DATE(${x})`,
  dayName: (x) => `FORMAT_DATETIME('%A', ${x})`,
  monthName: (x) => `FORMAT_DATETIME('%B', ${x})`,
  intToText: (x) => `CAST(${x} AS STRING)`,
  concat: (parts) => `CONCAT(${parts.join(', ')})`,
  mod: (a, b) => `MOD(${a}, ${b})`,
  diffMicros: (s, e) => `DATETIME_DIFF(${e}, ${s}, MICROSECOND)`,
  // DIV rounds toward zero.
  divTrunc: (a, b) => `DIV(${a}, ${b})`,
};

const CAST: Readonly<Record<SqlType, string>> = {
  string: 'STRING', number: 'FLOAT64', boolean: 'BOOL', date: 'DATE', timestamp: 'DATETIME',
};

const lit = bigqueryStringLiteral;

export const bigqueryDialect: Dialect = {
  ...baseDialect,
  name: 'bigquery_standard_sql',
  label: 'Google BigQuery Standard SQL',
  supportsSymmetricAggregates: true,
  supportsFullOuterJoin: true,
  supportsPercentile: true,
  supportsTimezones: true,

  quoteIdentifier: bigqueryQuoteIdentifier,
  stringLiteral: lit,
  dateLiteral: (ymd) => `DATE '${checkedDate(ymd)}'`,
  timestampLiteral: (local) => `DATETIME '${checkedTimestamp(local)}'`,
  cast: (x, to) => `CAST(${x} AS ${CAST[to]})`,

  toTimestamp: (x, datatype) => {
    switch (datatype) {
      case 'epoch': return `DATETIME(TIMESTAMP_MICROS(CAST(ROUND(${x} * 1000000) AS INT64)))`;
      case 'yyyymmdd': return `CAST(PARSE_DATE('%Y%m%d', CAST(${x} AS STRING)) AS DATETIME)`;
      default: return `CAST(${x} AS DATETIME)`;
    }
  },
  convertTz: (x, fromTz, toTz) => (fromTz === toTz ? x : `DATETIME(TIMESTAMP(${x}, ${lit(fromTz)}), ${lit(toTz)})`),
  now: (tz) => `CURRENT_DATETIME(${lit(tz)})`,
  ...timeMethods(bigqueryTimeParts),

  // Looker's BigQuery spelling: 1000 approximate quantiles, pick the nearest.
  percentile: (x, f) => `APPROX_QUANTILES(${x}, 1000)[OFFSET(${Math.round(Number(checkedFraction(f)) * 1000)})]`,
  listAgg: (x) => `STRING_AGG(DISTINCT CAST(${x} AS STRING), ', ' ORDER BY CAST(${x} AS STRING))`,
  /**
   * FARM_FINGERPRINT gives a signed 64-bit key hash; NUMERIC (29 integer digits) holds
   * 1e5 rows × 9.2e18 with room to spare. Casting the value to NUMERIC first rounds
   * FLOAT64 inputs to 9 decimals, so 6-decimal values scale to exact integers.
   */
  symmetricSum: (value, key) => {
    const h = `CAST(FARM_FINGERPRINT(CAST(${key} AS STRING)) AS NUMERIC)`;
    const scaled = `ROUND(CAST(COALESCE(${value}, 0) AS NUMERIC) * 1000000)`;
    return `COALESCE((SUM(DISTINCT ${scaled} + ${h}) - SUM(DISTINCT ${h})) / 1000000, 0)`;
  },
  // BigQuery LIKE always treats backslash as the escape and has no ESCAPE clause.
  like: makeLike(lit, 'lower', false),
};
