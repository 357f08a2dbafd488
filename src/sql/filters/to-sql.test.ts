/** Exact SQL text for a few filters per dialect (behaviour is checked against real databases in to-sql.db.test.ts). */
import { describe, expect, it } from 'vitest';
import { getDialect } from '../dialects/registry.ts';
import { filterToSql, parseFilterExpression } from './index.ts';
import type { FilterKind, FilterSqlContext } from './index.ts';

function sql(dialect: string, kind: FilterKind, text: string, extra: Partial<FilterSqlContext> = {}, field = '"t"."x"'): string {
  const r = parseFilterExpression(kind, text);
  if (!r.ok) throw new Error(r.message);
  const ctx: FilterSqlContext = {
    dialect: getDialect(dialect), timezone: 'America/New_York', now: '2024-03-13 15:30:00',
    weekStartDay: 'monday', caseSensitive: true, ...extra,
  };
  return filterToSql(r.node, field, ctx);
}

describe('filterToSql golden SQL: duckdb', () => {
  const d = (kind: FilterKind, text: string, extra?: Partial<FilterSqlContext>, field?: string): string => sql('duckdb', kind, text, extra, field);

  it('strings', () => {
    expect(d('string', 'foo')).toBe(`("t"."x" = 'foo')`);
    expect(d('string', "foo,O'Brien")).toBe(`("t"."x" IN ('foo', 'O''Brien'))`);
    expect(d('string', '%a^%b%,-x')).toBe(`(("t"."x" LIKE '%a\\%b%' ESCAPE '\\') AND ("t"."x" <> 'x' OR "t"."x" IS NULL))`);
    expect(d('string', '-%foo%')).toBe(`(NOT ("t"."x" LIKE '%foo%' ESCAPE '\\') OR "t"."x" IS NULL)`);
    expect(d('string', 'EMPTY')).toBe(`("t"."x" IS NULL OR "t"."x" = '')`);
    expect(d('string', '-EMPTY')).toBe(`("t"."x" IS NOT NULL AND "t"."x" <> '')`);
    expect(d('string', '-NULL')).toBe(`("t"."x" IS NOT NULL)`);
    expect(d('string', 'foo,bar', { caseSensitive: false })).toBe(
      `(("t"."x" ILIKE 'foo' ESCAPE '\\') OR ("t"."x" ILIKE 'bar' ESCAPE '\\'))`,
    );
    expect(d('string', '', {})).toBe('(1 = 1)');
  });

  it('wraps non-trivial field SQL in parentheses', () => {
    expect(d('string', 'a', {}, "lower(t.x) || 'y'")).toBe(`((lower(t.x) || 'y') = 'a')`);
    expect(d('number', '5', {}, 'orders.amount')).toBe('(orders.amount = 5)');
  });

  it('numbers', () => {
    expect(d('number', 'NOT 1,2')).toBe(`("t"."x" NOT IN (1, 2) OR "t"."x" IS NULL)`);
    expect(d('number', '-5')).toBe(`("t"."x" = -5)`);
    expect(d('number', '>=-5')).toBe(`("t"."x" >= -5)`);
    expect(d('number', '(1,10]')).toBe(`("t"."x" > 1 AND "t"."x" <= 10)`);
    expect(d('number', 'NOT 3 to 80.44')).toBe(`(NOT ("t"."x" >= 3 AND "t"."x" <= 80.44) OR "t"."x" IS NULL)`);
    expect(d('number', 'NOT NULL')).toBe(`("t"."x" IS NOT NULL)`);
  });

  it('dates with a pinned now', () => {
    expect(d('date', 'last 7 days')).toBe(
      `("t"."x" >= (date_trunc('day', TIMESTAMP '2024-03-13 15:30:00') + (-6) * INTERVAL '1 day')` +
        ` AND "t"."x" < (date_trunc('day', TIMESTAMP '2024-03-13 15:30:00') + (1) * INTERVAL '1 day'))`,
    );
    expect(d('date', '2024-01-01 to 2024-02-01')).toBe(`("t"."x" >= TIMESTAMP '2024-01-01 00:00:00' AND "t"."x" < TIMESTAMP '2024-02-01 00:00:00')`);
    expect(d('date', 'before 2024-01-01')).toBe(`("t"."x" < TIMESTAMP '2024-01-01 00:00:00')`);
    expect(d('date', 'after now')).toBe(`("t"."x" >= TIMESTAMP '2024-03-13 15:30:00')`);
  });

  it('dates relative to the database clock in the query time zone', () => {
    expect(d('date', 'today', { now: undefined })).toBe(
      `("t"."x" >= date_trunc('day', timezone('America/New_York', current_timestamp))` +
        ` AND "t"."x" < (date_trunc('day', timezone('America/New_York', current_timestamp)) + (1) * INTERVAL '1 day'))`,
    );
  });

  it('yesno', () => {
    expect(d('yesno', 'Yes', {}, 't.x > 5')).toBe('((t.x > 5))');
    expect(d('yesno', 'no', {}, 't.x > 5')).toBe('(NOT COALESCE((t.x > 5), FALSE))');
  });
});

