/**
 * Expected VALUES shared by the DuckDB and PostgreSQL execution tests: the same dialect
 * calls must give the same (Looker-shaped) values on both databases. All values are
 * compared as text, so the tests read every column as a string.
 */
import type { Timeframe, TimeframeOptions, TimeUnit } from './dialect.ts';

export interface TimeframeCase {
  readonly at: string;
  readonly opts: TimeframeOptions;
  readonly expect: Readonly<Partial<Record<Timeframe, string>>>;
}

const MON0: TimeframeOptions = { weekStartDay: 'monday', fiscalMonthOffset: 0 };
const SUN3: TimeframeOptions = { weekStartDay: 'sunday', fiscalMonthOffset: 3 };

/** 2024-12-29 is a Sunday in ISO week 52 of 2024 (a leap year). Every timeframe once. */
const SUNDAY_ALL: Readonly<Record<Timeframe, string>> = {
  raw: '2024-12-29 13:47:05.123456',
  time: '2024-12-29 13:47:05',
  date: '2024-12-29',
  week: '2024-12-23',
  month: '2024-12',
  quarter: '2024-Q4',
  year: '2024',
  hour: '2024-12-29 13',
  hour2: '2024-12-29 12',
  hour3: '2024-12-29 12',
  hour4: '2024-12-29 12',
  hour6: '2024-12-29 12',
  hour8: '2024-12-29 08',
  hour12: '2024-12-29 12',
  minute: '2024-12-29 13:47',
  minute2: '2024-12-29 13:46',
  minute3: '2024-12-29 13:45',
  minute4: '2024-12-29 13:44',
  minute5: '2024-12-29 13:45',
  minute6: '2024-12-29 13:42',
  minute10: '2024-12-29 13:40',
  minute12: '2024-12-29 13:36',
  minute15: '2024-12-29 13:45',
  minute20: '2024-12-29 13:40',
  minute30: '2024-12-29 13:30',
  second: '2024-12-29 13:47:05',
  millisecond: '2024-12-29 13:47:05.123',
  millisecond2: '2024-12-29 13:47:05.122',
  millisecond4: '2024-12-29 13:47:05.120',
  millisecond5: '2024-12-29 13:47:05.120',
  millisecond8: '2024-12-29 13:47:05.120',
  millisecond10: '2024-12-29 13:47:05.120',
  millisecond20: '2024-12-29 13:47:05.120',
  millisecond25: '2024-12-29 13:47:05.100',
  millisecond40: '2024-12-29 13:47:05.120',
  millisecond50: '2024-12-29 13:47:05.100',
  millisecond100: '2024-12-29 13:47:05.100',
  millisecond125: '2024-12-29 13:47:05.000',
  millisecond200: '2024-12-29 13:47:05.000',
  millisecond250: '2024-12-29 13:47:05.000',
  millisecond500: '2024-12-29 13:47:05.000',
  microsecond: '2024-12-29 13:47:05.123456',
  time_of_day: '13:47',
  day_of_week: 'Sunday',
  day_of_week_index: '6',
  day_of_month: '29',
  day_of_year: '364',
  week_of_year: '52',
  month_name: 'December',
  month_num: '12',
  quarter_of_year: 'Q4',
  hour_of_day: '13',
  minute_of_hour: '47',
  yesno: 'Yes',
  fiscal_year: '2024',
  fiscal_quarter: '2024-Q4',
  fiscal_quarter_of_year: 'Q4',
  fiscal_month_num: '12',
};

export const ALL_TIMEFRAMES = Object.keys(SUNDAY_ALL) as Timeframe[];

