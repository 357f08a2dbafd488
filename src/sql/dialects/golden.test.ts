/**
 * Golden SQL per dialect, one table per test (Kysely style). The DuckDB and PostgreSQL
 * spellings are also executed in duckdb.test.ts / postgres.test.ts; the others are
 * compiled only, so these tables are their specification.
 */
import { describe, expect, it } from 'vitest';
import type { Dialect, TimeframeOptions } from './dialect.ts';
import { bigqueryDialect } from './bigquery.ts';
import { duckdbDialect } from './duckdb.ts';
import { postgresDialect } from './postgres.ts';
import { redshiftDialect } from './redshift.ts';
import { snowflakeDialect } from './snowflake.ts';
import { trinoDialect } from './trino.ts';

const DIALECTS = {
  duckdb: duckdbDialect,
  postgres: postgresDialect,
  bigquery: bigqueryDialect,
  snowflake: snowflakeDialect,
  redshift: redshiftDialect,
  trino: trinoDialect,
} as const;

type Golden = Record<keyof typeof DIALECTS, string>;

function golden(build: (d: Dialect) => string): Golden {
  const entries = Object.entries(DIALECTS).map(([k, d]) => [k, build(d)] as const);
  return Object.fromEntries(entries) as Golden;
}

/** Sunday week start and an April fiscal year, so both options show up in the SQL. */
const OPTS: TimeframeOptions = { weekStartDay: 'sunday', fiscalMonthOffset: 3 };

