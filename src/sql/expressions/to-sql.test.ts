import { describe, expect, it } from 'vitest';
import type { Dialect } from '../dialects/dialect.ts';
import { duckdbDialect } from '../dialects/duckdb.ts';
import { postgresDialect } from '../dialects/postgres.ts';
import { QueryError } from '../errors.ts';
import type { ExprType } from './ast.ts';
import { parseExpression } from './parser.ts';
import { compileCondition, compileExpression, type ExpressionContext } from './to-sql.ts';

const FIELDS: Readonly<Record<string, ExprType>> = { 't.n': 'number', 't.s': 'string', 't.d': 'date', 't.b': 'boolean' };

function ctx(dialect: Dialect = duckdbDialect, now?: string): ExpressionContext {
  return {
    dialect, timezone: 'UTC', weekStartDay: 'monday', label: 'filter_expression',
    ...(now !== undefined ? { now } : {}),
    field: (ref) => {
      const type = FIELDS[ref.name];
      if (!type) throw new Error(`no field ${ref.name}`);
      return { sql: ref.name, type };
    },
    matchesFilter: (ref, filter) => `(${ref.name} MATCHES ${JSON.stringify(filter)})`,
  };
}

const sql = (text: string, dialect?: Dialect): string => compileExpression(parseExpression(text), ctx(dialect, '2024-03-13 15:30:00')).sql;

function error(text: string): [number | undefined, string] {
  try {
    compileCondition(parseExpression(text, 'filter_expression'), ctx());
  } catch (e) {
    if (e instanceof QueryError) return [e.position, e.message];
    throw e;
  }
  throw new Error(`compiled: ${text}`);
}

describe('compileExpression: operators and literals', () => {
  it.each([
    ['1=2', '(1 = 2)'],
    ['${t.n} + 1 * 2 - 3', '((t.n + (1 * 2)) - 3)'],
    ['${t.n} / 4 > 1', "((CAST(t.n AS DOUBLE) / NULLIF(4, 0)) > 1)"],
    ['2 - -3 = - ${t.n}', '((2 - -3) = (- t.n))'],
    ['${t.s} = "it\'s" AND ${t.s} != "x" OR NOT ${t.b}', "(((t.s = 'it''s') AND (t.s <> 'x')) OR (NOT t.b))"],
    ['${t.b} = yes', '(t.b = TRUE)'],
    ['${t.s} = null OR null != ${t.n}', '((t.s IS NULL) OR (t.n IS NOT NULL))'],
    ['${t.d} >= "2024-01-31"', "(t.d >= TIMESTAMP '2024-01-31 00:00:00')"],
    ['"2024-01-31 10:00:00" < ${t.d}', "(TIMESTAMP '2024-01-31 10:00:00' < t.d)"],
    ['${t.s} = "\'; DROP TABLE x; --"', "(t.s = '''; DROP TABLE x; --')"],
    ['${t.n} = 1.5e3', '(t.n = 1.5e3)'],
  ])('%s', (text, expected) => {
    expect(sql(text)).toBe(expected);
  });

  it('escapes string literals per dialect (PostgreSQL backslashes)', () => {
    expect(sql('${t.s} = "a\\\\b"', postgresDialect)).toBe("(t.s = E'a\\\\b')");
  });
});

describe('compileExpression: functions', () => {
  it.each([
    ['abs(${t.n}) + ceiling(1.5) + floor(${t.n}) + exp(0) + ln(1) + sqrt(4)', '(((((ABS(t.n) + CEIL(1.5)) + FLOOR(t.n)) + EXP(0)) + LN(1)) + SQRT(4))'],
    ['log(100) + power(${t.n}, 2) + mod(${t.n}, 3) + round(${t.n}, 2) + round(${t.n})', '((((LOG10(100) + POWER(t.n, 2)) + MOD(t.n, 3)) + ROUND(t.n, 2)) + ROUND(t.n, 0))'],
    ['concat(${t.s}, "-", ${t.n})', "(t.s || '-' || CAST(t.n AS VARCHAR))"],
    ['contains(${t.s}, "50%_off\\\\")', "(t.s LIKE '%50\\%\\_off\\\\%' ESCAPE '\\')"],
    ['starts_with(${t.s}, "a")', "(t.s LIKE 'a%' ESCAPE '\\')"],
    ['ends_with(lower(${t.s}), "z")', "(LOWER(t.s) LIKE '%z' ESCAPE '\\')"],
    ['length(upper(${t.s}))', 'LENGTH(UPPER(t.s))'],
    ['substring(${t.s}, 2, 3)', 'SUBSTR(t.s, 2, 3)'],
    ['replace(${t.s}, "a", "b")', "REPLACE(t.s, 'a', 'b')"],
    ['now()', "TIMESTAMP '2024-03-13 15:30:00'"],
    ['date(2024, 2, 29)', "TIMESTAMP '2024-02-29 00:00:00'"],
    ['date_time(2024, 2, 29, 23, 5, 9)', "TIMESTAMP '2024-02-29 23:05:09'"],
    ['add_days(-1, ${t.d})', "(t.d + (-1) * INTERVAL '1 day')"],
    ['add_years(2, ${t.d})', "(t.d + (24) * INTERVAL '1 month')"],
    ['add_hours(3, ${t.d})', "(t.d + (3) * INTERVAL '1 hour')"],
    ['diff_days(${t.d}, now())', "(((epoch_us(TIMESTAMP '2024-03-13 15:30:00') - epoch_us(t.d))) // 86400000000)"],
    ['extract_years(${t.d})', 'year(t.d)'],
    ['extract_months(${t.d})', 'month(t.d)'],
    ['extract_days(${t.d})', 'day(t.d)'],
    ['extract_hours(${t.d})', 'hour(t.d)'],
    ['extract_minutes(${t.d})', 'minute(t.d)'],
    ['extract_seconds(${t.d})', "(((epoch_us(t.d) - epoch_us(date_trunc('minute', t.d)))) // 1000000)"],
    ['trunc_months(${t.d})', "date_trunc('month', t.d)"],
    ['trunc_days(${t.d})', "date_trunc('day', t.d)"],
    ['if(${t.b}, "y", null)', "CASE WHEN t.b THEN 'y' ELSE NULL END"],
    ['case(when(${t.n} > 1, "big"), when(${t.n} > 0, "small"), "none")', "CASE WHEN (t.n > 1) THEN 'big' WHEN (t.n > 0) THEN 'small' ELSE 'none' END"],
    ['case(when(${t.b}, 1))', 'CASE WHEN t.b THEN 1 END'],
    ['coalesce(${t.n}, 0)', 'COALESCE(t.n, 0)'],
    ['is_null(${t.s})', '(t.s IS NULL)'],
    ['matches_filter(${t.d}, `last 7 days`)', '(t.d MATCHES "last 7 days")'],
    ['IS_NULL(${t.s})', '(t.s IS NULL)'],
  ])('%s', (text, expected) => {
    expect(sql(text)).toBe(expected);
  });

  it('uses the dialect hooks for round and log', () => {
    expect(sql('round(${t.n}, 1) + log(${t.n})', postgresDialect)).toBe('(ROUND(CAST(t.n AS NUMERIC), 1) + LOG10(t.n))');
  });

  it('uses the database clock when now is not pinned', () => {
    expect(compileExpression(parseExpression('now()'), { ...ctx(), timezone: 'Europe/Paris' }).sql).toBe("timezone('Europe/Paris', current_timestamp)");
  });

  it('types results', () => {
    const type = (t: string): ExprType => compileExpression(parseExpression(t), ctx()).type;
    expect([type('length(${t.s})'), type('if(yes, null, ${t.d})'), type('concat(1)'), type('coalesce(null, null)'), type('${t.n} > 1')])
      .toEqual(['number', 'date', 'string', 'null', 'boolean']);
  });
});

