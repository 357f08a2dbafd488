/**
 * Running data tests on real DuckDB and PostgreSQL: asserts counted in SQL over the test query's
 * rows, every column shape (numbers, yes/no, dates, months, hours…) usable in an assert, and each
 * way a test can fail reported as data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Driver } from '../connections/driver.ts';
import { parseLookml } from '../lookml/index.ts';
import { buildProject } from '../model/index.ts';
import { toLookerQuery } from '../queries/canonical.ts';
import { QueryRunError } from '../queries/runner.ts';
import { compileQuery } from '../sql/compile.ts';
import { getDialect } from '../sql/dialects/registry.ts';
import { QueryError } from '../sql/errors.ts';
import { parseExpression } from '../sql/expressions/index.ts';
import type { CompiledQuery } from '../sql/query.ts';
import { dataTestQuery, findDataTests, type DataTest } from './data-tests.ts';
import { planAsserts, runDataTest, type DataTestQueries, type DataTestResult } from './data-tests-run.ts';
import { openTestWarehouse } from '../connections/test-support.ts';

const SCHEMA = 'data_tests_run';

const VIEW = `view: orders {
  sql_table_name: orders ;;
  dimension: id { primary_key: yes type: number sql: \${TABLE}.id ;; }
  dimension: status { sql: \${TABLE}.status ;; }
  dimension: amount { type: number sql: \${TABLE}.amount ;; }
  dimension: is_big { type: yesno sql: \${TABLE}.amount >= 50 ;; }
  dimension_group: created { type: time timeframes: [raw, time, date, week, month, hour, minute, year, day_of_week] sql: \${TABLE}.created_at ;; }
  measure: count { type: count }
  measure: total_amount { type: sum sql: \${TABLE}.amount ;; }
  measure: share { type: percent_of_total sql: \${count} ;; }
}
view: ghost {
  sql_table_name: no_such_table ;;
  dimension: x { type: number sql: \${TABLE}.x ;; }
}
`;

const TESTS = `connection: "warehouse"
include: "*.view.lkml"
explore: orders {}
explore: ghost {}
test: all_good {
  explore_source: orders {
    column: id {}
    column: amount {}
    column: status {}
    filters: [orders.status: "-odd"]
  }
  assert: ids_positive { expression: \${orders.id} > 0 ;; }
  assert: status_known { expression: \${orders.status} = "complete" OR \${orders.status} = "pending" ;; }
}
test: amounts {
  explore_source: orders {
    column: id {}
    column: amount {}
  }
  assert: id_small { expression: \${orders.id} <= 8 ;; }
  assert: amount_under_60 { expression: \${orders.amount} < 60 ;; }
  assert: amount_present { expression: NOT is_null(\${orders.amount}) ;; }
}
test: shapes {
  explore_source: orders {
    column: id {}
    column: is_big {}
    column: created_raw {}
    column: created_time {}
    column: created_date {}
    column: created_week {}
    column: created_month {}
    column: created_hour {}
    column: created_minute {}
    column: created_year {}
    column: created_day_of_week {}
  }
  assert: yesno { expression: \${orders.is_big} = (\${orders.id} >= 5) ;; }
  assert: dates_in_2024 { expression: \${orders.created_date} >= date(2024, 1, 1) AND \${orders.created_raw} < date(2025, 1, 1) ;; }
  assert: time_matches_raw { expression: \${orders.created_time} = \${orders.created_raw} ;; }
  assert: week_not_after_date { expression: \${orders.created_week} <= \${orders.created_date} ;; }
  assert: month_is_first_of_month { expression: extract_days(\${orders.created_month}) = 1 AND \${orders.created_month} <= \${orders.created_date} ;; }
  assert: hour_and_minute { expression: \${orders.created_hour} <= \${orders.created_minute} AND \${orders.created_minute} <= \${orders.created_raw} ;; }
  assert: year_number { expression: \${orders.created_year} = 2024 ;; }
  assert: weekday_name { expression: length(\${orders.created_day_of_week}) >= 6 ;; }
}
test: totals {
  explore_source: orders {
    column: status {}
    column: count {}
    column: total { field: orders.total_amount }
    column: share {}
    sorts: [count: desc]
  }
  assert: counts_add_up { expression: \${orders.count} >= 1 ;; }
  assert: not_a_column { expression: \${orders.id} > 0 ;; }
  assert: post_sql { expression: \${orders.share} > 0 ;; }
}
test: nothing {
  explore_source: orders {
    column: id {}
    filters: [orders.status: "no such status"]
  }
  assert: anything { expression: \${orders.id} < 0 ;; }
}
test: unknown_field {
  explore_source: orders { column: nope {} }
  assert: a { expression: yes ;; }
}
test: missing_table {
  explore_source: ghost { column: x {} }
  assert: a { expression: \${ghost.x} > 0 ;; }
}
test: malformed {
  explore_source: orders { column: id {} limit: 0 }
  assert: a { expression: \${orders.id} > ;; }
}
`;

// Orders 1–8: amounts 10,20,…,80 with one NULL, status alternates, one 'odd' status.
const DDL = [
  'CREATE TABLE orders (id INTEGER PRIMARY KEY, status VARCHAR(20), amount DECIMAL(10,2), created_at TIMESTAMP)',
  `INSERT INTO orders VALUES
    (1, 'complete', 10, TIMESTAMP '2024-01-15 10:20:30'),
    (2, 'pending', 20, TIMESTAMP '2024-02-29 23:30:00'),
    (3, 'complete', NULL, TIMESTAMP '2024-03-01 00:00:00'),
    (4, 'pending', 40, TIMESTAMP '2024-04-30 12:00:59'),
    (5, 'complete', 50, TIMESTAMP '2024-05-05 05:05:05'),
    (6, 'pending', 60, TIMESTAMP '2024-06-30 23:59:59'),
    (7, 'complete', 70, TIMESTAMP '2024-07-04 07:00:00'),
    (8, 'odd', 80, TIMESTAMP '2024-12-31 18:45:00')`,
];

const files = [parseLookml(TESTS, 'shop.model.lkml'), parseLookml(VIEW, 'orders.view.lkml')];
const project = buildProject(files, { projectName: 'shop' });
const model = project.models.shop!;
const scan = findDataTests(files, project);
const test = (name: string): DataTest => scan.tests.find((t) => t.name === name)!;

interface Target {
  readonly name: 'duckdb' | 'postgres';
  driver?: Driver;
}
const targets: Target[] = [{ name: 'duckdb' }, { name: 'postgres' }];

beforeAll(async () => {
  for (const t of targets) t.driver = await openTestWarehouse(t.name, SCHEMA, DDL);
});

afterAll(async () => {
  for (const t of targets) await t.driver?.close();
});

/** The query layer as the API wires it, over one driver; records the statements it ran. */
function queriesFor(t: Target, ran: string[] = []): DataTestQueries<{ compiled: CompiledQuery }> {
  const dialect = getDialect(t.name);
  return {
    prepare(query) {
      try {
        return Promise.resolve({ compiled: compileQuery(model, toLookerQuery(query), { dialect }) });
      } catch (e) {
        if (!(e instanceof QueryError)) throw e;
        return Promise.reject(new QueryRunError('invalid', e.message, e.field));
      }
    },
    async execute(prepared, sql) {
      ran.push(sql);
      return (await t.driver!.run(sql)).rows;
    },
    dialect: () => dialect,
  };
}

