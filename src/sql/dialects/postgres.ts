/**
 * PostgreSQL (Looker `postgres`). Literals do not depend on `standard_conforming_strings`:
 * a value containing a backslash is written as an `E'…'` string with the backslash doubled.
 */
import type { Dialect } from './dialect.ts';
import { baseDialect, baseTimeParts, baseToTimestamp, makeLike, timeMethods } from './base.ts';
import { assertRepresentable, standardStringLiteral } from './literals.ts';
import type { TimeParts } from './timeframes.ts';

export function postgresStringLiteral(value: string): string {
  if (!value.includes('\\')) return standardStringLiteral(value);
  assertRepresentable(value, 'String literal');
  return `E'${value.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

export const postgresTimeParts: TimeParts = {
  ...baseTimeParts,
  dayName: (x) => `TO_CHAR(${x}, 'FMDay')`,
  monthName: (x) => `TO_CHAR(${x}, 'FMMonth')`,
};

/**
 * Looker's 128-bit MD5 key hash (lookml-semantics.md §2.3): high and low 64 bits of
 * MD5(key) as signed bigints combined in DECIMAL(65,0), so 100k+ rows cannot overflow.
 */
function pgKeyHash(key: string): string {
  const md5 = `MD5(CAST(${key} AS VARCHAR))`;
  const hi = `CAST(CAST(CAST(('x' || ${md5}) AS BIT(64)) AS BIGINT) AS DECIMAL(65,0))`;
  const lo = `CAST(CAST(CAST(('x' || SUBSTR(${md5}, 17)) AS BIT(64)) AS BIGINT) AS DECIMAL(65,0))`;
  return `(${hi} * 18446744073709551616 + ${lo})`;
}

/**
 * Scaling by 1e6 with ROUND (Looker uses FLOOR) keeps float inputs exact to 6 decimals;
 * multiplying by 0.000001 instead of dividing keeps the NUMERIC result at scale 6.
 */
export function pgSymmetricSum(value: string, key: string, keyHash: (k: string) => string = pgKeyHash, precision = 65): string {
  const h = keyHash(key);
  const scaled = `CAST(ROUND(COALESCE(${value}, 0) * 1000000) AS DECIMAL(${precision},0))`;
  return `COALESCE((SUM(DISTINCT ${scaled} + ${h}) - SUM(DISTINCT ${h})) * 0.000001, 0)`;
}

const lit = postgresStringLiteral;

export const postgresDialect: Dialect = {
  ...baseDialect,
  name: 'postgres',
  label: 'PostgreSQL',
  supportsSymmetricAggregates: true,
  supportsFullOuterJoin: true,
  supportsPercentile: true,
  supportsTimezones: true,

  stringLiteral: lit,
  toTimestamp: (x, datatype) =>
    datatype === 'yyyymmdd' ? `CAST(TO_DATE(CAST(${x} AS VARCHAR), 'YYYYMMDD') AS TIMESTAMP)` : baseToTimestamp(x, datatype),
  convertTz: (x, fromTz, toTz) => (fromTz === toTz ? x : `((${x} AT TIME ZONE ${lit(fromTz)}) AT TIME ZONE ${lit(toTz)})`),
  now: (tz) => `(CURRENT_TIMESTAMP AT TIME ZONE ${lit(tz)})`,
  ...timeMethods(postgresTimeParts),

  listAgg: (x) => `STRING_AGG(DISTINCT CAST(${x} AS VARCHAR), ', ' ORDER BY CAST(${x} AS VARCHAR))`,
  symmetricSum: (value, key) => pgSymmetricSum(value, key),
  // ROUND(x, n) exists only for NUMERIC; a DOUBLE PRECISION argument would not resolve.
  round: (x, digits) => baseDialect.round(`CAST(${x} AS NUMERIC)`, digits),
  like: makeLike(lit, 'ilike'),
};
