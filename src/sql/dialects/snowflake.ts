/**
 * Snowflake. Zone-less timestamps are TIMESTAMP_NTZ. String literals process backslash
 * escapes, so backslashes are doubled. Week truncation does not use DATE_TRUNC('week'),
 * whose start day depends on the session's WEEK_START parameter.
 */
import type { Dialect, SqlType } from './dialect.ts';
import { baseDialect, baseTimeParts, formatString, makeLike, TO_CHAR_TOKENS, timeMethods } from './base.ts';
import { backslashStringLiteral, checkedTimestamp, isoDayNumber } from './literals.ts';
import { dayNameCase } from './timeframes.ts';
import type { DatePart, TimeParts } from './timeframes.ts';

const PART_FN: Readonly<Record<Exclude<DatePart, 'millisecond'>, string>> = {
  year: 'YEAR', quarter: 'QUARTER', month: 'MONTH', day: 'DAY', dayofyear: 'DAYOFYEAR',
  isodow: 'DAYOFWEEKISO', isoweek: 'WEEKISO', hour: 'HOUR', minute: 'MINUTE',
};

const TOKENS = { ...TO_CHAR_TOKENS, 'SS.FFF': 'SS.FF3', 'SS.FFFFFF': 'SS.FF6' } as const;

export const snowflakeTimeParts: TimeParts = {
  ...baseTimeParts,
  format: (x, tokens) => `TO_CHAR(${x}, '${formatString(tokens, TOKENS)}')`,
  extract: (x, part) =>
    part === 'millisecond' ? `FLOOR(EXTRACT(NANOSECOND FROM ${x}) / 1000000)` : `${PART_FN[part]}(${x})`,
  truncate: (x, unit, weekStart) => {
    if (unit !== 'week') return `DATE_TRUNC('${unit.toUpperCase()}', ${x})`;
    const shift = 7 - isoDayNumber(weekStart);
    const back = `MOD(DAYOFWEEKISO(${x})${shift === 0 ? '' : ` + ${shift}`}, 7)`;
    return `DATEADD(DAY, -${back}, DATE_TRUNC('DAY', ${x}))`;
  },
  addUnits: (x, unit, count) => `DATEADD(${unit.toUpperCase()}, ${count}, ${x})`,
  dayName: (x) => dayNameCase(`DAYOFWEEKISO(${x})`),
  monthName: (x) => `TO_CHAR(${x}, 'MMMM')`,
  diffMicros: (s, e) => `DATEDIFF(MICROSECOND, ${s}, ${e})`,
  divTrunc: (a, b) => `CAST(TRUNC((${a}) / ${b}) AS INTEGER)`,
};

const CAST: Readonly<Record<SqlType, string>> = {
  string: 'VARCHAR', number: 'FLOAT', boolean: 'BOOLEAN', date: 'DATE', timestamp: 'TIMESTAMP_NTZ',
};

const lit = backslashStringLiteral;

export const snowflakeDialect: Dialect = {
  ...baseDialect,
  name: 'snowflake',
  label: 'Snowflake',
  supportsSymmetricAggregates: true,
  supportsFullOuterJoin: true,
  supportsPercentile: true,
  supportsTimezones: true,

  stringLiteral: lit,
  timestampLiteral: (local) => `CAST('${checkedTimestamp(local)}' AS TIMESTAMP_NTZ)`,
  cast: (x, to) => `CAST(${x} AS ${CAST[to]})`,

  toTimestamp: (x, datatype) => {
    switch (datatype) {
      case 'epoch': return `TO_TIMESTAMP_NTZ(${x})`;
      case 'yyyymmdd': return `CAST(TO_DATE(CAST(${x} AS VARCHAR), 'YYYYMMDD') AS TIMESTAMP_NTZ)`;
      default: return `CAST(${x} AS TIMESTAMP_NTZ)`;
    }
  },
  convertTz: (x, fromTz, toTz) => (fromTz === toTz ? x : `CONVERT_TIMEZONE(${lit(fromTz)}, ${lit(toTz)}, ${x})`),
  now: (tz) => `CAST(CONVERT_TIMEZONE(${lit(tz)}, CURRENT_TIMESTAMP()) AS TIMESTAMP_NTZ)`,
  ...timeMethods(snowflakeTimeParts),

  /**
   * MD5_NUMBER_LOWER64 is an unsigned 64-bit key hash; NUMBER(38,0) holds 1e5 rows ×
   * 1.8e19. Values go through NUMBER(38,6) first so FLOAT inputs scale to exact integers.
   */
  symmetricSum: (value, key) => {
    const h = `MD5_NUMBER_LOWER64(CAST(${key} AS VARCHAR))`;
    const scaled = `CAST(ROUND(CAST(COALESCE(${value}, 0) AS NUMBER(38,6)) * 1000000) AS NUMBER(38,0))`;
    return `COALESCE((SUM(DISTINCT ${scaled} + ${h}) - SUM(DISTINCT ${h})) * 0.000001, 0)`;
  },
  log10: (x) => `LOG(10, ${x})`,
  like: makeLike(lit, 'ilike'),
};
