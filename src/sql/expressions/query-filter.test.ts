import { describe, expect, it } from 'vitest';
import { build } from '../../model/test-util.ts';
import { duckdbDialect } from '../dialects/duckdb.ts';
import { compileQuery, QueryError, type LookerQuery } from '../index.ts';
import { SHOP_FILES } from '../test-fixture.ts';

const model = build(SHOP_FILES).models.shop!;

function compile(q: Partial<LookerQuery>): string {
  return compileQuery(model, { model: 'shop', view: 'orders', fields: ['orders.status', 'orders.count'], ...q }, { dialect: duckdbDialect, now: '2024-03-13 15:30:00' }).sql;
}

/** The FROM…HAVING lines, which is where a filter expression shows up. */
function clauses(q: Partial<LookerQuery>): string[] {
  return compile(q).split('\n').filter((l) => /^(FROM|LEFT JOIN|WHERE|HAVING)/.test(l));
}

function error(q: Partial<LookerQuery>): { code: string; message: string; position?: number; field?: string } {
  try {
    compile(q);
  } catch (e) {
    if (e instanceof QueryError) return { code: e.code, message: e.message, ...(e.position !== undefined ? { position: e.position } : {}), ...(e.field !== undefined ? { field: e.field } : {}) };
    throw e;
  }
  throw new Error('compiled');
}