describe('filterToSql golden SQL: postgres', () => {
  const pg = (kind: FilterKind, text: string, extra?: Partial<FilterSqlContext>): string => sql('postgres', kind, text, extra);

  it('strings use E-strings only when a backslash is present', () => {
    expect(pg('string', "O'Brien")).toBe(`("t"."x" = 'O''Brien')`);
    expect(pg('string', 'a\\b')).toBe(`("t"."x" = E'a\\\\b')`);
    expect(pg('string', 'foo%')).toBe(`("t"."x" LIKE 'foo%' ESCAPE E'\\\\')`);
    expect(pg('string', '%foo', { caseSensitive: false })).toBe(`("t"."x" ILIKE '%foo' ESCAPE E'\\\\')`);
  });

  it('numbers', () => {
    expect(pg('number', '[1, inf),NOT 7')).toBe(`(("t"."x" >= 1) AND ("t"."x" <> 7 OR "t"."x" IS NULL))`);
  });

  it('dates', () => {
    expect(pg('date', 'this week', { weekStartDay: 'sunday' })).toBe(
      `("t"."x" >= (DATE_TRUNC('week', (TIMESTAMP '2024-03-13 15:30:00' + (1) * INTERVAL '1 day')) + (-1) * INTERVAL '1 day')` +
        ` AND "t"."x" < ((DATE_TRUNC('week', (TIMESTAMP '2024-03-13 15:30:00' + (1) * INTERVAL '1 day')) + (-1) * INTERVAL '1 day') + (7) * INTERVAL '1 day'))`,
    );
    expect(pg('date', 'NULL')).toBe(`("t"."x" IS NULL)`);
    expect(pg('date', 'yesterday', { now: undefined })).toBe(
      `("t"."x" >= (DATE_TRUNC('day', (CURRENT_TIMESTAMP AT TIME ZONE 'America/New_York')) + (-1) * INTERVAL '1 day')` +
        ` AND "t"."x" < DATE_TRUNC('day', (CURRENT_TIMESTAMP AT TIME ZONE 'America/New_York')))`,
    );
  });
});

describe('filterToSql context checks', () => {
  it('rejects a malformed pinned now', () => {
    expect(() => sql('duckdb', 'date', 'today', { now: "2024-01-01'; --" })).toThrow(
      'FilterSqlContext.now must be "YYYY-MM-DD HH:MM:SS", got "2024-01-01\'; --"',
    );
  });

  it('parses yesno strictly', () => {
    expect(parseFilterExpression('yesno', 'YES')).toEqual({ ok: true, node: { type: 'yesno', value: true } });
    expect(parseFilterExpression('yesno', ' No ')).toEqual({ ok: true, node: { type: 'yesno', value: false } });
    expect(parseFilterExpression('yesno', 'true')).toEqual({ ok: false, message: 'Invalid yesno filter "true": expected "yes" or "no"' });
    expect(parseFilterExpression('yesno', 'yes,no')).toEqual({ ok: false, message: 'Invalid yesno filter "yes,no": expected "yes" or "no"' });
  });
});