describe('compile errors carry the position of the offending part', () => {
  it.each([
    ['${t.n} + 1', 1, 'a filter must be a yes/no expression, but this is a number'],
    ['${t.s} + 1 = 2', 1, "'+' needs a number, not a string"],
    ['${t.n} AND yes', 1, 'AND needs a yes/no value, not a number'],
    ['NOT ${t.s}', 5, 'NOT needs a yes/no value, not a string'],
    ['${t.n} = "5"', 1, 'cannot compare a number with a string'],
    ['${t.d} > "last week"', 10, '"last week" is not a date; write date(2024, 1, 31) or "2024-01-31"'],
    ['${t.b} > no', 1, 'yes/no values can only be compared with = or !='],
    ['${t.n} > null', 1, "'>' cannot compare with null; use is_null(…)"],
    ['foo(1) = 1', 1, "unknown function 'foo'"],
    ['yes AND offset(${t.n}, 1) = 1', 9, 'offset() is only available in table calculations, not in filters'],
    ['rand() < 0.5', 1, 'rand() is not supported in Overlook filter expressions'],
    ['when(yes, 1) = 1', 1, 'when(…) can only be an argument of case(…)'],
    ['abs(1, 2) = 1', 1, 'abs() takes 1 argument, got 2'],
    ['round() = 1', 1, 'round() takes 1 to 2 arguments, got 0'],
    ['coalesce() = 1', 1, 'coalesce() takes at least 1 arguments, got 0'],
    ['length(${t.n}) = 1', 8, 'argument 1 of length() needs a string, not a number'],
    ['add_days(${t.n}, ${t.d}) > now()', 10, 'add_days() needs the count as a whole number written in the expression'],
    ['add_days(1.5, ${t.d}) > now()', 10, 'add_days() needs the count as a whole number written in the expression'],
    ['round(${t.n}, ${t.n}) = 1', 15, 'round() needs the number of decimals as a whole number written in the expression'],
    ['contains(${t.s}, ${t.s})', 18, 'contains() needs the text to look for as a "string" written in the expression'],
    ['date(2023, 2, 29) < now()', 1, 'date(2023, 2, 29) is not a valid date'],
    ['date(2023, 13, 1) < now()', 1, 'date(2023, 13, 1) is not a valid date'],
    ['date_time(2023, 1, 1, 24, 0, 0) < now()', 1, 'date_time(2023, 1, 1, 24, 0, 0) is not a valid date'],
    ['if(${t.b}, 1, "x") = 1', 15, 'the two results of if() must all have the same type: found a number and a string'],
    ['case(when(yes, 1), yes, 2) = 1', 20, 'case() takes when(condition, value) arguments and an optional else value last'],
    ['case(when(yes)) = 1', 6, 'when() takes 2 arguments, got 1'],
    ['matches_filter("x", `y`)', 16, 'matches_filter() needs a field reference like ${view.field} as its first argument'],
    ['matches_filter(${t.s}, "y")', 24, 'matches_filter() needs a `backtick` Looker filter expression as its second argument'],
    ['${t.s} = `x`', 10, 'a `backtick` filter expression can only be the second argument of matches_filter'],
    ['coalesce(${t.n}, "0") = 1', 18, 'the arguments of coalesce() must all have the same type: found a number and a string'],
  ])('%s', (text, character, problem) => {
    expect(error(text)).toEqual([character - 1, `Invalid filter_expression at character ${character}: ${problem}`]);
  });
});