describe('golden SQL', () => {
  it('quoteIdentifier: embedded quote characters', () => {
    expect(golden((d) => d.quoteIdentifier('we"ird`name'))).toEqual({
      duckdb: '"we""ird`name"',
      postgres: '"we""ird`name"',
      bigquery: "`we\"ird\\`name`",
      snowflake: '"we""ird`name"',
      redshift: '"we""ird`name"',
      trino: '"we""ird`name"',
    });
  });

  it('stringLiteral: single quote', () => {
    expect(golden((d) => d.stringLiteral("it's"))).toEqual({
      duckdb: "'it''s'",
      postgres: "'it''s'",
      bigquery: String.raw`'it\'s'`,
      snowflake: "'it''s'",
      redshift: "'it''s'",
      trino: "'it''s'",
    });
  });

  it('stringLiteral: backslashes', () => {
    expect(golden((d) => d.stringLiteral('C:\\path\\'))).toEqual({
      duckdb: String.raw`'C:\path\'`,
      postgres: String.raw`E'C:\\path\\'`,
      bigquery: String.raw`'C:\\path\\'`,
      snowflake: String.raw`'C:\\path\\'`,
      redshift: String.raw`'C:\\path\\'`,
      trino: String.raw`'C:\path\'`,
    });
  });

  it('stringLiteral: statement and comment breakers', () => {
    expect(golden((d) => d.stringLiteral("'; DROP TABLE t; -- /* x */"))).toEqual({
      duckdb: "'''; DROP TABLE t; -- /* x */'",
      postgres: "'''; DROP TABLE t; -- /* x */'",
      bigquery: String.raw`'\'; DROP TABLE t; -- /* x */'`,
      snowflake: "'''; DROP TABLE t; -- /* x */'",
      redshift: "'''; DROP TABLE t; -- /* x */'",
      trino: "'''; DROP TABLE t; -- /* x */'",
    });
  });

  it('stringLiteral: newline, tab, unicode', () => {
    expect(golden((d) => d.stringLiteral('é\n😀\t日本'))).toEqual({
      duckdb: "'é\n😀\t日本'",
      postgres: "'é\n😀\t日本'",
      bigquery: String.raw`'é\n😀\t日本'`,
      snowflake: "'é\n😀\t日本'",
      redshift: "'é\n😀\t日本'",
      trino: "'é\n😀\t日本'",
    });
  });

  it('numberLiteral, booleanLiteral, dateLiteral', () => {
    expect(golden((d) => [d.numberLiteral('-12.5'), d.booleanLiteral(true), d.booleanLiteral(false), d.dateLiteral('2024-02-29')].join(', '))).toEqual({
      duckdb: "-12.5, TRUE, FALSE, DATE '2024-02-29'",
      postgres: "-12.5, TRUE, FALSE, DATE '2024-02-29'",
      bigquery: "-12.5, TRUE, FALSE, DATE '2024-02-29'",
      snowflake: "-12.5, TRUE, FALSE, DATE '2024-02-29'",
      redshift: "-12.5, TRUE, FALSE, DATE '2024-02-29'",
      trino: "-12.5, TRUE, FALSE, DATE '2024-02-29'",
    });
  });

  it('timestampLiteral', () => {
    expect(golden((d) => d.timestampLiteral('2024-01-15 10:00:00.25'))).toEqual({
      duckdb: "TIMESTAMP '2024-01-15 10:00:00.25'",
      postgres: "TIMESTAMP '2024-01-15 10:00:00.25'",
      bigquery: "DATETIME '2024-01-15 10:00:00.25'",
      snowflake: "CAST('2024-01-15 10:00:00.25' AS TIMESTAMP_NTZ)",
      redshift: "TIMESTAMP '2024-01-15 10:00:00.25'",
      trino: "TIMESTAMP '2024-01-15 10:00:00.25'",
    });
  });

  it('cast', () => {
    expect(golden((d) => (['string', 'number', 'boolean', 'date', 'timestamp'] as const).map((t) => d.cast('x', t)).join(', '))).toEqual({
      duckdb: 'CAST(x AS VARCHAR), CAST(x AS DOUBLE), CAST(x AS BOOLEAN), CAST(x AS DATE), CAST(x AS TIMESTAMP)',
      postgres: 'CAST(x AS VARCHAR), CAST(x AS DOUBLE PRECISION), CAST(x AS BOOLEAN), CAST(x AS DATE), CAST(x AS TIMESTAMP)',
      bigquery: 'CAST(x AS STRING), CAST(x AS FLOAT64), CAST(x AS BOOL), CAST(x AS DATE), CAST(x AS DATETIME)',
      snowflake: 'CAST(x AS VARCHAR), CAST(x AS FLOAT), CAST(x AS BOOLEAN), CAST(x AS DATE), CAST(x AS TIMESTAMP_NTZ)',
      redshift: 'CAST(x AS VARCHAR), CAST(x AS DOUBLE PRECISION), CAST(x AS BOOLEAN), CAST(x AS DATE), CAST(x AS TIMESTAMP)',
      trino: 'CAST(x AS VARCHAR), CAST(x AS DOUBLE), CAST(x AS BOOLEAN), CAST(x AS DATE), CAST(x AS TIMESTAMP(6))',
    });
  });

  it('toTimestamp: timestamp', () => {
    expect(golden((d) => d.toTimestamp('x', 'timestamp'))).toEqual({
      duckdb: 'CAST(x AS TIMESTAMP)',
      postgres: 'CAST(x AS TIMESTAMP)',
      bigquery: 'CAST(x AS DATETIME)',
      snowflake: 'CAST(x AS TIMESTAMP_NTZ)',
      redshift: 'CAST(x AS TIMESTAMP)',
      trino: 'CAST(x AS TIMESTAMP(6))',
    });
  });

  it('toTimestamp: epoch', () => {
    expect(golden((d) => d.toTimestamp('x', 'epoch'))).toEqual({
      duckdb: 'make_timestamp(CAST(ROUND(CAST(x AS DOUBLE) * 1000000) AS BIGINT))',
      postgres: "(TIMESTAMP '1970-01-01 00:00:00' + (x) * INTERVAL '1 second')",
      bigquery: 'DATETIME(TIMESTAMP_MICROS(CAST(ROUND(x * 1000000) AS INT64)))',
      snowflake: 'TO_TIMESTAMP_NTZ(x)',
      redshift: "(TIMESTAMP '1970-01-01 00:00:00' + (x) * INTERVAL '1 second')",
      trino: "CAST(from_unixtime(x, 'UTC') AS TIMESTAMP(6))",
    });
  });

  it('toTimestamp: yyyymmdd', () => {
    expect(golden((d) => d.toTimestamp('x', 'yyyymmdd'))).toEqual({
      duckdb: "CAST(strptime(CAST(x AS VARCHAR), '%Y%m%d') AS TIMESTAMP)",
      postgres: "CAST(TO_DATE(CAST(x AS VARCHAR), 'YYYYMMDD') AS TIMESTAMP)",
      bigquery: "CAST(PARSE_DATE('%Y%m%d', CAST(x AS STRING)) AS DATETIME)",
      snowflake: "CAST(TO_DATE(CAST(x AS VARCHAR), 'YYYYMMDD') AS TIMESTAMP_NTZ)",
      redshift: "CAST(TO_DATE(CAST(x AS VARCHAR), 'YYYYMMDD') AS TIMESTAMP)",
      trino: "CAST(date_parse(CAST(x AS VARCHAR), '%Y%m%d') AS TIMESTAMP(6))",
    });
  });

  it('convertTz', () => {
    expect(golden((d) => d.convertTz('x', 'UTC', 'America/New_York'))).toEqual({
      duckdb: "timezone('America/New_York', timezone('UTC', x))",
      postgres: "((x AT TIME ZONE 'UTC') AT TIME ZONE 'America/New_York')",
      bigquery: "DATETIME(TIMESTAMP(x, 'UTC'), 'America/New_York')",
      snowflake: "CONVERT_TIMEZONE('UTC', 'America/New_York', x)",
      redshift: "CONVERT_TIMEZONE('UTC', 'America/New_York', x)",
      trino: "CAST(with_timezone(x, 'UTC') AT TIME ZONE 'America/New_York' AS TIMESTAMP(6))",
    });
  });

  it('convertTz: same zone is a no-op', () => {
    expect(golden((d) => d.convertTz('x', 'Europe/Paris', 'Europe/Paris'))).toEqual({
      duckdb: 'x',
      postgres: 'x',
      bigquery: 'x',
      snowflake: 'x',
      redshift: 'x',
      trino: 'x',
    });
  });

  it('now', () => {
    expect(golden((d) => d.now('America/New_York'))).toEqual({
      duckdb: "timezone('America/New_York', current_timestamp)",
      postgres: "(CURRENT_TIMESTAMP AT TIME ZONE 'America/New_York')",
      bigquery: "CURRENT_DATETIME('America/New_York')",
      snowflake: "CAST(CONVERT_TIMEZONE('America/New_York', CURRENT_TIMESTAMP()) AS TIMESTAMP_NTZ)",
      redshift: "CONVERT_TIMEZONE('UTC', 'America/New_York', GETDATE())",
      trino: "CAST(current_timestamp AT TIME ZONE 'America/New_York' AS TIMESTAMP(6))",
    });
  });

  it('truncate: week starting sunday', () => {
    expect(golden((d) => d.truncate('x', 'week', 'sunday'))).toEqual({
      duckdb: "(date_trunc('week', (x + (1) * INTERVAL '1 day')) + (-1) * INTERVAL '1 day')",
      postgres: "(DATE_TRUNC('week', (x + (1) * INTERVAL '1 day')) + (-1) * INTERVAL '1 day')",
      bigquery: 'DATETIME_TRUNC(x, WEEK(SUNDAY))',
      snowflake: "DATEADD(DAY, -MOD(DAYOFWEEKISO(x), 7), DATE_TRUNC('DAY', x))",
      redshift: "DATEADD(day, -1, DATE_TRUNC('week', DATEADD(day, 1, x)))",
      trino: "date_add('day', -1, date_trunc('week', date_add('day', 1, x)))",
    });
  });

  it('truncate: week starting monday', () => {
    expect(golden((d) => d.truncate('x', 'week', 'monday'))).toEqual({
      duckdb: "date_trunc('week', x)",
      postgres: "DATE_TRUNC('week', x)",
      bigquery: 'DATETIME_TRUNC(x, WEEK(MONDAY))',
      snowflake: "DATEADD(DAY, -MOD(DAYOFWEEKISO(x) + 6, 7), DATE_TRUNC('DAY', x))",
      redshift: "DATE_TRUNC('week', x)",
      trino: "date_trunc('week', x)",
    });
  });

  it('truncate: quarter', () => {
    expect(golden((d) => d.truncate('x', 'quarter', 'monday'))).toEqual({
      duckdb: "date_trunc('quarter', x)",
      postgres: "DATE_TRUNC('quarter', x)",
      bigquery: 'DATETIME_TRUNC(x, QUARTER)',
      snowflake: "DATE_TRUNC('QUARTER', x)",
      redshift: "DATE_TRUNC('quarter', x)",
      trino: "date_trunc('quarter', x)",
    });
  });

  it('addInterval: quarter', () => {
    expect(golden((d) => d.addInterval('x', 'quarter', -1))).toEqual({
      duckdb: "(x + (-3) * INTERVAL '1 month')",
      postgres: "(x + (-3) * INTERVAL '1 month')",
      bigquery: 'DATETIME_ADD(x, INTERVAL -3 MONTH)',
      snowflake: 'DATEADD(MONTH, -3, x)',
      redshift: 'DATEADD(month, -3, x)',
      trino: "date_add('month', -3, x)",
    });
  });

  it('addInterval: hours', () => {
    expect(golden((d) => d.addInterval('x', 'hour', 36))).toEqual({
      duckdb: "(x + (36) * INTERVAL '1 hour')",
      postgres: "(x + (36) * INTERVAL '1 hour')",
      bigquery: 'DATETIME_ADD(x, INTERVAL 36 HOUR)',
      snowflake: 'DATEADD(HOUR, 36, x)',
      redshift: 'DATEADD(hour, 36, x)',
      trino: "date_add('hour', 36, x)",
    });
  });

  it('timeframe: time', () => {
    expect(golden((d) => d.timeframe('x', 'time', OPTS))).toEqual({
      duckdb: "strftime(x, '%Y-%m-%d %H:%M:%S')",
      postgres: "TO_CHAR(x, 'YYYY-MM-DD HH24:MI:SS')",
      bigquery: "FORMAT_DATETIME('%Y-%m-%d %H:%M:%S', x)",
      snowflake: "TO_CHAR(x, 'YYYY-MM-DD HH24:MI:SS')",
      redshift: "TO_CHAR(x, 'YYYY-MM-DD HH24:MI:SS')",
      trino: 'substr(CAST(CAST(x AS TIMESTAMP(6)) AS VARCHAR), 1, 19)',
    });
  });

  it('timeframe: date', () => {
    expect(golden((d) => d.timeframe('x', 'date', OPTS))).toEqual({
      duckdb: 'CAST(x AS DATE)',
      postgres: 'CAST(x AS DATE)',
      bigquery: 'DATE(x)',
      snowflake: 'CAST(x AS DATE)',
      redshift: 'CAST(x AS DATE)',
      trino: 'CAST(x AS DATE)',
    });
  });

  it('timeframe: week', () => {
    expect(golden((d) => d.timeframe('x', 'week', OPTS))).toEqual({
      duckdb: "CAST((date_trunc('week', (x + (1) * INTERVAL '1 day')) + (-1) * INTERVAL '1 day') AS DATE)",
      postgres: "CAST((DATE_TRUNC('week', (x + (1) * INTERVAL '1 day')) + (-1) * INTERVAL '1 day') AS DATE)",
      bigquery: 'DATE(DATETIME_TRUNC(x, WEEK(SUNDAY)))',
      snowflake: "CAST(DATEADD(DAY, -MOD(DAYOFWEEKISO(x), 7), DATE_TRUNC('DAY', x)) AS DATE)",
      redshift: "CAST(DATEADD(day, -1, DATE_TRUNC('week', DATEADD(day, 1, x))) AS DATE)",
      trino: "CAST(date_add('day', -1, date_trunc('week', date_add('day', 1, x))) AS DATE)",
    });
  });

  it('timeframe: month', () => {
    expect(golden((d) => d.timeframe('x', 'month', OPTS))).toEqual({
      duckdb: "strftime(x, '%Y-%m')",
      postgres: "TO_CHAR(x, 'YYYY-MM')",
      bigquery: "FORMAT_DATETIME('%Y-%m', x)",
      snowflake: "TO_CHAR(x, 'YYYY-MM')",
      redshift: "TO_CHAR(x, 'YYYY-MM')",
      trino: 'substr(CAST(CAST(x AS TIMESTAMP(6)) AS VARCHAR), 1, 7)',
    });
  });

  it('timeframe: quarter', () => {
    expect(golden((d) => d.timeframe('x', 'quarter', OPTS))).toEqual({
      duckdb: "(CAST(year(x) AS VARCHAR) || '-Q' || CAST(quarter(x) AS VARCHAR))",
      postgres: "(CAST(CAST(EXTRACT(YEAR FROM x) AS INTEGER) AS VARCHAR) || '-Q' || CAST(CAST(EXTRACT(QUARTER FROM x) AS INTEGER) AS VARCHAR))",
      bigquery: "CONCAT(CAST(EXTRACT(YEAR FROM x) AS STRING), '-Q', CAST(EXTRACT(QUARTER FROM x) AS STRING))",
      snowflake: "(CAST(YEAR(x) AS VARCHAR) || '-Q' || CAST(QUARTER(x) AS VARCHAR))",
      redshift: "(CAST(CAST(EXTRACT(YEAR FROM x) AS INTEGER) AS VARCHAR) || '-Q' || CAST(CAST(EXTRACT(QUARTER FROM x) AS INTEGER) AS VARCHAR))",
      trino: "(CAST(year(x) AS VARCHAR) || '-Q' || CAST(quarter(x) AS VARCHAR))",
    });
  });

  it('timeframe: year', () => {
    expect(golden((d) => d.timeframe('x', 'year', OPTS))).toEqual({
      duckdb: 'year(x)',
      postgres: 'CAST(EXTRACT(YEAR FROM x) AS INTEGER)',
      bigquery: 'EXTRACT(YEAR FROM x)',
      snowflake: 'YEAR(x)',
      redshift: 'CAST(EXTRACT(YEAR FROM x) AS INTEGER)',
      trino: 'year(x)',
    });
  });

  it('timeframe: hour6', () => {
    expect(golden((d) => d.timeframe('x', 'hour6', OPTS))).toEqual({
      duckdb: "strftime((date_trunc('hour', x) + (-MOD(hour(x), 6)) * INTERVAL '1 hour'), '%Y-%m-%d %H')",
      postgres: "TO_CHAR((DATE_TRUNC('hour', x) + (-MOD(CAST(EXTRACT(HOUR FROM x) AS INTEGER), 6)) * INTERVAL '1 hour'), 'YYYY-MM-DD HH24')",
      bigquery: "FORMAT_DATETIME('%Y-%m-%d %H', DATETIME_ADD(DATETIME_TRUNC(x, HOUR), INTERVAL (-MOD(EXTRACT(HOUR FROM x), 6)) HOUR))",
      snowflake: "TO_CHAR(DATEADD(HOUR, -MOD(HOUR(x), 6), DATE_TRUNC('HOUR', x)), 'YYYY-MM-DD HH24')",
      redshift: "TO_CHAR(DATEADD(hour, -MOD(CAST(EXTRACT(HOUR FROM x) AS INTEGER), 6), DATE_TRUNC('hour', x)), 'YYYY-MM-DD HH24')",
      trino: "substr(CAST(CAST(date_add('hour', -mod(hour(x), 6), date_trunc('hour', x)) AS TIMESTAMP(6)) AS VARCHAR), 1, 13)",
    });
  });

  it('timeframe: minute15', () => {
    expect(golden((d) => d.timeframe('x', 'minute15', OPTS))).toEqual({
      duckdb: "strftime((date_trunc('minute', x) + (-MOD(minute(x), 15)) * INTERVAL '1 minute'), '%Y-%m-%d %H:%M')",
      postgres: "TO_CHAR((DATE_TRUNC('minute', x) + (-MOD(CAST(EXTRACT(MINUTE FROM x) AS INTEGER), 15)) * INTERVAL '1 minute'), 'YYYY-MM-DD HH24:MI')",
      bigquery: "FORMAT_DATETIME('%Y-%m-%d %H:%M', DATETIME_ADD(DATETIME_TRUNC(x, MINUTE), INTERVAL (-MOD(EXTRACT(MINUTE FROM x), 15)) MINUTE))",
      snowflake: "TO_CHAR(DATEADD(MINUTE, -MOD(MINUTE(x), 15), DATE_TRUNC('MINUTE', x)), 'YYYY-MM-DD HH24:MI')",
      redshift: "TO_CHAR(DATEADD(minute, -MOD(CAST(EXTRACT(MINUTE FROM x) AS INTEGER), 15), DATE_TRUNC('minute', x)), 'YYYY-MM-DD HH24:MI')",
      trino: "substr(CAST(CAST(date_add('minute', -mod(minute(x), 15), date_trunc('minute', x)) AS TIMESTAMP(6)) AS VARCHAR), 1, 16)",
    });
  });

  it('timeframe: millisecond', () => {
    expect(golden((d) => d.timeframe('x', 'millisecond', OPTS))).toEqual({
      duckdb: "strftime(x, '%Y-%m-%d %H:%M:%S.%g')",
      postgres: "TO_CHAR(x, 'YYYY-MM-DD HH24:MI:SS.MS')",
      bigquery: "FORMAT_DATETIME('%Y-%m-%d %H:%M:%E3S', x)",
      snowflake: "TO_CHAR(x, 'YYYY-MM-DD HH24:MI:SS.FF3')",
      redshift: "TO_CHAR(x, 'YYYY-MM-DD HH24:MI:SS.MS')",
      trino: 'substr(CAST(CAST(x AS TIMESTAMP(6)) AS VARCHAR), 1, 23)',
    });
  });

  it('timeframe: microsecond', () => {
    expect(golden((d) => d.timeframe('x', 'microsecond', OPTS))).toEqual({
      duckdb: "strftime(x, '%Y-%m-%d %H:%M:%S.%f')",
      postgres: "TO_CHAR(x, 'YYYY-MM-DD HH24:MI:SS.US')",
      bigquery: "FORMAT_DATETIME('%Y-%m-%d %H:%M:%E6S', x)",
      snowflake: "TO_CHAR(x, 'YYYY-MM-DD HH24:MI:SS.FF6')",
      redshift: "TO_CHAR(x, 'YYYY-MM-DD HH24:MI:SS.US')",
      trino: 'substr(CAST(CAST(x AS TIMESTAMP(6)) AS VARCHAR), 1, 26)',
    });
  });

  it('timeframe: time_of_day', () => {
    expect(golden((d) => d.timeframe('x', 'time_of_day', OPTS))).toEqual({
      duckdb: "strftime(x, '%H:%M')",
      postgres: "TO_CHAR(x, 'HH24:MI')",
      bigquery: "FORMAT_DATETIME('%H:%M', x)",
      snowflake: "TO_CHAR(x, 'HH24:MI')",
      redshift: "TO_CHAR(x, 'HH24:MI')",
      trino: 'substr(CAST(CAST(x AS TIMESTAMP(6)) AS VARCHAR), 12, 5)',
    });
  });

  it('timeframe: day_of_week', () => {
    expect(golden((d) => d.timeframe('x', 'day_of_week', OPTS))).toEqual({
      duckdb: 'dayname(x)',
      postgres: "TO_CHAR(x, 'FMDay')",
      bigquery: "FORMAT_DATETIME('%A', x)",
      snowflake: "CASE DAYOFWEEKISO(x) WHEN 1 THEN 'Monday' WHEN 2 THEN 'Tuesday' WHEN 3 THEN 'Wednesday' WHEN 4 THEN 'Thursday' WHEN 5 THEN 'Friday' WHEN 6 THEN 'Saturday' WHEN 7 THEN 'Sunday' END",
      redshift: "CASE (MOD(CAST(EXTRACT(DOW FROM x) AS INTEGER) + 6, 7) + 1) WHEN 1 THEN 'Monday' WHEN 2 THEN 'Tuesday' WHEN 3 THEN 'Wednesday' WHEN 4 THEN 'Thursday' WHEN 5 THEN 'Friday' WHEN 6 THEN 'Saturday' WHEN 7 THEN 'Sunday' END",
      trino: "CASE day_of_week(x) WHEN 1 THEN 'Monday' WHEN 2 THEN 'Tuesday' WHEN 3 THEN 'Wednesday' WHEN 4 THEN 'Thursday' WHEN 5 THEN 'Friday' WHEN 6 THEN 'Saturday' WHEN 7 THEN 'Sunday' END",
    });
  });

  it('timeframe: day_of_week_index', () => {
    expect(golden((d) => d.timeframe('x', 'day_of_week_index', OPTS))).toEqual({
      duckdb: 'MOD(isodow(x), 7)',
      postgres: 'MOD(CAST(EXTRACT(ISODOW FROM x) AS INTEGER), 7)',
      bigquery: 'MOD((MOD(EXTRACT(DAYOFWEEK FROM x) + 5, 7) + 1), 7)',
      snowflake: 'MOD(DAYOFWEEKISO(x), 7)',
      redshift: 'MOD((MOD(CAST(EXTRACT(DOW FROM x) AS INTEGER) + 6, 7) + 1), 7)',
      trino: 'mod(day_of_week(x), 7)',
    });
  });

  it('timeframe: week_of_year', () => {
    expect(golden((d) => d.timeframe('x', 'week_of_year', OPTS))).toEqual({
      duckdb: 'week(x)',
      postgres: 'CAST(EXTRACT(WEEK FROM x) AS INTEGER)',
      bigquery: 'EXTRACT(ISOWEEK FROM x)',
      snowflake: 'WEEKISO(x)',
      redshift: 'CAST(EXTRACT(WEEK FROM x) AS INTEGER)',
      trino: 'week(x)',
    });
  });

  it('timeframe: month_name', () => {
    expect(golden((d) => d.timeframe('x', 'month_name', OPTS))).toEqual({
      duckdb: 'monthname(x)',
      postgres: "TO_CHAR(x, 'FMMonth')",
      bigquery: "FORMAT_DATETIME('%B', x)",
      snowflake: "TO_CHAR(x, 'MMMM')",
      redshift: "CASE CAST(EXTRACT(MONTH FROM x) AS INTEGER) WHEN 1 THEN 'January' WHEN 2 THEN 'February' WHEN 3 THEN 'March' WHEN 4 THEN 'April' WHEN 5 THEN 'May' WHEN 6 THEN 'June' WHEN 7 THEN 'July' WHEN 8 THEN 'August' WHEN 9 THEN 'September' WHEN 10 THEN 'October' WHEN 11 THEN 'November' WHEN 12 THEN 'December' END",
      trino: "CASE month(x) WHEN 1 THEN 'January' WHEN 2 THEN 'February' WHEN 3 THEN 'March' WHEN 4 THEN 'April' WHEN 5 THEN 'May' WHEN 6 THEN 'June' WHEN 7 THEN 'July' WHEN 8 THEN 'August' WHEN 9 THEN 'September' WHEN 10 THEN 'October' WHEN 11 THEN 'November' WHEN 12 THEN 'December' END",
    });
  });

  it('timeframe: quarter_of_year', () => {
    expect(golden((d) => d.timeframe('x', 'quarter_of_year', OPTS))).toEqual({
      duckdb: "('Q' || CAST(quarter(x) AS VARCHAR))",
      postgres: "('Q' || CAST(CAST(EXTRACT(QUARTER FROM x) AS INTEGER) AS VARCHAR))",
      bigquery: "CONCAT('Q', CAST(EXTRACT(QUARTER FROM x) AS STRING))",
      snowflake: "('Q' || CAST(QUARTER(x) AS VARCHAR))",
      redshift: "('Q' || CAST(CAST(EXTRACT(QUARTER FROM x) AS INTEGER) AS VARCHAR))",
      trino: "('Q' || CAST(quarter(x) AS VARCHAR))",
    });
  });

  it('timeframe: yesno', () => {
    expect(golden((d) => d.timeframe('x', 'yesno', OPTS))).toEqual({
      duckdb: "CASE WHEN x IS NOT NULL THEN 'Yes' ELSE 'No' END",
      postgres: "CASE WHEN x IS NOT NULL THEN 'Yes' ELSE 'No' END",
      bigquery: "CASE WHEN x IS NOT NULL THEN 'Yes' ELSE 'No' END",
      snowflake: "CASE WHEN x IS NOT NULL THEN 'Yes' ELSE 'No' END",
      redshift: "CASE WHEN x IS NOT NULL THEN 'Yes' ELSE 'No' END",
      trino: "CASE WHEN x IS NOT NULL THEN 'Yes' ELSE 'No' END",
    });
  });

  it('timeframe: fiscal_year', () => {
    expect(golden((d) => d.timeframe('x', 'fiscal_year', OPTS))).toEqual({
      duckdb: "year((x + (-3) * INTERVAL '1 month'))",
      postgres: "CAST(EXTRACT(YEAR FROM (x + (-3) * INTERVAL '1 month')) AS INTEGER)",
      bigquery: 'EXTRACT(YEAR FROM DATETIME_ADD(x, INTERVAL -3 MONTH))',
      snowflake: 'YEAR(DATEADD(MONTH, -3, x))',
      redshift: 'CAST(EXTRACT(YEAR FROM DATEADD(month, -3, x)) AS INTEGER)',
      trino: "year(date_add('month', -3, x))",
    });
  });

  it('timeframe: fiscal_quarter', () => {
    expect(golden((d) => d.timeframe('x', 'fiscal_quarter', OPTS))).toEqual({
      duckdb: "(CAST(year((x + (-3) * INTERVAL '1 month')) AS VARCHAR) || '-Q' || CAST(quarter((x + (-3) * INTERVAL '1 month')) AS VARCHAR))",
      postgres: "(CAST(CAST(EXTRACT(YEAR FROM (x + (-3) * INTERVAL '1 month')) AS INTEGER) AS VARCHAR) || '-Q' || CAST(CAST(EXTRACT(QUARTER FROM (x + (-3) * INTERVAL '1 month')) AS INTEGER) AS VARCHAR))",
      bigquery: "CONCAT(CAST(EXTRACT(YEAR FROM DATETIME_ADD(x, INTERVAL -3 MONTH)) AS STRING), '-Q', CAST(EXTRACT(QUARTER FROM DATETIME_ADD(x, INTERVAL -3 MONTH)) AS STRING))",
      snowflake: "(CAST(YEAR(DATEADD(MONTH, -3, x)) AS VARCHAR) || '-Q' || CAST(QUARTER(DATEADD(MONTH, -3, x)) AS VARCHAR))",
      redshift: "(CAST(CAST(EXTRACT(YEAR FROM DATEADD(month, -3, x)) AS INTEGER) AS VARCHAR) || '-Q' || CAST(CAST(EXTRACT(QUARTER FROM DATEADD(month, -3, x)) AS INTEGER) AS VARCHAR))",
      trino: "(CAST(year(date_add('month', -3, x)) AS VARCHAR) || '-Q' || CAST(quarter(date_add('month', -3, x)) AS VARCHAR))",
    });
  });

  it('timeframe: fiscal_month_num', () => {
    expect(golden((d) => d.timeframe('x', 'fiscal_month_num', OPTS))).toEqual({
      duckdb: "month((x + (-3) * INTERVAL '1 month'))",
      postgres: "CAST(EXTRACT(MONTH FROM (x + (-3) * INTERVAL '1 month')) AS INTEGER)",
      bigquery: 'EXTRACT(MONTH FROM DATETIME_ADD(x, INTERVAL -3 MONTH))',
      snowflake: 'MONTH(DATEADD(MONTH, -3, x))',
      redshift: 'CAST(EXTRACT(MONTH FROM DATEADD(month, -3, x)) AS INTEGER)',
      trino: "month(date_add('month', -3, x))",
    });
  });

  it('durationBetween: seconds', () => {
    expect(golden((d) => d.durationBetween('s', 'e', 'second'))).toEqual({
      duckdb: '(((epoch_us(e) - epoch_us(s))) // 1000000)',
      postgres: 'CAST(TRUNC(((EXTRACT(EPOCH FROM (e) - (s)) * 1000000)) / 1000000) AS BIGINT)',
      bigquery: 'DIV(DATETIME_DIFF(e, s, MICROSECOND), 1000000)',
      snowflake: 'CAST(TRUNC((DATEDIFF(MICROSECOND, s, e)) / 1000000) AS INTEGER)',
      redshift: '((DATEDIFF(microsecond, s, e)) / 1000000)',
      trino: "date_diff('second', s, e)",
    });
  });

  it('durationBetween: days', () => {
    expect(golden((d) => d.durationBetween('s', 'e', 'day'))).toEqual({
      duckdb: '(((epoch_us(e) - epoch_us(s))) // 86400000000)',
      postgres: 'CAST(TRUNC(((EXTRACT(EPOCH FROM (e) - (s)) * 1000000)) / 86400000000) AS BIGINT)',
      bigquery: 'DIV(DATETIME_DIFF(e, s, MICROSECOND), 86400000000)',
      snowflake: 'CAST(TRUNC((DATEDIFF(MICROSECOND, s, e)) / 86400000000) AS INTEGER)',
      redshift: '((DATEDIFF(microsecond, s, e)) / 86400000000)',
      trino: "date_diff('day', s, e)",
    });
  });

  it('durationBetween: months', () => {
    expect(golden((d) => d.durationBetween('s', 'e', 'month'))).toEqual({
      duckdb: "(((year(e) - year(s)) * 12 + (month(e) - month(s))) - CASE WHEN e >= s AND (s + (((year(e) - year(s)) * 12 + (month(e) - month(s)))) * INTERVAL '1 month') > e THEN 1 WHEN e < s AND (s + (((year(e) - year(s)) * 12 + (month(e) - month(s)))) * INTERVAL '1 month') < e THEN -1 ELSE 0 END)",
      postgres: "(((CAST(EXTRACT(YEAR FROM e) AS INTEGER) - CAST(EXTRACT(YEAR FROM s) AS INTEGER)) * 12 + (CAST(EXTRACT(MONTH FROM e) AS INTEGER) - CAST(EXTRACT(MONTH FROM s) AS INTEGER))) - CASE WHEN e >= s AND (s + (((CAST(EXTRACT(YEAR FROM e) AS INTEGER) - CAST(EXTRACT(YEAR FROM s) AS INTEGER)) * 12 + (CAST(EXTRACT(MONTH FROM e) AS INTEGER) - CAST(EXTRACT(MONTH FROM s) AS INTEGER)))) * INTERVAL '1 month') > e THEN 1 WHEN e < s AND (s + (((CAST(EXTRACT(YEAR FROM e) AS INTEGER) - CAST(EXTRACT(YEAR FROM s) AS INTEGER)) * 12 + (CAST(EXTRACT(MONTH FROM e) AS INTEGER) - CAST(EXTRACT(MONTH FROM s) AS INTEGER)))) * INTERVAL '1 month') < e THEN -1 ELSE 0 END)",
      bigquery: '(((EXTRACT(YEAR FROM e) - EXTRACT(YEAR FROM s)) * 12 + (EXTRACT(MONTH FROM e) - EXTRACT(MONTH FROM s))) - CASE WHEN e >= s AND DATETIME_ADD(s, INTERVAL (((EXTRACT(YEAR FROM e) - EXTRACT(YEAR FROM s)) * 12 + (EXTRACT(MONTH FROM e) - EXTRACT(MONTH FROM s)))) MONTH) > e THEN 1 WHEN e < s AND DATETIME_ADD(s, INTERVAL (((EXTRACT(YEAR FROM e) - EXTRACT(YEAR FROM s)) * 12 + (EXTRACT(MONTH FROM e) - EXTRACT(MONTH FROM s)))) MONTH) < e THEN -1 ELSE 0 END)',
      snowflake: '(((YEAR(e) - YEAR(s)) * 12 + (MONTH(e) - MONTH(s))) - CASE WHEN e >= s AND DATEADD(MONTH, ((YEAR(e) - YEAR(s)) * 12 + (MONTH(e) - MONTH(s))), s) > e THEN 1 WHEN e < s AND DATEADD(MONTH, ((YEAR(e) - YEAR(s)) * 12 + (MONTH(e) - MONTH(s))), s) < e THEN -1 ELSE 0 END)',
      redshift: '(((CAST(EXTRACT(YEAR FROM e) AS INTEGER) - CAST(EXTRACT(YEAR FROM s) AS INTEGER)) * 12 + (CAST(EXTRACT(MONTH FROM e) AS INTEGER) - CAST(EXTRACT(MONTH FROM s) AS INTEGER))) - CASE WHEN e >= s AND DATEADD(month, ((CAST(EXTRACT(YEAR FROM e) AS INTEGER) - CAST(EXTRACT(YEAR FROM s) AS INTEGER)) * 12 + (CAST(EXTRACT(MONTH FROM e) AS INTEGER) - CAST(EXTRACT(MONTH FROM s) AS INTEGER))), s) > e THEN 1 WHEN e < s AND DATEADD(month, ((CAST(EXTRACT(YEAR FROM e) AS INTEGER) - CAST(EXTRACT(YEAR FROM s) AS INTEGER)) * 12 + (CAST(EXTRACT(MONTH FROM e) AS INTEGER) - CAST(EXTRACT(MONTH FROM s) AS INTEGER))), s) < e THEN -1 ELSE 0 END)',
      trino: "date_diff('month', s, e)",
    });
  });

  it('durationBetween: years', () => {
    expect(golden((d) => d.durationBetween('s', 'e', 'year'))).toEqual({
      duckdb: "(((((year(e) - year(s)) * 12 + (month(e) - month(s))) - CASE WHEN e >= s AND (s + (((year(e) - year(s)) * 12 + (month(e) - month(s)))) * INTERVAL '1 month') > e THEN 1 WHEN e < s AND (s + (((year(e) - year(s)) * 12 + (month(e) - month(s)))) * INTERVAL '1 month') < e THEN -1 ELSE 0 END)) // 12)",
      postgres: "CAST(TRUNC(((((CAST(EXTRACT(YEAR FROM e) AS INTEGER) - CAST(EXTRACT(YEAR FROM s) AS INTEGER)) * 12 + (CAST(EXTRACT(MONTH FROM e) AS INTEGER) - CAST(EXTRACT(MONTH FROM s) AS INTEGER))) - CASE WHEN e >= s AND (s + (((CAST(EXTRACT(YEAR FROM e) AS INTEGER) - CAST(EXTRACT(YEAR FROM s) AS INTEGER)) * 12 + (CAST(EXTRACT(MONTH FROM e) AS INTEGER) - CAST(EXTRACT(MONTH FROM s) AS INTEGER)))) * INTERVAL '1 month') > e THEN 1 WHEN e < s AND (s + (((CAST(EXTRACT(YEAR FROM e) AS INTEGER) - CAST(EXTRACT(YEAR FROM s) AS INTEGER)) * 12 + (CAST(EXTRACT(MONTH FROM e) AS INTEGER) - CAST(EXTRACT(MONTH FROM s) AS INTEGER)))) * INTERVAL '1 month') < e THEN -1 ELSE 0 END)) / 12) AS BIGINT)",
      bigquery: 'DIV((((EXTRACT(YEAR FROM e) - EXTRACT(YEAR FROM s)) * 12 + (EXTRACT(MONTH FROM e) - EXTRACT(MONTH FROM s))) - CASE WHEN e >= s AND DATETIME_ADD(s, INTERVAL (((EXTRACT(YEAR FROM e) - EXTRACT(YEAR FROM s)) * 12 + (EXTRACT(MONTH FROM e) - EXTRACT(MONTH FROM s)))) MONTH) > e THEN 1 WHEN e < s AND DATETIME_ADD(s, INTERVAL (((EXTRACT(YEAR FROM e) - EXTRACT(YEAR FROM s)) * 12 + (EXTRACT(MONTH FROM e) - EXTRACT(MONTH FROM s)))) MONTH) < e THEN -1 ELSE 0 END), 12)',
      snowflake: 'CAST(TRUNC(((((YEAR(e) - YEAR(s)) * 12 + (MONTH(e) - MONTH(s))) - CASE WHEN e >= s AND DATEADD(MONTH, ((YEAR(e) - YEAR(s)) * 12 + (MONTH(e) - MONTH(s))), s) > e THEN 1 WHEN e < s AND DATEADD(MONTH, ((YEAR(e) - YEAR(s)) * 12 + (MONTH(e) - MONTH(s))), s) < e THEN -1 ELSE 0 END)) / 12) AS INTEGER)',
      redshift: '(((((CAST(EXTRACT(YEAR FROM e) AS INTEGER) - CAST(EXTRACT(YEAR FROM s) AS INTEGER)) * 12 + (CAST(EXTRACT(MONTH FROM e) AS INTEGER) - CAST(EXTRACT(MONTH FROM s) AS INTEGER))) - CASE WHEN e >= s AND DATEADD(month, ((CAST(EXTRACT(YEAR FROM e) AS INTEGER) - CAST(EXTRACT(YEAR FROM s) AS INTEGER)) * 12 + (CAST(EXTRACT(MONTH FROM e) AS INTEGER) - CAST(EXTRACT(MONTH FROM s) AS INTEGER))), s) > e THEN 1 WHEN e < s AND DATEADD(month, ((CAST(EXTRACT(YEAR FROM e) AS INTEGER) - CAST(EXTRACT(YEAR FROM s) AS INTEGER)) * 12 + (CAST(EXTRACT(MONTH FROM e) AS INTEGER) - CAST(EXTRACT(MONTH FROM s) AS INTEGER))), s) < e THEN -1 ELSE 0 END)) / 12)',
      trino: "date_diff('year', s, e)",
    });
  });

  it('percentile', () => {
    expect(golden((d) => d.percentile('x', 0.9))).toEqual({
      duckdb: 'quantile_cont(x, 0.9)',
      postgres: 'PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY x)',
      bigquery: 'APPROX_QUANTILES(x, 1000)[OFFSET(900)]',
      snowflake: 'PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY x)',
      redshift: 'PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY x)',
      trino: 'approx_percentile(x, 0.9)',
    });
  });

  it('listAgg', () => {
    expect(golden((d) => d.listAgg('x'))).toEqual({
      duckdb: "string_agg(DISTINCT CAST(x AS VARCHAR), ', ' ORDER BY CAST(x AS VARCHAR))",
      postgres: "STRING_AGG(DISTINCT CAST(x AS VARCHAR), ', ' ORDER BY CAST(x AS VARCHAR))",
      bigquery: "STRING_AGG(DISTINCT CAST(x AS STRING), ', ' ORDER BY CAST(x AS STRING))",
      snowflake: "LISTAGG(DISTINCT CAST(x AS VARCHAR), ', ') WITHIN GROUP (ORDER BY CAST(x AS VARCHAR))",
      redshift: "LISTAGG(DISTINCT CAST(x AS VARCHAR), ', ') WITHIN GROUP (ORDER BY CAST(x AS VARCHAR))",
      trino: "array_join(array_sort(array_distinct(array_agg(CAST(x AS VARCHAR)) FILTER (WHERE x IS NOT NULL))), ', ')",
    });
  });

  it('symmetricSum', () => {
    expect(golden((d) => d.symmetricSum('v', 'k'))).toEqual({
      duckdb: 'COALESCE(CAST(SUM(DISTINCT CAST(ROUND(COALESCE(v, 0) * 1000000) AS HUGEINT) + CAST(md5_number_lower(CAST(k AS VARCHAR)) AS HUGEINT)) - SUM(DISTINCT CAST(md5_number_lower(CAST(k AS VARCHAR)) AS HUGEINT)) AS DECIMAL(38,0)) * 0.000001, 0)',
      postgres: "COALESCE((SUM(DISTINCT CAST(ROUND(COALESCE(v, 0) * 1000000) AS DECIMAL(65,0)) + (CAST(CAST(CAST(('x' || MD5(CAST(k AS VARCHAR))) AS BIT(64)) AS BIGINT) AS DECIMAL(65,0)) * 18446744073709551616 + CAST(CAST(CAST(('x' || SUBSTR(MD5(CAST(k AS VARCHAR)), 17)) AS BIT(64)) AS BIGINT) AS DECIMAL(65,0)))) - SUM(DISTINCT (CAST(CAST(CAST(('x' || MD5(CAST(k AS VARCHAR))) AS BIT(64)) AS BIGINT) AS DECIMAL(65,0)) * 18446744073709551616 + CAST(CAST(CAST(('x' || SUBSTR(MD5(CAST(k AS VARCHAR)), 17)) AS BIT(64)) AS BIGINT) AS DECIMAL(65,0))))) * 0.000001, 0)",
      bigquery: 'COALESCE((SUM(DISTINCT ROUND(CAST(COALESCE(v, 0) AS NUMERIC) * 1000000) + CAST(FARM_FINGERPRINT(CAST(k AS STRING)) AS NUMERIC)) - SUM(DISTINCT CAST(FARM_FINGERPRINT(CAST(k AS STRING)) AS NUMERIC))) / 1000000, 0)',
      snowflake: 'COALESCE((SUM(DISTINCT CAST(ROUND(CAST(COALESCE(v, 0) AS NUMBER(38,6)) * 1000000) AS NUMBER(38,0)) + MD5_NUMBER_LOWER64(CAST(k AS VARCHAR))) - SUM(DISTINCT MD5_NUMBER_LOWER64(CAST(k AS VARCHAR)))) * 0.000001, 0)',
      redshift: 'COALESCE((SUM(DISTINCT CAST(ROUND(COALESCE(v, 0) * 1000000) AS DECIMAL(38,0)) + CAST(STRTOL(LEFT(MD5(CAST(k AS VARCHAR)), 15), 16) AS DECIMAL(38,0))) - SUM(DISTINCT CAST(STRTOL(LEFT(MD5(CAST(k AS VARCHAR)), 15), 16) AS DECIMAL(38,0)))) * 0.000001, 0)',
      trino: "COALESCE(CAST(SUM(DISTINCT CAST(ROUND(CAST(COALESCE(v, 0) AS DECIMAL(38,6)) * 1000000) AS DECIMAL(38,0)) + CAST(from_big_endian_64(xxhash64(to_utf8(CAST(k AS VARCHAR)))) AS DECIMAL(38,0))) - SUM(DISTINCT CAST(from_big_endian_64(xxhash64(to_utf8(CAST(k AS VARCHAR)))) AS DECIMAL(38,0))) AS DECIMAL(38,0)) * DECIMAL '0.000001', 0)",
    });
  });

  it('like: case-sensitive with escaped %', () => {
    expect(golden((d) => d.like('x', 'a\\%b', false))).toEqual({
      duckdb: String.raw`x LIKE 'a\%b' ESCAPE '\'`,
      postgres: String.raw`x LIKE E'a\\%b' ESCAPE E'\\'`,
      bigquery: String.raw`x LIKE 'a\\%b'`,
      snowflake: String.raw`x LIKE 'a\\%b' ESCAPE '\\'`,
      redshift: String.raw`x LIKE 'a\\%b' ESCAPE '\\'`,
      trino: String.raw`x LIKE 'a\%b' ESCAPE '\'`,
    });
  });

  it('like: case-insensitive', () => {
    expect(golden((d) => d.like('x', 'a\\%b', true))).toEqual({
      duckdb: String.raw`x ILIKE 'a\%b' ESCAPE '\'`,
      postgres: String.raw`x ILIKE E'a\\%b' ESCAPE E'\\'`,
      bigquery: String.raw`LOWER(x) LIKE LOWER('a\\%b')`,
      snowflake: String.raw`x ILIKE 'a\\%b' ESCAPE '\\'`,
      redshift: String.raw`x ILIKE 'a\\%b' ESCAPE '\\'`,
      trino: String.raw`LOWER(x) LIKE LOWER('a\%b') ESCAPE '\'`,
    });
  });

  it('limitClause', () => {
    expect(golden((d) => [d.limitClause(10), d.limitClause(null)].join('|'))).toEqual({
      duckdb: 'LIMIT 10|',
      postgres: 'LIMIT 10|',
      bigquery: 'LIMIT 10|',
      snowflake: 'LIMIT 10|',
      redshift: 'LIMIT 10|',
      trino: 'LIMIT 10|',
    });
  });
});

describe('deterministic errors', () => {
  it('rejects malformed literals in every dialect', () => {
    for (const d of Object.values(DIALECTS)) {
      expect(() => d.numberLiteral('1; DROP')).toThrow(/Not a decimal number/);
      expect(() => d.dateLiteral('2023-02-29')).toThrow(/Not a date/);
      expect(() => d.timestampLiteral("2024-01-01 00:00:00' OR 1=1")).toThrow(/Not a timestamp/);
      expect(() => d.limitClause(-1)).toThrow(/LIMIT/);
      expect(() => d.percentile('x', 1)).toThrow(/between 0 and 1/);
      expect(() => d.addInterval('x', 'day', 1.5)).toThrow(/integer/);
    }
  });

  it('Trino cannot add microseconds', () => {
    expect(() => trinoDialect.addInterval('x', 'microsecond', 5)).toThrow('Trino cannot add microseconds to a timestamp');
  });
});