export const TIMEFRAME_CASES: readonly TimeframeCase[] = [
  { at: '2024-12-29 13:47:05.123456', opts: MON0, expect: SUNDAY_ALL },
  {
    // Sunday week start; fiscal year starting in April (offset 3): December is fiscal month 9.
    at: '2024-12-29 13:47:05.123456', opts: SUN3,
    expect: {
      week: '2024-12-29', day_of_week_index: '0', day_of_week: 'Sunday', week_of_year: '52',
      fiscal_year: '2024', fiscal_quarter: '2024-Q3', fiscal_quarter_of_year: 'Q3', fiscal_month_num: '9',
    },
  },
  {
    // New Year's Day 2025 is a Wednesday in ISO week 1; with offset 3 it is still FY2024.
    at: '2025-01-01 00:00:00', opts: SUN3,
    expect: {
      date: '2025-01-01', week: '2024-12-29', month: '2025-01', quarter: '2025-Q1', year: '2025',
      day_of_week: 'Wednesday', day_of_week_index: '3', day_of_year: '1', week_of_year: '1',
      month_name: 'January', hour: '2025-01-01 00', time_of_day: '00:00', hour12: '2025-01-01 00',
      fiscal_year: '2024', fiscal_quarter: '2024-Q4', fiscal_quarter_of_year: 'Q4', fiscal_month_num: '10',
    },
  },
  {
    at: '2025-01-01 00:00:00', opts: MON0,
    expect: { week: '2024-12-30', day_of_week_index: '2', fiscal_year: '2025', fiscal_quarter: '2025-Q1' },
  },
  {
    // 2021-01-03 (Sunday) belongs to ISO week 53 of 2020. Offset -3: the fiscal year starts
    // in October and is named after the calendar year it ends in, so January is FY2021 month 4.
    at: '2021-01-03 23:59:59.999', opts: { weekStartDay: 'monday', fiscalMonthOffset: -3 },
    expect: {
      week: '2020-12-28', week_of_year: '53', year: '2021', day_of_week_index: '6',
      millisecond: '2021-01-03 23:59:59.999', millisecond500: '2021-01-03 23:59:59.500',
      minute30: '2021-01-03 23:30', hour8: '2021-01-03 16',
      fiscal_year: '2021', fiscal_quarter: '2021-Q2', fiscal_quarter_of_year: 'Q2', fiscal_month_num: '4',
    },
  },
  {
    at: '2021-01-03 23:59:59.999', opts: { weekStartDay: 'saturday', fiscalMonthOffset: 11 },
    // Offset 11: FY2020 runs December 2020 – November 2021.
    expect: { week: '2021-01-02', day_of_week_index: '1', fiscal_year: '2020', fiscal_quarter: '2020-Q1', fiscal_month_num: '2' },
  },
];

export interface TzCase { readonly at: string; readonly from: string; readonly to: string; readonly expect: string }

/** America/New_York DST starts 2024-03-10 02:00 local and ends 2024-11-03 02:00 local. */
export const TZ_CASES: readonly TzCase[] = [
  { at: '2024-03-10 06:30:00', from: 'UTC', to: 'America/New_York', expect: '2024-03-10 01:30:00' },
  { at: '2024-03-10 07:30:00', from: 'UTC', to: 'America/New_York', expect: '2024-03-10 03:30:00' },
  { at: '2024-11-03 05:30:00', from: 'UTC', to: 'America/New_York', expect: '2024-11-03 01:30:00' },
  { at: '2024-11-03 06:30:00', from: 'UTC', to: 'America/New_York', expect: '2024-11-03 01:30:00' },
  { at: '2024-03-10 03:30:00', from: 'America/New_York', to: 'UTC', expect: '2024-03-10 07:30:00' },
  { at: '2024-07-01 12:00:00', from: 'Asia/Kolkata', to: 'America/Los_Angeles', expect: '2024-06-30 23:30:00' },
  { at: '2024-07-01 12:00:00', from: 'UTC', to: 'UTC', expect: '2024-07-01 12:00:00' },
];

export interface DurationCase { readonly start: string; readonly end: string; readonly unit: TimeUnit; readonly expect: string }

export const DURATION_CASES: readonly DurationCase[] = [
  { start: '2024-01-01 00:00:00', end: '2024-01-01 00:00:00.000123', unit: 'microsecond', expect: '123' },
  { start: '2024-01-01 00:00:00', end: '2024-01-01 00:00:01.5', unit: 'millisecond', expect: '1500' },
  { start: '2024-01-01 00:00:00', end: '2024-01-01 00:00:59.999', unit: 'second', expect: '59' },
  { start: '2024-01-01 00:00:00', end: '2024-01-01 00:00:59.999', unit: 'minute', expect: '0' },
  { start: '2024-01-01 00:00:00', end: '2024-01-02 01:30:00', unit: 'hour', expect: '25' },
  { start: '2024-01-01 10:00:00', end: '2024-01-03 09:59:59', unit: 'day', expect: '1' },
  { start: '2024-01-03 09:59:59', end: '2024-01-01 10:00:00', unit: 'day', expect: '-1' },
  { start: '2024-01-01 00:00:00', end: '2024-01-15 00:00:00', unit: 'week', expect: '2' },
  { start: '2024-01-31 10:00:00', end: '2024-02-29 09:00:00', unit: 'month', expect: '0' },
  { start: '2024-01-31 10:00:00', end: '2024-02-29 10:00:00', unit: 'month', expect: '1' },
  { start: '2024-03-01 00:00:00', end: '2024-01-15 00:00:00', unit: 'month', expect: '-1' },
  { start: '2024-01-15 00:00:00', end: '2024-12-14 00:00:00', unit: 'quarter', expect: '3' },
  { start: '2023-03-01 00:00:00', end: '2024-02-29 23:59:59', unit: 'year', expect: '0' },
  { start: '2023-03-01 00:00:00', end: '2024-03-01 00:00:00', unit: 'year', expect: '1' },
];