const run = (t: Target, name: string, ran?: string[]): Promise<DataTestResult> => runDataTest(test(name), model, 'shop', queriesFor(t, ran));

describe('the assert statement', () => {
  it('counts, per assert, the rows where the expression is not yes, over the test query as a subquery', () => {
    const d = getDialect('duckdb');
    const compiled = compileQuery(model, toLookerQuery(dataTestQuery(test('amounts'), model, 'shop')), { dialect: d });
    const plan = planAsserts(compiled, [
      { name: 'id_small', expr: parseExpression('${orders.id} <= 8') },
      { name: 'elsewhere', expr: parseExpression('${orders.status} = "x"') },
      { name: 'text', expr: parseExpression('${orders.amount} + 1') },
    ], d);
    expect(plan.sql).toBe([
      'SELECT COUNT(*) AS "rows", SUM(CASE WHEN COALESCE(("q"."orders.id" <= 8), FALSE) THEN 0 ELSE 1 END) AS "a0"',
      `FROM (${compiled.sql}) AS "q"`,
    ].join('\n'));
    expect(plan.columns).toEqual([{ assert: 'id_small', column: 'a0', field: 'orders.id' }]);
    expect(plan.invalid).toEqual([
      { assert: 'elsewhere', field: 'orders.status', message: 'Invalid expression of assert "elsewhere" at character 1: ${orders.status} is not a column of the test\'s explore_source; add it as a column' },
      { assert: 'text', message: 'Invalid expression of assert "text" at character 1: a filter must be a yes/no expression, but this is a number' },
    ]);
  });
});

