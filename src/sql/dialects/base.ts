/**
 * Default (ANSI-leaning) implementations every dialect spreads and overrides:
 *
 *   export const myDialect: Dialect = { ...baseDialect, name: 'my', quoteIdentifier: …, … };
 *
 * Methods never use `this`, so a dialect's methods can be passed around detached; a
 * method whose output depends on another method (e.g. `like` needs the dialect's string
 * literal) is built with one of the `make*` helpers below from the dialect's own pieces.
 * Capability flags are all off here; a dialect turns on only what it really supports.
 */
import type { Dialect, SqlType, TimeDatatype, TimeUnit, WeekDay } from './dialect.ts';
import {
  checkedDate, checkedFraction, checkedInteger, checkedNumber, checkedTimestamp, doubleQuoteIdentifier,
  limitSql, normalizeUnit, standardStringLiteral, weekShiftDays,
} from './literals.ts';
import { dayNameCase, durationSql, monthNameCase, timeframeSql } from './timeframes.ts';
import type { DatePart, FormatToken, TimeParts } from './timeframes.ts';

/** Maps format tokens to a dialect's format-string syntax; literal separators pass through. */
export function formatString(tokens: readonly FormatToken[], map: Readonly<Record<'YYYY' | 'MM' | 'DD' | 'HH' | 'MI' | 'SS' | 'SS.FFF' | 'SS.FFFFFF', string>>): string {
  return tokens.map((t) => (t === '-' || t === ':' || t === ' ' ? t : map[t])).join('');
}

/** TO_CHAR-family spelling (PostgreSQL, Redshift, Snowflake differ only in fractions). */
export const TO_CHAR_TOKENS = {
  YYYY: 'YYYY', MM: 'MM', DD: 'DD', HH: 'HH24', MI: 'MI', SS: 'SS', 'SS.FFF': 'SS.MS', 'SS.FFFFFF': 'SS.US',
} as const;

const EXTRACT_FIELD: Readonly<Record<Exclude<DatePart, 'millisecond'>, string>> = {
  year: 'YEAR', quarter: 'QUARTER', month: 'MONTH', day: 'DAY', dayofyear: 'DOY',
  isodow: 'ISODOW', isoweek: 'WEEK', hour: 'HOUR', minute: 'MINUTE',
};

/** Interval-arithmetic time parts (`x + n * INTERVAL '1 hour'`, `DATE_TRUNC`, `EXTRACT`). */
export const baseTimeParts: TimeParts = {
  format: (x, tokens) => `TO_CHAR(${x}, '${formatString(tokens, TO_CHAR_TOKENS)}')`,
  extract: (x, part) =>
    part === 'millisecond'
      ? `MOD(CAST(FLOOR(EXTRACT(MILLISECOND FROM ${x})) AS INTEGER), 1000)`
      : `CAST(EXTRACT(${EXTRACT_FIELD[part]} FROM ${x}) AS INTEGER)`,
  truncate: (x, unit, weekStart) => intervalTruncate(x, unit, weekStart, (e, u) => `DATE_TRUNC('${u}', ${e})`, baseTimeParts.addUnits),
  addUnits: (x, unit, count) => `(${x} + (${count}) * INTERVAL '1 ${unit}')`,
  toDate: (x) => `CAST(${x} AS DATE)`,
  dayName: (x) => dayNameCase(baseTimeParts.extract(x, 'isodow')),
  monthName: (x) => monthNameCase(baseTimeParts.extract(x, 'month')),
  intToText: (x) => `CAST(${x} AS VARCHAR)`,
  concat: (parts) => `(${parts.join(' || ')})`,
  mod: (a, b) => `MOD(${a}, ${b})`,
  diffMicros: (s, e) => `(EXTRACT(EPOCH FROM (${e}) - (${s})) * 1000000)`,
  divTrunc: (a, b) => `CAST(TRUNC((${a}) / ${b}) AS BIGINT)`,
};

/**
 * Truncation for databases whose week truncation starts on Monday: shift into a
 * Monday-start week, truncate, shift back (sunday start: trunc(x + 1 day) - 1 day).
 */
export function intervalTruncate(
  x: string, unit: TimeUnit, weekStart: WeekDay,
  trunc: (expr: string, unit: TimeUnit) => string,
  add: TimeParts['addUnits'],
): string {
  if (unit !== 'week') return trunc(x, unit);
  const shift = weekShiftDays(weekStart);
  if (shift === 0) return trunc(x, 'week');
  return add(trunc(add(x, 'day', String(shift)), 'week'), 'day', String(-shift));
}