describe('filter_expression in compileQuery', () => {
  it('puts the constant 1=2 in WHERE, with limit 0 (Spectacles)', () => {
    expect(compile({ fields: ['orders.id', 'orders.status'], filter_expression: '1=2', limit: 0 })).toBe([
      'SELECT',
      '    orders.id AS "orders.id",',
      '    orders.status AS "orders.status"',
      'FROM shop.orders AS orders',
      'WHERE (1 = 2)',
      'GROUP BY',
      '    1,2',
      'ORDER BY',
      '    1',
      'LIMIT 0',
    ].join('\n'));
  });

  it('ANDs a dimension expression with the other filters in WHERE and joins what it references', () => {
    expect(clauses({ filters: { 'orders.status': 'complete' }, filter_expression: '${users.state} = "CA" or ${users.age} >= 40' })).toEqual([
      'FROM shop.orders AS orders',
      'LEFT JOIN users AS users ON orders.user_id = users.id',
      "WHERE ((orders.status = 'complete')) AND (((users.state = 'CA') OR (users.age >= 40)))",
    ]);
  });

  it('puts an expression on measures in HAVING', () => {
    expect(clauses({ filter_expression: '${orders.count} > 1 AND ${orders.total_shipping} / ${orders.count} < 20' })).toEqual([
      'FROM shop.orders AS orders',
      'HAVING (((COUNT(*)) > 1) AND ((CAST((COALESCE(SUM(orders.shipping), 0)) AS DOUBLE) / NULLIF((COUNT(*)), 0)) < 20))',
    ]);
  });

  it('puts a mix of grouped dimensions and measures in HAVING', () => {
    expect(clauses({ filter_expression: '${orders.status} != "complete" OR ${orders.count} >= 3' })).toEqual([
      'FROM shop.orders AS orders',
      "HAVING ((orders.status <> 'complete') OR ((COUNT(*)) >= 3))",
    ]);
  });

  it('compares date timeframes as the start of their period and yes/no fields as conditions', () => {
    expect(clauses({ filter_expression: '${orders.created_month} = date(2024, 2, 1) AND ${orders.is_big} = no AND ${orders.created_raw} < now()' })).toEqual([
      'FROM shop.orders AS orders',
      "WHERE (((date_trunc('month', CAST(orders.created_at AS TIMESTAMP)) = TIMESTAMP '2024-02-01 00:00:00') AND ((orders.shipping > 10) = FALSE)) AND ((CAST(orders.created_at AS TIMESTAMP)) < TIMESTAMP '2024-03-13 15:30:00'))",
    ]);
  });

  it('converts date fields to the query time zone', () => {
    expect(clauses({ filter_expression: 'trunc_days(${orders.created_raw}) = date(2024, 3, 9)', query_timezone: 'America/New_York' })).toEqual([
      'FROM shop.orders AS orders',
      "WHERE (date_trunc('day', (timezone('America/New_York', timezone('UTC', CAST(orders.created_at AS TIMESTAMP))))) = TIMESTAMP '2024-03-09 00:00:00')",
    ]);
  });

  it('reuses the filter compiler for matches_filter, on dimensions and measures', () => {
    expect(clauses({ filter_expression: 'matches_filter(${orders.created_date}, `2024`) AND NOT matches_filter(${users.state}, `C%, -CA`)' })).toEqual([
      'FROM shop.orders AS orders',
      'LEFT JOIN users AS users ON orders.user_id = users.id',
      "WHERE (((CAST(orders.created_at AS TIMESTAMP)) >= TIMESTAMP '2024-01-01 00:00:00' AND (CAST(orders.created_at AS TIMESTAMP)) < TIMESTAMP '2025-01-01 00:00:00') AND (NOT ((users.state LIKE 'C%' ESCAPE '\\') AND (users.state <> 'CA' OR users.state IS NULL))))",
    ]);
    expect(clauses({ filter_expression: 'matches_filter(${orders.count}, `[2, 10]`)' })).toEqual([
      'FROM shop.orders AS orders',
      'HAVING ((COUNT(*)) >= 2 AND (COUNT(*)) <= 10)',
    ]);
  });

  it('ignores a blank or null expression', () => {
    const plain = compile({});
    expect(compile({ filter_expression: '   ' })).toBe(plain);
    expect(compile({ filter_expression: null })).toBe(plain);
  });

  it('rejects a filter_expression that is not a string', () => {
    const notText = 12 as unknown as string;
    expect(error({ filter_expression: notText })).toEqual({ code: 'query/bad-expression', message: 'Invalid filter_expression: expected a string, got number.' });
  });

  it('counts referenced fields as in the query for Liquid _in_query', () => {
    const sql = compile({ fields: ['orders.liquid_state'], filter_expression: 'is_null(${users.state}) = no' });
    expect(sql.split('\n')[1]).toBe('    users.state AS "orders.liquid_state"');
  });

  it('reports unknown and unusable fields at their position', () => {
    expect(error({ filter_expression: '${orders.status} = "x" OR ${orders.nope} = 1' })).toEqual({
      code: 'query/unknown-field', field: 'orders.nope', position: 26,
      message: "Unknown field 'orders.nope' in filter_expression at character 27 (explore 'orders').",
    });
    expect(error({ filter_expression: '${orders.status_filter} = "x"' })).toEqual({
      code: 'query/bad-expression', field: 'orders.status_filter', position: 0,
      message: 'Invalid filter_expression at character 1: orders.status_filter is a filter-only field and has no value to compare',
    });
    expect(error({ filter_expression: '${orders.percent_of_orders} > 10' })).toEqual({
      code: 'query/bad-expression', field: 'orders.percent_of_orders', position: 0,
      message: 'Invalid filter_expression at character 1: orders.percent_of_orders (type: percent_of_total) is computed from the result rows and cannot be used in SQL',
    });
    expect(error({ view: 'users_only', fields: ['users_only.id'], filter_expression: '${users_only.email} = "a"' })).toEqual({
      code: 'query/field-not-in-explore', field: 'users_only.email',
      message: "Field 'users_only.email' is not available in explore 'users_only' (excluded by its fields: list).",
    });
  });

  it('needs dimensions used with measures to be grouped', () => {
    expect(error({ filter_expression: '${orders.count} > 1 AND ${users.state} = "CA"' })).toEqual({
      code: 'query/bad-expression', field: 'users.state', position: 24,
      message: "Invalid filter_expression at character 25: users.state is used together with measures, so it must also be one of the query's fields",
    });
  });

  it('reports a bad backtick filter at its position', () => {
    expect(error({ filter_expression: 'matches_filter(${orders.id}, `abc`)' })).toEqual({
      code: 'query/bad-expression', field: 'orders.id', position: 29,
      message: 'Invalid filter_expression at character 30: Invalid filter on orders.id: Invalid number filter "abc": expected a number but found "abc"',
    });
  });

  it('reports syntax errors before looking at fields', () => {
    expect(error({ filter_expression: '${orders.nope} = ' })).toEqual({
      code: 'query/bad-expression', position: 17, message: 'Invalid filter_expression at character 18: unexpected end of expression',
    });
  });
});