describe.each(targets)('running data tests on $name', (t) => {
  it('passes when every assert is yes on every row', async () => {
    const good = await run(t, 'all_good');
    expect(good).toEqual({ test: test('all_good'), model: 'shop', assertionsCount: 2, assertionsFailed: 0, errors: [], warnings: [], success: true });
  });

  it('counts failing rows per assert, NULL counting as not yes', async () => {
    const result = await run(t, 'amounts');
    expect(result).toMatchObject({ assertionsCount: 3, assertionsFailed: 2, success: false });
    // amount < 60: 60, 70, 80 fail and the NULL amount fails too; NOT is_null fails once.
    expect(result.errors.map((e) => [e.assert, e.failedRows, e.rows, e.field])).toEqual([
      ['amount_under_60', 4, 8, 'orders.amount'],
      ['amount_present', 1, 8, 'orders.amount'],
    ]);
    expect(result.errors[0]).toEqual({
      message: 'Assertion "amount_under_60" failed: expression evaluated to "No".',
      sanitized: 'Assertion "(?)" failed: expression evaluated to "No".',
      assert: 'amount_under_60', field: 'orders.amount', file: 'shop.model.lkml', line: 15, failedRows: 4, rows: 8,
    });
  });

  it('evaluates yes/no, date, week, month, hour, minute, year and weekday columns as Looker values', async () => {
    const result = await run(t, 'shapes');
    expect(result.errors).toEqual([]);
    expect(result).toMatchObject({ assertionsCount: 8, assertionsFailed: 0, success: true });
  });

  it('reports asserts that cannot be evaluated, and still checks the others', async () => {
    const result = await run(t, 'totals');
    expect(result).toMatchObject({ assertionsCount: 3, assertionsFailed: 2, success: false });
    expect(result.errors.map((e) => [e.assert, e.message])).toEqual([
      ['not_a_column', 'Invalid expression of assert "not_a_column" at character 1: ${orders.id} is not a column of the test\'s explore_source; add it as a column'],
      ['post_sql', 'Invalid expression of assert "post_sql" at character 1: orders.share (type: percent_of_total) is computed from the result rows and cannot be checked by an assert'],
    ]);
  });

  it('passes with a warning when the query returns no rows', async () => {
    const result = await run(t, 'nothing');
    expect(result).toMatchObject({ success: true, assertionsFailed: 0, errors: [] });
    expect(result.warnings.map((w) => w.message)).toEqual(['The query of data test "nothing" returned no rows, so its asserts checked nothing.']);
  });

  it('reports a query that does not compile, and a database error, as errors of the test', async () => {
    const unknown = await run(t, 'unknown_field');
    expect(unknown).toMatchObject({ success: false, assertionsFailed: 1 });
    expect(unknown.errors.map((e) => [e.message, e.line])).toEqual([["Unknown field 'orders.nope' in explore 'orders'.", 66]]);
    const missing = await run(t, 'missing_table');
    expect(missing).toMatchObject({ success: false, assertionsFailed: 1 });
    expect(missing.errors).toHaveLength(1);
    expect(missing.errors[0]!.message).toMatch(/no_such_table/);
    expect(missing.errors[0]!.field).toBe('ghost.x');
  });

  it('reports a malformed test\'s problems with their lines and runs nothing', async () => {
    const ran: string[] = [];
    const result = await run(t, 'malformed', ran);
    expect(ran).toEqual([]);
    expect(result).toMatchObject({ success: false, assertionsCount: 1, assertionsFailed: 1 });
    expect(result.errors.map((e) => [e.message, e.line])).toEqual([
      ['limit of data test "malformed" must be a positive whole number, not "0"', 75],
      ['Invalid expression of assert "a" at character 15: unexpected end of expression', 76],
    ]);
  });
});
