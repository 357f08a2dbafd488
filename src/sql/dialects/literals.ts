/**
 * Validation and escaping shared by the dialects. Every value that reaches SQL text
 * passes through one of these, so they throw rather than emit something ambiguous.
 */
import type { TimeUnit, WeekDay } from './dialect.ts';

/** Thrown for a value that no literal of the dialect can carry faithfully. */
export class SqlLiteralError extends Error {
  override readonly name = 'SqlLiteralError';
}

/** Lone UTF-16 surrogates cannot be encoded as UTF-8, so they would not round-trip. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Rejects what no dialect can hold in a text value: NUL (PostgreSQL text refuses it and
 * the native drivers pass SQL as C strings, truncating at NUL) and lone surrogates.
 */
export function assertRepresentable(value: string, what: string): void {
  if (value.includes('\u0000')) throw new SqlLiteralError(`${what} contains a NUL character, which SQL text cannot carry`);
  if (LONE_SURROGATE.test(value)) throw new SqlLiteralError(`${what} contains an unpaired UTF-16 surrogate`);
}

/** Standard SQL: only the quote is special, and it is doubled. */
export function standardStringLiteral(value: string): string {
  assertRepresentable(value, 'String literal');
  return `'${value.replaceAll("'", "''")}'`;
}

/** For dialects whose literals treat backslash as an escape (Snowflake, Redshift): double both. */
export function backslashStringLiteral(value: string): string {
  assertRepresentable(value, 'String literal');
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

/** `"name"` with embedded double quotes doubled (SQL standard). */
export function doubleQuoteIdentifier(name: string): string {
  assertRepresentable(name, 'Identifier');
  if (name === '') throw new SqlLiteralError('Identifier is empty');
  return `"${name.replaceAll('"', '""')}"`;
}

const NUMBER = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

export function checkedNumber(value: string): string {
  if (!NUMBER.test(value)) throw new SqlLiteralError(`Not a decimal number: ${JSON.stringify(value)}`);
  return value;
}

const YMD = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL_TS = /^(\d{4}-\d{2}-\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;

function validDay(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
}

/** Returns the input when it is a real calendar date `YYYY-MM-DD`. */
export function checkedDate(ymd: string): string {
  const m = YMD.exec(ymd);
  if (!m || !validDay(Number(m[1]), Number(m[2]), Number(m[3]))) {
    throw new SqlLiteralError(`Not a date (YYYY-MM-DD): ${JSON.stringify(ymd)}`);
  }
  return ymd;
}

/** Returns the input when it is `YYYY-MM-DD HH:MM:SS[.ffffff]` with valid fields. */
export function checkedTimestamp(local: string): string {
  const m = LOCAL_TS.exec(local);
  if (!m || Number(m[2]) > 23 || Number(m[3]) > 59 || Number(m[4]) > 59) {
    throw new SqlLiteralError(`Not a timestamp (YYYY-MM-DD HH:MM:SS[.ffffff]): ${JSON.stringify(local)}`);
  }
  checkedDate(m[1] ?? '');
  return local;
}

export function checkedFraction(fraction: number): string {
  if (!Number.isFinite(fraction) || fraction <= 0 || fraction >= 1) {
    throw new SqlLiteralError(`Percentile fraction must be between 0 and 1 (exclusive): ${fraction}`);
  }
  return String(fraction);
}

export function checkedInteger(n: number, what: string): number {
  if (!Number.isSafeInteger(n)) throw new SqlLiteralError(`${what} must be an integer: ${n}`);
  return n;
}

export function limitSql(limit: number | null): string {
  if (limit === null) return '';
  if (!Number.isSafeInteger(limit) || limit < 0) throw new SqlLiteralError(`LIMIT must be a non-negative integer: ${limit}`);
  return `LIMIT ${limit}`;
}

/** ISO day number (Monday = 1 … Sunday = 7). */
export function isoDayNumber(day: WeekDay): number {
  return ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'].indexOf(day) + 1;
}

/**
 * Days to add before a Monday-based week truncation (and subtract after) so that the
 * week starts on `day`: sunday → 1, saturday → 2, …, monday → 0.
 */
export function weekShiftDays(day: WeekDay): number {
  return (8 - isoDayNumber(day)) % 7;
}

/** Every unit as a count of a base unit the dialects can add (year → 12 months, quarter → 3, week → 7 days). */
export function normalizeUnit(unit: TimeUnit, n: number): { unit: Exclude<TimeUnit, 'year' | 'quarter' | 'week'>; n: number } {
  if (unit === 'year') return { unit: 'month', n: n * 12 };
  if (unit === 'quarter') return { unit: 'month', n: n * 3 };
  if (unit === 'week') return { unit: 'day', n: n * 7 };
  return { unit, n };
}

/** Length of a fixed-length unit in microseconds (months and longer vary, so they are absent). */
export const FIXED_UNIT_MICROS: Readonly<Partial<Record<TimeUnit, number>>> = {
  microsecond: 1,
  millisecond: 1_000,
  second: 1_000_000,
  minute: 60_000_000,
  hour: 3_600_000_000,
  day: 86_400_000_000,
  week: 604_800_000_000,
};
