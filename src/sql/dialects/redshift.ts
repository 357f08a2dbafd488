/**
 * Amazon Redshift. PostgreSQL-like, but string literals treat backslash as an escape
 * (so it is doubled), DECIMAL stops at 38 digits (the key hash is 60 bits, not 128),
 * there is no ISODOW, and intervals are added with DATEADD.
 */
import type { Dialect } from './dialect.ts';
import { baseDialect, baseTimeParts, intervalTruncate, makeLike, timeMethods } from './base.ts';
import { backslashStringLiteral } from './literals.ts';
import { pgSymmetricSum } from './postgres.ts';
import { dayNameCase, monthNameCase } from './timeframes.ts';
import type { TimeParts } from './timeframes.ts';

const addUnits: TimeParts['addUnits'] = (x, unit, count) => `DATEADD(${unit}, ${count}, ${x})`;

// EXTRACT(DOW) is 0 = Sunday … 6 = Saturday; shift to ISO (Monday = 1 … Sunday = 7).
const extract: TimeParts['extract'] = (x, part) =>
  part === 'isodow' ? `(MOD(CAST(EXTRACT(DOW FROM ${x}) AS INTEGER) + 6, 7) + 1)` : baseTimeParts.extract(x, part);

export const redshiftTimeParts: TimeParts = {
  ...baseTimeParts,
  extract,
  dayName: (x) => dayNameCase(extract(x, 'isodow')),
  monthName: (x) => monthNameCase(extract(x, 'month')),
  truncate: (x, unit, weekStart) => intervalTruncate(x, unit, weekStart, (e, u) => `DATE_TRUNC('${u}', ${e})`, addUnits),
  addUnits,
  diffMicros: (s, e) => `DATEDIFF(microsecond, ${s}, ${e})`,
  // BIGINT division truncates toward zero.
  divTrunc: (a, b) => `((${a}) / ${b})`,
};

const lit = backslashStringLiteral;

/** First 15 hex digits of MD5 (60 bits): 1e5 rows × 1.15e18 fits DECIMAL(38,0). */
const redshiftKeyHash = (key: string): string => `CAST(STRTOL(LEFT(MD5(CAST(${key} AS VARCHAR)), 15), 16) AS DECIMAL(38,0))`;

export const redshiftDialect: Dialect = {
  ...baseDialect,
  name: 'redshift',
  label: 'Amazon Redshift',
  supportsSymmetricAggregates: true,
  supportsFullOuterJoin: true,
  supportsPercentile: true,
  supportsTimezones: true,

  stringLiteral: lit,
  toTimestamp: (x, datatype) =>
    datatype === 'yyyymmdd' ? `CAST(TO_DATE(CAST(${x} AS VARCHAR), 'YYYYMMDD') AS TIMESTAMP)` : baseDialect.toTimestamp(x, datatype),
  convertTz: (x, fromTz, toTz) => (fromTz === toTz ? x : `CONVERT_TIMEZONE(${lit(fromTz)}, ${lit(toTz)}, ${x})`),
  // GETDATE() is the current UTC time without zone.
  now: (tz) => `CONVERT_TIMEZONE('UTC', ${lit(tz)}, GETDATE())`,
  ...timeMethods(redshiftTimeParts),

  symmetricSum: (value, key) => pgSymmetricSum(value, key, redshiftKeyHash, 38),
  // Redshift's LOG is base 10 (there is no LOG10).
  log10: (x) => `LOG(${x})`,
  like: makeLike(lit, 'ilike'),
};