/** `addInterval` from a parts table, with quarter/week normalized to months/days. */
export function makeAddInterval(parts: TimeParts): Dialect['addInterval'] {
  return (x, unit, n) => {
    const u = normalizeUnit(unit, checkedInteger(n, 'Interval count'));
    return parts.addUnits(x, u.unit, String(u.n));
  };
}

/** `LIKE … ESCAPE '\'` (or ILIKE / LOWER(…) LIKE LOWER(…)) with the dialect's string literal. */
export function makeLike(
  lit: (s: string) => string,
  ci: 'ilike' | 'lower',
  escapeClause = true,
): Dialect['like'] {
  const esc = escapeClause ? ` ESCAPE ${lit('\\')}` : '';
  return (expr, pattern, caseInsensitive) => {
    if (!caseInsensitive) return `${expr} LIKE ${lit(pattern)}${esc}`;
    if (ci === 'ilike') return `${expr} ILIKE ${lit(pattern)}${esc}`;
    return `LOWER(${expr}) LIKE LOWER(${lit(pattern)})${esc}`;
  };
}

/** The time members of a dialect from one parts table. */
export function timeMethods(parts: TimeParts): Pick<Dialect, 'truncate' | 'addInterval' | 'timeframe' | 'durationBetween'> {
  return {
    truncate: (x, unit, weekStart) => parts.truncate(x, unit, weekStart),
    addInterval: makeAddInterval(parts),
    timeframe: (x, tf, opts) => timeframeSql(parts, x, tf, opts),
    durationBetween: (s, e, unit) => durationSql(parts, s, e, unit),
  };
}

const BASE_CAST: Readonly<Record<SqlType, string>> = {
  string: 'VARCHAR', number: 'DOUBLE PRECISION', boolean: 'BOOLEAN', date: 'DATE', timestamp: 'TIMESTAMP',
};

export function baseToTimestamp(x: string, datatype: TimeDatatype): string {
  switch (datatype) {
    case 'timestamp':
    case 'datetime':
    case 'date':
      return `CAST(${x} AS TIMESTAMP)`;
    case 'epoch':
      return baseTimeParts.addUnits(`TIMESTAMP '1970-01-01 00:00:00'`, 'second', x);
    case 'yyyymmdd': {
      const s = `CAST(${x} AS VARCHAR)`;
      return `CAST(SUBSTRING(${s}, 1, 4) || '-' || SUBSTRING(${s}, 5, 2) || '-' || SUBSTRING(${s}, 7, 2) AS TIMESTAMP)`;
    }
  }
}

export const baseDialect: Dialect = {
  name: 'ansi',
  label: 'ANSI SQL',

  supportsSymmetricAggregates: false,
  supportsFullOuterJoin: false,
  supportsPercentile: false,
  supportsTimezones: false,

  quoteIdentifier: doubleQuoteIdentifier,
  stringLiteral: standardStringLiteral,
  numberLiteral: checkedNumber,
  booleanLiteral: (v) => (v ? 'TRUE' : 'FALSE'),
  dateLiteral: (ymd) => `DATE '${checkedDate(ymd)}'`,
  timestampLiteral: (local) => `TIMESTAMP '${checkedTimestamp(local)}'`,
  cast: (x, to) => `CAST(${x} AS ${BASE_CAST[to]})`,

  toTimestamp: baseToTimestamp,
  convertTz: (x, fromTz, toTz) => {
    if (fromTz === toTz) return x;
    throw new Error(`This dialect cannot convert time zones (${fromTz} → ${toTz}); set convert_tz: no`);
  },
  // Without time-zone support the session's local clock is the best available "now".
  now: () => 'LOCALTIMESTAMP',
  ...timeMethods(baseTimeParts),

  percentile: (x, f) => `PERCENTILE_CONT(${checkedFraction(f)}) WITHIN GROUP (ORDER BY ${x})`,
  listAgg: (x) => `LISTAGG(DISTINCT CAST(${x} AS VARCHAR), ', ') WITHIN GROUP (ORDER BY CAST(${x} AS VARCHAR))`,
  symmetricSum: () => {
    throw new Error('This dialect does not support symmetric aggregates');
  },

  round: (x, digits) => `ROUND(${x}, ${checkedInteger(digits, 'ROUND digits')})`,
  log10: (x) => `LOG10(${x})`,

  like: makeLike(standardStringLiteral, 'lower'),
  limitClause: limitSql,
};