/** Values that have broken naive quoting somewhere. */
export const HOSTILE_STRINGS: readonly string[] = [
  "'", "''", "\\", "\\'", "'\\", "a'b", "it's", "'; DROP TABLE x; --", "--", "/*", "*/", "/* x */ --",
  ';', '"', '`', '$$', '$tag$', "E'", '\\\\', '\\n', 'line1\nline2', 'cr\r\nlf', 'tab\there', '%_',
  'é ü ß', '日本語', '😀 emoji', '\u2028\u2029', "O'Reilly \\ \"q\" `b` ; -- /* */",
];

export const LIKE_VALUES: readonly string[] = ['a%b', 'axb', 'a_b', 'aXb', 'a\\b', 'A%B', 'abc'];

export interface LikeCase { readonly pattern: string; readonly ci: boolean; readonly expect: readonly string[] }

export const LIKE_CASES: readonly LikeCase[] = [
  { pattern: 'a\\%b', ci: false, expect: ['a%b'] },
  { pattern: 'a\\_b', ci: false, expect: ['a_b'] },
  { pattern: 'a\\\\b', ci: false, expect: ['a\\b'] },
  { pattern: 'a_b', ci: false, expect: ['a%b', 'a\\b', 'a_b', 'aXb', 'axb'] },
  { pattern: 'a%', ci: false, expect: ['a%b', 'a\\b', 'a_b', 'aXb', 'abc', 'axb'] },
  { pattern: 'a\\%b', ci: true, expect: ['A%B', 'a%b'] },
  { pattern: 'AX%', ci: true, expect: ['aXb', 'axb'] },
];

/** `YYYY-MM-DD HH:MM:SS[.f]` text of a micro-unit sum, for comparing exact decimals. */
export function microsToDecimal(micros: bigint): string {
  const neg = micros < 0n;
  const abs = neg ? -micros : micros;
  const int = abs / 1_000_000n;
  const frac = (abs % 1_000_000n).toString().padStart(6, '0');
  return `${neg ? '-' : ''}${int}.${frac}`;
}

/** Parses a decimal string (any scale ≤ 6 significant fractional digits) into micro units. */
export function decimalToMicros(text: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) throw new Error(`not a decimal: ${text}`);
  const frac = (m[3] ?? '').padEnd(6, '0');
  if (/[1-9]/.test(frac.slice(6))) throw new Error(`more than 6 decimals: ${text}`);
  const v = BigInt(m[2] ?? '0') * 1_000_000n + BigInt(frac.slice(0, 6));
  return m[1] === '-' ? -v : v;
}

/**
 * Symmetric-sum fixture: `n` orders with amounts in micro units spread over ±1e12 (±1e6
 * units, 6 decimals, negatives), every 97th NULL; order `i` has `i % 5 + 1` items.
 */
export function orderAmountMicros(i: number): bigint | null {
  if (i % 97 === 0) return null;
  return ((BigInt(i) * 7919n * 1000003n) % 2000000000001n) - 1000000000000n;
}

export function fanoutTruth(n: number): { trueSum: bigint; naiveSum: bigint } {
  let trueSum = 0n;
  let naiveSum = 0n;
  for (let i = 1; i <= n; i++) {
    const a = orderAmountMicros(i);
    if (a === null) continue;
    trueSum += a;
    naiveSum += a * BigInt((i % 5) + 1);
  }
  return { trueSum, naiveSum };
}

/** SQL text of `orderAmountMicros`, given the integer id column. */
export function orderAmountSql(id: string): string {
  return `CASE WHEN ${id} % 97 = 0 THEN NULL ELSE CAST(((CAST(${id} AS BIGINT) * 7919 * 1000003) % 2000000000001) - 1000000000000 AS DECIMAL(18,0)) * 0.000001 END`;
}
