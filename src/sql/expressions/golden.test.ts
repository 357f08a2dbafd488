/**
 * Golden SQL per registered dialect for queries with a filter_expression (the compileQuery
 * style of compile-golden.test.ts): every dialect must appear, so a new one is looked at.
 */
import { describe, expect, it } from 'vitest';
import { build } from '../../model/test-util.ts';
import { dialectNames, getDialect } from '../dialects/registry.ts';
import { compileQuery, type LookerQuery } from '../index.ts';
import { SHOP_FILES } from '../test-fixture.ts';

const model = build(SHOP_FILES).models.shop!;

function testSql(q: Partial<LookerQuery>, expected: Readonly<Record<string, string>>): void {
  expect(Object.keys(expected).sort()).toEqual(dialectNames());
  for (const d of dialectNames()) {
    const sql = compileQuery(model, { model: 'shop', view: 'orders', fields: [], ...q }, { dialect: getDialect(d), now: '2024-03-13 15:30:00' }).sql;
    expect({ dialect: d, sql }).toEqual({ dialect: d, sql: expected[d]!.slice(1) });
  }
}

describe('golden SQL with filter_expression', () => {
  it("Spectacles probe: 1=2 with limit 0", () => {
    testSql({"fields":["orders.id","orders.status","users.state"],"filter_expression":"1=2","limit":0}, {
      bigquery_standard_sql: `
SELECT
    orders.id AS \`orders_id\`,
    orders.status AS \`orders_status\`,
    users.state AS \`users_state\`
FROM shop.orders AS orders
LEFT JOIN users AS users ON orders.user_id = users.id
WHERE (1 = 2)
GROUP BY
    1,2,3
ORDER BY
    1
LIMIT 0`,
      duckdb: `
SELECT
    orders.id AS "orders.id",
    orders.status AS "orders.status",
    users.state AS "users.state"
FROM shop.orders AS orders
LEFT JOIN users AS users ON orders.user_id = users.id
WHERE (1 = 2)
GROUP BY
    1,2,3
ORDER BY
    1
LIMIT 0`,
      postgres: `
SELECT
    orders.id AS "orders.id",
    orders.status AS "orders.status",
    users.state AS "users.state"
FROM shop.orders AS orders
LEFT JOIN users AS users ON orders.user_id = users.id
WHERE (1 = 2)
GROUP BY
    1,2,3
ORDER BY
    1
LIMIT 0`,
      redshift: `
SELECT
    orders.id AS "orders.id",
    orders.status AS "orders.status",
    users.state AS "users.state"
FROM shop.orders AS orders
LEFT JOIN users AS users ON orders.user_id = users.id
WHERE (1 = 2)
GROUP BY
    1,2,3
ORDER BY
    1
LIMIT 0`,
      snowflake: `
SELECT
    orders.id AS "orders.id",
    orders.status AS "orders.status",
    users.state AS "users.state"
FROM shop.orders AS orders
LEFT JOIN users AS users ON orders.user_id = users.id
WHERE (1 = 2)
GROUP BY
    1,2,3
ORDER BY
    1
LIMIT 0`,
      trino: `
SELECT
    orders.id AS "orders.id",
    orders.status AS "orders.status",
    users.state AS "users.state"
FROM shop.orders AS orders
LEFT JOIN users AS users ON orders.user_id = users.id
WHERE (1 = 2)
GROUP BY
    1,2,3
ORDER BY
    1
LIMIT 0`,
    });
  });

  it("dimension expression in WHERE: hostile string, LIKE, dates in the query time zone, math", () => {
    testSql({"fields":["orders.status","orders.count"],"filters":{"orders.status":"-cancelled"},"filter_expression":"${users.state} = \"O'Brien \\\\ \\\"x\\\"\" AND contains(${orders.status}, \"50%\") AND ${orders.created_date} >= add_months(-1, trunc_months(now())) AND round(${users.age} / 3, 1) > 10 AND diff_days(${orders.created_date}, now()) < 400","query_timezone":"America/New_York","limit":10}, {
      bigquery_standard_sql: `
SELECT
    orders.status AS \`orders_status\`,
    COUNT(*) AS \`orders_count\`
FROM shop.orders AS orders
LEFT JOIN users AS users ON orders.user_id = users.id
WHERE ((orders.status <> 'cancelled' OR orders.status IS NULL)) AND ((((((users.state = 'O\\'Brien \\\\ "x"') AND (orders.status LIKE '%50\\\\%%')) AND (DATETIME_TRUNC(DATETIME(TIMESTAMP(CAST(orders.created_at AS DATETIME), 'UTC'), 'America/New_York'), DAY) >= DATETIME_ADD(DATETIME_TRUNC(DATETIME '2024-03-13 15:30:00', MONTH), INTERVAL -1 MONTH))) AND (ROUND((CAST(users.age AS FLOAT64) / NULLIF(3, 0)), 1) > 10)) AND (DIV(DATETIME_DIFF(DATETIME '2024-03-13 15:30:00', DATETIME_TRUNC(DATETIME(TIMESTAMP(CAST(orders.created_at AS DATETIME), 'UTC'), 'America/New_York'), DAY), MICROSECOND), 86400000000) < 400)))
GROUP BY
    1
ORDER BY
    2 DESC
LIMIT 10`,
      duckdb: `
SELECT
    orders.status AS "orders.status",
    COUNT(*) AS "orders.count"
FROM shop.orders AS orders
LEFT JOIN users AS users ON orders.user_id = users.id
WHERE ((orders.status <> 'cancelled' OR orders.status IS NULL)) AND ((((((users.state = 'O''Brien \\ "x"') AND (orders.status LIKE '%50\\%%' ESCAPE '\\')) AND (date_trunc('day', timezone('America/New_York', timezone('UTC', CAST(orders.created_at AS TIMESTAMP)))) >= (date_trunc('month', TIMESTAMP '2024-03-13 15:30:00') + (-1) * INTERVAL '1 month'))) AND (ROUND((CAST(users.age AS DOUBLE) / NULLIF(3, 0)), 1) > 10)) AND ((((epoch_us(TIMESTAMP '2024-03-13 15:30:00') - epoch_us(date_trunc('day', timezone('America/New_York', timezone('UTC', CAST(orders.created_at AS TIMESTAMP))))))) // 86400000000) < 400)))
GROUP BY
    1
ORDER BY
    2 DESC
LIMIT 10`,
      postgres: `
SELECT
    orders.status AS "orders.status",
    COUNT(*) AS "orders.count"
FROM shop.orders AS orders
LEFT JOIN users AS users ON orders.user_id = users.id
WHERE ((orders.status <> 'cancelled' OR orders.status IS NULL)) AND ((((((users.state = E'O''Brien \\\\ "x"') AND (orders.status LIKE E'%50\\\\%%' ESCAPE E'\\\\')) AND (DATE_TRUNC('day', ((CAST(orders.created_at AS TIMESTAMP) AT TIME ZONE 'UTC') AT TIME ZONE 'America/New_York')) >= (DATE_TRUNC('month', TIMESTAMP '2024-03-13 15:30:00') + (-1) * INTERVAL '1 month'))) AND (ROUND(CAST((CAST(users.age AS DOUBLE PRECISION) / NULLIF(3, 0)) AS NUMERIC), 1) > 10)) AND (CAST(TRUNC(((EXTRACT(EPOCH FROM (TIMESTAMP '2024-03-13 15:30:00') - (DATE_TRUNC('day', ((CAST(orders.created_at AS TIMESTAMP) AT TIME ZONE 'UTC') AT TIME ZONE 'America/New_York')))) * 1000000)) / 86400000000) AS BIGINT) < 400)))
GROUP BY
    1
ORDER BY
    2 DESC
LIMIT 10`,
      redshift: `
SELECT
    orders.status AS "orders.status",
    COUNT(*) AS "orders.count"
FROM shop.orders AS orders
LEFT JOIN users AS users ON orders.user_id = users.id
WHERE ((orders.status <> 'cancelled' OR orders.status IS NULL)) AND ((((((users.state = 'O''Brien \\\\ "x"') AND (orders.status LIKE '%50\\\\%%' ESCAPE '\\\\')) AND (DATE_TRUNC('day', CONVERT_TIMEZONE('UTC', 'America/New_York', CAST(orders.created_at AS TIMESTAMP))) >= DATEADD(month, -1, DATE_TRUNC('month', TIMESTAMP '2024-03-13 15:30:00')))) AND (ROUND((CAST(users.age AS DOUBLE PRECISION) / NULLIF(3, 0)), 1) > 10)) AND (((DATEDIFF(microsecond, DATE_TRUNC('day', CONVERT_TIMEZONE('UTC', 'America/New_York', CAST(orders.created_at AS TIMESTAMP))), TIMESTAMP '2024-03-13 15:30:00')) / 86400000000) < 400)))
GROUP BY
    1
ORDER BY
    2 DESC
LIMIT 10`,
      snowflake: `
SELECT
    orders.status AS "orders.status",
    COUNT(*) AS "orders.count"
FROM shop.orders AS orders
LEFT JOIN users AS users ON orders.user_id = users.id
WHERE ((orders.status <> 'cancelled' OR orders.status IS NULL)) AND ((((((users.state = 'O''Brien \\\\ "x"') AND (orders.status LIKE '%50\\\\%%' ESCAPE '\\\\')) AND (DATE_TRUNC('DAY', CONVERT_TIMEZONE('UTC', 'America/New_York', CAST(orders.created_at AS TIMESTAMP_NTZ))) >= DATEADD(MONTH, -1, DATE_TRUNC('MONTH', CAST('2024-03-13 15:30:00' AS TIMESTAMP_NTZ))))) AND (ROUND((CAST(users.age AS FLOAT) / NULLIF(3, 0)), 1) > 10)) AND (CAST(TRUNC((DATEDIFF(MICROSECOND, DATE_TRUNC('DAY', CONVERT_TIMEZONE('UTC', 'America/New_York', CAST(orders.created_at AS TIMESTAMP_NTZ))), CAST('2024-03-13 15:30:00' AS TIMESTAMP_NTZ))) / 86400000000) AS INTEGER) < 400)))
GROUP BY
    1
ORDER BY
    2 DESC
LIMIT 10`,
      trino: `
SELECT
    orders.status AS "orders.status",
    COUNT(*) AS "orders.count"
FROM shop.orders AS orders
LEFT JOIN users AS users ON orders.user_id = users.id
WHERE ((orders.status <> 'cancelled' OR orders.status IS NULL)) AND ((((((users.state = 'O''Brien \\ "x"') AND (orders.status LIKE '%50\\%%' ESCAPE '\\')) AND (date_trunc('day', CAST(with_timezone(CAST(orders.created_at AS TIMESTAMP(6)), 'UTC') AT TIME ZONE 'America/New_York' AS TIMESTAMP(6))) >= date_add('month', -1, date_trunc('month', TIMESTAMP '2024-03-13 15:30:00')))) AND (ROUND((CAST(users.age AS DOUBLE) / NULLIF(3, 0)), 1) > 10)) AND (date_diff('day', date_trunc('day', CAST(with_timezone(CAST(orders.created_at AS TIMESTAMP(6)), 'UTC') AT TIME ZONE 'America/New_York' AS TIMESTAMP(6))), TIMESTAMP '2024-03-13 15:30:00') < 400)))
GROUP BY
    1
ORDER BY
    2 DESC
LIMIT 10`,
    });
  });

  it("measure expression in HAVING with a grouped dimension and log", () => {
    testSql({"fields":["users.state","orders.count"],"filter_expression":"${orders.count} > 1 OR (${users.state} = \"CA\" AND log(${orders.total_shipping}) >= 1)","limit":10}, {
      bigquery_standard_sql: `
SELECT
    users.state AS \`users_state\`,
    COUNT(*) AS \`orders_count\`
FROM shop.orders AS orders
LEFT JOIN users AS users ON orders.user_id = users.id
GROUP BY
    1
HAVING (((COUNT(*)) > 1) OR ((users.state = 'CA') AND (LOG10((COALESCE(SUM(orders.shipping), 0))) >= 1)))
ORDER BY
    2 DESC
LIMIT 10`,
      duckdb: `
SELECT
    users.state AS "users.state",
    COUNT(*) AS "orders.count"
FROM shop.orders AS orders
LEFT JOIN users AS users ON orders.user_id = users.id
GROUP BY
    1
HAVING (((COUNT(*)) > 1) OR ((users.state = 'CA') AND (LOG10((COALESCE(SUM(orders.shipping), 0))) >= 1)))
ORDER BY
    2 DESC
LIMIT 10`,
      postgres: `
SELECT
    users.state AS "users.state",
    COUNT(*) AS "orders.count"
FROM shop.orders AS orders
LEFT JOIN users AS users ON orders.user_id = users.id
GROUP BY
    1
HAVING (((COUNT(*)) > 1) OR ((users.state = 'CA') AND (LOG10((COALESCE(SUM(orders.shipping), 0))) >= 1)))
ORDER BY
    2 DESC
LIMIT 10`,
      redshift: `
SELECT
    users.state AS "users.state",
    COUNT(*) AS "orders.count"
FROM shop.orders AS orders
LEFT JOIN users AS users ON orders.user_id = users.id
GROUP BY
    1
HAVING (((COUNT(*)) > 1) OR ((users.state = 'CA') AND (LOG((COALESCE(SUM(orders.shipping), 0))) >= 1)))
ORDER BY
    2 DESC
LIMIT 10`,
      snowflake: `
SELECT
    users.state AS "users.state",
    COUNT(*) AS "orders.count"
FROM shop.orders AS orders
LEFT JOIN users AS users ON orders.user_id = users.id
GROUP BY
    1
HAVING (((COUNT(*)) > 1) OR ((users.state = 'CA') AND (LOG(10, (COALESCE(SUM(orders.shipping), 0))) >= 1)))
ORDER BY
    2 DESC
LIMIT 10`,
      trino: `
SELECT
    users.state AS "users.state",
    COUNT(*) AS "orders.count"
FROM shop.orders AS orders
LEFT JOIN users AS users ON orders.user_id = users.id
GROUP BY
    1
HAVING (((COUNT(*)) > 1) OR ((users.state = 'CA') AND (LOG10((COALESCE(SUM(orders.shipping), 0))) >= 1)))
ORDER BY
    2 DESC
LIMIT 10`,
    });
  });
});
