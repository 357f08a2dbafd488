/**
 * Golden SQL per dialect, one table per query (Kysely's testSql style): every registered
 * dialect must appear, so a new dialect cannot land without its SQL being looked at.
 */
import { describe, expect, it } from 'vitest';
import { build } from '../model/test-util.ts';
import { dialectNames, getDialect } from './dialects/registry.ts';
import { compileQuery, type LookerQuery } from './index.ts';
import { SHOP_FILES } from './test-fixture.ts';

const model = build(SHOP_FILES).models.shop!;

/** Compiles `q` for every dialect (with "now" pinned) and compares with `expected` (leading newline ignored). */
function testSql(q: Partial<LookerQuery>, expected: Readonly<Record<string, string>>): void {
  expect(Object.keys(expected).sort()).toEqual(dialectNames());
  for (const d of dialectNames()) {
    const sql = compileQuery(model, { model: 'shop', view: 'orders', fields: [], ...q }, { dialect: getDialect(d), now: '2024-03-13 15:30:00' }).sql;
    expect({ dialect: d, sql }).toEqual({ dialect: d, sql: expected[d]!.slice(1) });
  }
}

type Statements = Readonly<Record<'sql' | 'rowTotalsSql' | 'pivotTotalsSql' | 'totalsSql', string>>;

/** Like testSql, for every statement of the compiled query (main, row totals, pivot totals, grand total). */
function testStatements(q: Partial<LookerQuery>, expected: Readonly<Record<string, Statements>>): void {
  expect(Object.keys(expected).sort()).toEqual(dialectNames());
  for (const d of dialectNames()) {
    const c = compileQuery(model, { model: 'shop', view: 'orders', fields: [], ...q }, { dialect: getDialect(d), now: '2024-03-13 15:30:00' });
    const want = expected[d]!;
    const got = { sql: c.sql, rowTotalsSql: c.rowTotalsSql, pivotTotalsSql: c.pivotTotalsSql, totalsSql: c.totalsSql };
    expect({ dialect: d, ...got }).toEqual({ dialect: d, ...Object.fromEntries(Object.entries(want).map(([k, v]) => [k, v.slice(1)])) });
  }
}

describe('golden SQL per dialect', () => {
  it("fan-out with symmetric aggregates, time zone, date and string filters", () => {
    testSql({"fields":["users.state","orders.created_month","orders.count","orders.total_shipping","order_items.total_price"],"filters":{"orders.created_date":"2024-01-01 to 2024-03-01","users.state":"-O'Brien,%a_b%"},"sorts":["orders.count desc"],"limit":10,"query_timezone":"America/New_York"}, {
      bigquery_standard_sql: `
SELECT
    users.state AS \`users_state\`,
    FORMAT_DATETIME('%Y-%m', DATETIME(TIMESTAMP(CAST(orders.created_at AS DATETIME), 'UTC'), 'America/New_York')) AS \`orders_created_month\`,
    COUNT(DISTINCT orders.id) AS \`orders_count\`,
    COALESCE((SUM(DISTINCT ROUND(CAST(COALESCE(orders.shipping, 0) AS NUMERIC) * 1000000) + CAST(FARM_FINGERPRINT(CAST(orders.id AS STRING)) AS NUMERIC)) - SUM(DISTINCT CAST(FARM_FINGERPRINT(CAST(orders.id AS STRING)) AS NUMERIC))) / 1000000, 0) AS \`orders_total_shipping\`,
    COALESCE(SUM(order_items.price), 0) AS \`order_items_total_price\`
FROM shop.orders AS orders
LEFT JOIN users AS users ON orders.user_id = users.id
LEFT JOIN order_items AS order_items ON order_items.order_id = orders.id
WHERE (((DATETIME(TIMESTAMP(CAST(orders.created_at AS DATETIME), 'UTC'), 'America/New_York')) >= DATETIME '2024-01-01 00:00:00' AND (DATETIME(TIMESTAMP(CAST(orders.created_at AS DATETIME), 'UTC'), 'America/New_York')) < DATETIME '2024-03-01 00:00:00')) AND (((users.state LIKE '%a_b%') AND (users.state <> 'O\\'Brien' OR users.state IS NULL)))
GROUP BY
    1,2
ORDER BY
    3 DESC
LIMIT 10`,
      duckdb: `
SELECT
    users.state AS "users.state",
    strftime(timezone('America/New_York', timezone('UTC', CAST(orders.created_at AS TIMESTAMP))), '%Y-%m') AS "orders.created_month",
    COUNT(DISTINCT orders.id) AS "orders.count",
    COALESCE(CAST(SUM(DISTINCT CAST(ROUND(COALESCE(orders.shipping, 0) * 1000000) AS HUGEINT) + CAST(md5_number_lower(CAST(orders.id AS VARCHAR)) AS HUGEINT)) - SUM(DISTINCT CAST(md5_number_lower(CAST(orders.id AS VARCHAR)) AS HUGEINT)) AS DECIMAL(38,0)) * 0.000001, 0) AS "orders.total_shipping",
    COALESCE(SUM(order_items.price), 0) AS "order_items.total_price"
FROM shop.orders AS orders
LEFT JOIN users AS users ON orders.user_id = users.id
LEFT JOIN order_items AS order_items ON order_items.order_id = orders.id
WHERE (((timezone('America/New_York', timezone('UTC', CAST(orders.created_at AS TIMESTAMP)))) >= TIMESTAMP '2024-01-01 00:00:00' AND (timezone('America/New_York', timezone('UTC', CAST(orders.created_at AS TIMESTAMP)))) < TIMESTAMP '2024-03-01 00:00:00')) AND (((users.state LIKE '%a_b%' ESCAPE '\\') AND (users.state <> 'O''Brien' OR users.state IS NULL)))
GROUP BY
    1,2
ORDER BY
    3 DESC
LIMIT 10`,
      postgres: `
SELECT
    users.state AS "users.state",
    TO_CHAR(((CAST(orders.created_at AS TIMESTAMP) AT TIME ZONE 'UTC') AT TIME ZONE 'America/New_York'), 'YYYY-MM') AS "orders.created_month",
    COUNT(DISTINCT orders.id) AS "orders.count",
    COALESCE((SUM(DISTINCT CAST(ROUND(COALESCE(orders.shipping, 0) * 1000000) AS DECIMAL(65,0)) + (CAST(CAST(CAST(('x' || MD5(CAST(orders.id AS VARCHAR))) AS BIT(64)) AS BIGINT) AS DECIMAL(65,0)) * 18446744073709551616 + CAST(CAST(CAST(('x' || SUBSTR(MD5(CAST(orders.id AS VARCHAR)), 17)) AS BIT(64)) AS BIGINT) AS DECIMAL(65,0)))) - SUM(DISTINCT (CAST(CAST(CAST(('x' || MD5(CAST(orders.id AS VARCHAR))) AS BIT(64)) AS BIGINT) AS DECIMAL(65,0)) * 18446744073709551616 + CAST(CAST(CAST(('x' || SUBSTR(MD5(CAST(orders.id AS VARCHAR)), 17)) AS BIT(64)) AS BIGINT) AS DECIMAL(65,0))))) * 0.000001, 0) AS "orders.total_shipping",
    COALESCE(SUM(order_items.price), 0) AS "order_items.total_price"
FROM shop.orders AS orders
LEFT JOIN users AS users ON orders.user_id = users.id
LEFT JOIN order_items AS order_items ON order_items.order_id = orders.id
WHERE (((((CAST(orders.created_at AS TIMESTAMP) AT TIME ZONE 'UTC') AT TIME ZONE 'America/New_York')) >= TIMESTAMP '2024-01-01 00:00:00' AND (((CAST(orders.created_at AS TIMESTAMP) AT TIME ZONE 'UTC') AT TIME ZONE 'America/New_York')) < TIMESTAMP '2024-03-01 00:00:00')) AND (((users.state LIKE '%a_b%' ESCAPE E'\\\\') AND (users.state <> 'O''Brien' OR users.state IS NULL)))
GROUP BY
    1,2
ORDER BY
    3 DESC
LIMIT 10`,
      redshift: `
SELECT
    users.state AS "users.state",
    TO_CHAR(CONVERT_TIMEZONE('UTC', 'America/New_York', CAST(orders.created_at AS TIMESTAMP)), 'YYYY-MM') AS "orders.created_month",
    COUNT(DISTINCT orders.id) AS "orders.count",
    COALESCE((SUM(DISTINCT CAST(ROUND(COALESCE(orders.shipping, 0) * 1000000) AS DECIMAL(38,0)) + CAST(STRTOL(LEFT(MD5(CAST(orders.id AS VARCHAR)), 15), 16) AS DECIMAL(38,0))) - SUM(DISTINCT CAST(STRTOL(LEFT(MD5(CAST(orders.id AS VARCHAR)), 15), 16) AS DECIMAL(38,0)))) * 0.000001, 0) AS "orders.total_shipping",
    COALESCE(SUM(order_items.price), 0) AS "order_items.total_price"
FROM shop.orders AS orders
LEFT JOIN users AS users ON orders.user_id = users.id
LEFT JOIN order_items AS order_items ON order_items.order_id = orders.id
WHERE (((CONVERT_TIMEZONE('UTC', 'America/New_York', CAST(orders.created_at AS TIMESTAMP))) >= TIMESTAMP '2024-01-01 00:00:00' AND (CONVERT_TIMEZONE('UTC', 'America/New_York', CAST(orders.created_at AS TIMESTAMP))) < TIMESTAMP '2024-03-01 00:00:00')) AND (((users.state LIKE '%a_b%' ESCAPE '\\\\') AND (users.state <> 'O''Brien' OR users.state IS NULL)))
GROUP BY
    1,2
ORDER BY
    3 DESC
LIMIT 10`,
      snowflake: `
SELECT
    users.state AS "users.state",
    TO_CHAR(CONVERT_TIMEZONE('UTC', 'America/New_York', CAST(orders.created_at AS TIMESTAMP_NTZ)), 'YYYY-MM') AS "orders.created_month",
    COUNT(DISTINCT orders.id) AS "orders.count",
    COALESCE((SUM(DISTINCT CAST(ROUND(CAST(COALESCE(orders.shipping, 0) AS NUMBER(38,6)) * 1000000) AS NUMBER(38,0)) + MD5_NUMBER_LOWER64(CAST(orders.id AS VARCHAR))) - SUM(DISTINCT MD5_NUMBER_LOWER64(CAST(orders.id AS VARCHAR)))) * 0.000001, 0) AS "orders.total_shipping",
    COALESCE(SUM(order_items.price), 0) AS "order_items.total_price"
FROM shop.orders AS orders
LEFT JOIN users AS users ON orders.user_id = users.id
LEFT JOIN order_items AS order_items ON order_items.order_id = orders.id
WHERE (((CONVERT_TIMEZONE('UTC', 'America/New_York', CAST(orders.created_at AS TIMESTAMP_NTZ))) >= CAST('2024-01-01 00:00:00' AS TIMESTAMP_NTZ) AND (CONVERT_TIMEZONE('UTC', 'America/New_York', CAST(orders.created_at AS TIMESTAMP_NTZ))) < CAST('2024-03-01 00:00:00' AS TIMESTAMP_NTZ))) AND (((users.state LIKE '%a_b%' ESCAPE '\\\\') AND (users.state <> 'O''Brien' OR users.state IS NULL)))
GROUP BY
    1,2
ORDER BY
    3 DESC
LIMIT 10`,
      trino: `
SELECT
    users.state AS "users.state",
    substr(CAST(CAST(CAST(with_timezone(CAST(orders.created_at AS TIMESTAMP(6)), 'UTC') AT TIME ZONE 'America/New_York' AS TIMESTAMP(6)) AS TIMESTAMP(6)) AS VARCHAR), 1, 7) AS "orders.created_month",
    COUNT(DISTINCT orders.id) AS "orders.count",
    COALESCE(CAST(SUM(DISTINCT CAST(ROUND(CAST(COALESCE(orders.shipping, 0) AS DECIMAL(38,6)) * 1000000) AS DECIMAL(38,0)) + CAST(from_big_endian_64(xxhash64(to_utf8(CAST(orders.id AS VARCHAR)))) AS DECIMAL(38,0))) - SUM(DISTINCT CAST(from_big_endian_64(xxhash64(to_utf8(CAST(orders.id AS VARCHAR)))) AS DECIMAL(38,0))) AS DECIMAL(38,0)) * DECIMAL '0.000001', 0) AS "orders.total_shipping",
    COALESCE(SUM(order_items.price), 0) AS "order_items.total_price"
FROM shop.orders AS orders
LEFT JOIN users AS users ON orders.user_id = users.id
LEFT JOIN order_items AS order_items ON order_items.order_id = orders.id
WHERE (((CAST(with_timezone(CAST(orders.created_at AS TIMESTAMP(6)), 'UTC') AT TIME ZONE 'America/New_York' AS TIMESTAMP(6))) >= TIMESTAMP '2024-01-01 00:00:00' AND (CAST(with_timezone(CAST(orders.created_at AS TIMESTAMP(6)), 'UTC') AT TIME ZONE 'America/New_York' AS TIMESTAMP(6))) < TIMESTAMP '2024-03-01 00:00:00')) AND (((users.state LIKE '%a_b%' ESCAPE '\\') AND (users.state <> 'O''Brien' OR users.state IS NULL)))
GROUP BY
    1,2
ORDER BY
    3 DESC
LIMIT 10`,
    });
  });

  it("derived table, average across a many_to_one join, measure filter, unlimited", () => {
    testSql({"fields":["user_facts.lifetime_orders","users.average_age","orders.completed_count"],"filters":{"orders.completed_count":">=2"},"limit":-1}, {
      bigquery_standard_sql: `
WITH user_facts AS (SELECT user_id, COUNT(*) AS lifetime_orders FROM shop.orders GROUP BY 1)
SELECT
    user_facts.lifetime_orders AS \`user_facts_lifetime_orders\`,
    COALESCE((SUM(DISTINCT ROUND(CAST(COALESCE(users.age, 0) AS NUMERIC) * 1000000) + CAST(FARM_FINGERPRINT(CAST(users.id AS STRING)) AS NUMERIC)) - SUM(DISTINCT CAST(FARM_FINGERPRINT(CAST(users.id AS STRING)) AS NUMERIC))) / 1000000, 0) / NULLIF(COUNT(DISTINCT CASE WHEN users.age IS NOT NULL THEN users.id ELSE NULL END), 0) AS \`users_average_age\`,
    COUNT(CASE WHEN (orders.status = 'complete') THEN 1 ELSE NULL END) AS \`orders_completed_count\`
FROM shop.orders AS orders
LEFT JOIN users AS users ON orders.user_id = users.id
LEFT JOIN user_facts AS user_facts ON users.id = user_facts.user_id
GROUP BY
    1
HAVING ((COUNT(CASE WHEN (orders.status = 'complete') THEN 1 ELSE NULL END)) >= 2)
ORDER BY
    2 DESC`,
      duckdb: `
WITH user_facts AS (SELECT user_id, COUNT(*) AS lifetime_orders FROM shop.orders GROUP BY 1)
SELECT
    user_facts.lifetime_orders AS "user_facts.lifetime_orders",
    COALESCE(CAST(SUM(DISTINCT CAST(ROUND(COALESCE(users.age, 0) * 1000000) AS HUGEINT) + CAST(md5_number_lower(CAST(users.id AS VARCHAR)) AS HUGEINT)) - SUM(DISTINCT CAST(md5_number_lower(CAST(users.id AS VARCHAR)) AS HUGEINT)) AS DECIMAL(38,0)) * 0.000001, 0) / NULLIF(COUNT(DISTINCT CASE WHEN users.age IS NOT NULL THEN users.id ELSE NULL END), 0) AS "users.average_age",
    COUNT(CASE WHEN (orders.status = 'complete') THEN 1 ELSE NULL END) AS "orders.completed_count"
FROM shop.orders AS orders
LEFT JOIN users AS users ON orders.user_id = users.id
LEFT JOIN user_facts AS user_facts ON users.id = user_facts.user_id
GROUP BY
    1
HAVING ((COUNT(CASE WHEN (orders.status = 'complete') THEN 1 ELSE NULL END)) >= 2)
ORDER BY
    2 DESC`,
      postgres: `
WITH user_facts AS (SELECT user_id, COUNT(*) AS lifetime_orders FROM shop.orders GROUP BY 1)
SELECT
    user_facts.lifetime_orders AS "user_facts.lifetime_orders",
    COALESCE((SUM(DISTINCT CAST(ROUND(COALESCE(users.age, 0) * 1000000) AS DECIMAL(65,0)) + (CAST(CAST(CAST(('x' || MD5(CAST(users.id AS VARCHAR))) AS BIT(64)) AS BIGINT) AS DECIMAL(65,0)) * 18446744073709551616 + CAST(CAST(CAST(('x' || SUBSTR(MD5(CAST(users.id AS VARCHAR)), 17)) AS BIT(64)) AS BIGINT) AS DECIMAL(65,0)))) - SUM(DISTINCT (CAST(CAST(CAST(('x' || MD5(CAST(users.id AS VARCHAR))) AS BIT(64)) AS BIGINT) AS DECIMAL(65,0)) * 18446744073709551616 + CAST(CAST(CAST(('x' || SUBSTR(MD5(CAST(users.id AS VARCHAR)), 17)) AS BIT(64)) AS BIGINT) AS DECIMAL(65,0))))) * 0.000001, 0) / NULLIF(COUNT(DISTINCT CASE WHEN users.age IS NOT NULL THEN users.id ELSE NULL END), 0) AS "users.average_age",
    COUNT(CASE WHEN (orders.status = 'complete') THEN 1 ELSE NULL END) AS "orders.completed_count"
FROM shop.orders AS orders
LEFT JOIN users AS users ON orders.user_id = users.id
LEFT JOIN user_facts AS user_facts ON users.id = user_facts.user_id
GROUP BY
    1
HAVING ((COUNT(CASE WHEN (orders.status = 'complete') THEN 1 ELSE NULL END)) >= 2)
ORDER BY
    2 DESC`,
      redshift: `
WITH user_facts AS (SELECT user_id, COUNT(*) AS lifetime_orders FROM shop.orders GROUP BY 1)
SELECT
    user_facts.lifetime_orders AS "user_facts.lifetime_orders",
    COALESCE((SUM(DISTINCT CAST(ROUND(COALESCE(users.age, 0) * 1000000) AS DECIMAL(38,0)) + CAST(STRTOL(LEFT(MD5(CAST(users.id AS VARCHAR)), 15), 16) AS DECIMAL(38,0))) - SUM(DISTINCT CAST(STRTOL(LEFT(MD5(CAST(users.id AS VARCHAR)), 15), 16) AS DECIMAL(38,0)))) * 0.000001, 0) / NULLIF(COUNT(DISTINCT CASE WHEN users.age IS NOT NULL THEN users.id ELSE NULL END), 0) AS "users.average_age",
    COUNT(CASE WHEN (orders.status = 'complete') THEN 1 ELSE NULL END) AS "orders.completed_count"
FROM shop.orders AS orders
LEFT JOIN users AS users ON orders.user_id = users.id
LEFT JOIN user_facts AS user_facts ON users.id = user_facts.user_id
GROUP BY
    1
HAVING ((COUNT(CASE WHEN (orders.status = 'complete') THEN 1 ELSE NULL END)) >= 2)
ORDER BY
    2 DESC`,
      snowflake: `
WITH user_facts AS (SELECT user_id, COUNT(*) AS lifetime_orders FROM shop.orders GROUP BY 1)
SELECT
    user_facts.lifetime_orders AS "user_facts.lifetime_orders",
    COALESCE((SUM(DISTINCT CAST(ROUND(CAST(COALESCE(users.age, 0) AS NUMBER(38,6)) * 1000000) AS NUMBER(38,0)) + MD5_NUMBER_LOWER64(CAST(users.id AS VARCHAR))) - SUM(DISTINCT MD5_NUMBER_LOWER64(CAST(users.id AS VARCHAR)))) * 0.000001, 0) / NULLIF(COUNT(DISTINCT CASE WHEN users.age IS NOT NULL THEN users.id ELSE NULL END), 0) AS "users.average_age",
    COUNT(CASE WHEN (orders.status = 'complete') THEN 1 ELSE NULL END) AS "orders.completed_count"
FROM shop.orders AS orders
LEFT JOIN users AS users ON orders.user_id = users.id
LEFT JOIN user_facts AS user_facts ON users.id = user_facts.user_id
GROUP BY
    1
HAVING ((COUNT(CASE WHEN (orders.status = 'complete') THEN 1 ELSE NULL END)) >= 2)
ORDER BY
    2 DESC`,
      trino: `
WITH user_facts AS (SELECT user_id, COUNT(*) AS lifetime_orders FROM shop.orders GROUP BY 1)
SELECT
    user_facts.lifetime_orders AS "user_facts.lifetime_orders",
    COALESCE(CAST(SUM(DISTINCT CAST(ROUND(CAST(COALESCE(users.age, 0) AS DECIMAL(38,6)) * 1000000) AS DECIMAL(38,0)) + CAST(from_big_endian_64(xxhash64(to_utf8(CAST(users.id AS VARCHAR)))) AS DECIMAL(38,0))) - SUM(DISTINCT CAST(from_big_endian_64(xxhash64(to_utf8(CAST(users.id AS VARCHAR)))) AS DECIMAL(38,0))) AS DECIMAL(38,0)) * DECIMAL '0.000001', 0) / NULLIF(COUNT(DISTINCT CASE WHEN users.age IS NOT NULL THEN users.id ELSE NULL END), 0) AS "users.average_age",
    COUNT(CASE WHEN (orders.status = 'complete') THEN 1 ELSE NULL END) AS "orders.completed_count"
FROM shop.orders AS orders
LEFT JOIN users AS users ON orders.user_id = users.id
LEFT JOIN user_facts AS user_facts ON users.id = user_facts.user_id
GROUP BY
    1
HAVING ((COUNT(CASE WHEN (orders.status = 'complete') THEN 1 ELSE NULL END)) >= 2)
ORDER BY
    2 DESC`,
    });
  });

  it("pivot with tier and yesno, relative date filter with pinned now", () => {
    testSql({"fields":["orders.shipping_tier","orders.is_big","orders.count"],"pivots":["orders.is_big"],"filters":{"orders.created_date":"last 7 days"},"limit":20}, {
      bigquery_standard_sql: `
SELECT \`orders_shipping_tier\`, \`orders_is_big\`, \`orders_count\`
FROM (SELECT
    CASE WHEN orders.shipping < 0 THEN 'Below 0' WHEN orders.shipping < 10 THEN '0 to 9' WHEN orders.shipping < 20 THEN '10 to 19' WHEN orders.shipping >= 20 THEN '20 or Above' ELSE 'Undefined' END AS \`orders_shipping_tier\`,
    CASE WHEN (orders.shipping > 10) THEN 'Yes' ELSE 'No' END AS \`orders_is_big\`,
    COUNT(*) AS \`orders_count\`,
    DENSE_RANK() OVER (ORDER BY CASE WHEN orders.shipping < 0 THEN 'Below 0' WHEN orders.shipping < 10 THEN '0 to 9' WHEN orders.shipping < 20 THEN '10 to 19' WHEN orders.shipping >= 20 THEN '20 or Above' ELSE 'Undefined' END) AS z___min_rank,
    DENSE_RANK() OVER (ORDER BY CASE WHEN (orders.shipping > 10) THEN 'Yes' ELSE 'No' END) AS z___pivot_col_rank
FROM shop.orders AS orders
WHERE ((CAST(orders.created_at AS DATETIME)) >= DATETIME_ADD(DATETIME_TRUNC(DATETIME '2024-03-13 15:30:00', DAY), INTERVAL -6 DAY) AND (CAST(orders.created_at AS DATETIME)) < DATETIME_ADD(DATETIME_TRUNC(DATETIME '2024-03-13 15:30:00', DAY), INTERVAL 1 DAY))
GROUP BY
    1,2) AS \`z___pivoted\`
WHERE z___min_rank <= 20 AND z___pivot_col_rank <= 50
ORDER BY z___min_rank, z___pivot_col_rank`,
      duckdb: `
SELECT "orders.shipping_tier", "orders.is_big", "orders.count"
FROM (SELECT
    CASE WHEN orders.shipping < 0 THEN 'Below 0' WHEN orders.shipping < 10 THEN '0 to 9' WHEN orders.shipping < 20 THEN '10 to 19' WHEN orders.shipping >= 20 THEN '20 or Above' ELSE 'Undefined' END AS "orders.shipping_tier",
    CASE WHEN (orders.shipping > 10) THEN 'Yes' ELSE 'No' END AS "orders.is_big",
    COUNT(*) AS "orders.count",
    DENSE_RANK() OVER (ORDER BY CASE WHEN orders.shipping < 0 THEN 'Below 0' WHEN orders.shipping < 10 THEN '0 to 9' WHEN orders.shipping < 20 THEN '10 to 19' WHEN orders.shipping >= 20 THEN '20 or Above' ELSE 'Undefined' END) AS z___min_rank,
    DENSE_RANK() OVER (ORDER BY CASE WHEN (orders.shipping > 10) THEN 'Yes' ELSE 'No' END) AS z___pivot_col_rank
FROM shop.orders AS orders
WHERE ((CAST(orders.created_at AS TIMESTAMP)) >= (date_trunc('day', TIMESTAMP '2024-03-13 15:30:00') + (-6) * INTERVAL '1 day') AND (CAST(orders.created_at AS TIMESTAMP)) < (date_trunc('day', TIMESTAMP '2024-03-13 15:30:00') + (1) * INTERVAL '1 day'))
GROUP BY
    1,2) AS "z___pivoted"
WHERE z___min_rank <= 20 AND z___pivot_col_rank <= 50
ORDER BY z___min_rank, z___pivot_col_rank`,
      postgres: `
SELECT "orders.shipping_tier", "orders.is_big", "orders.count"
FROM (SELECT
    CASE WHEN orders.shipping < 0 THEN 'Below 0' WHEN orders.shipping < 10 THEN '0 to 9' WHEN orders.shipping < 20 THEN '10 to 19' WHEN orders.shipping >= 20 THEN '20 or Above' ELSE 'Undefined' END AS "orders.shipping_tier",
    CASE WHEN (orders.shipping > 10) THEN 'Yes' ELSE 'No' END AS "orders.is_big",
    COUNT(*) AS "orders.count",
    DENSE_RANK() OVER (ORDER BY CASE WHEN orders.shipping < 0 THEN 'Below 0' WHEN orders.shipping < 10 THEN '0 to 9' WHEN orders.shipping < 20 THEN '10 to 19' WHEN orders.shipping >= 20 THEN '20 or Above' ELSE 'Undefined' END) AS z___min_rank,
    DENSE_RANK() OVER (ORDER BY CASE WHEN (orders.shipping > 10) THEN 'Yes' ELSE 'No' END) AS z___pivot_col_rank
FROM shop.orders AS orders
WHERE ((CAST(orders.created_at AS TIMESTAMP)) >= (DATE_TRUNC('day', TIMESTAMP '2024-03-13 15:30:00') + (-6) * INTERVAL '1 day') AND (CAST(orders.created_at AS TIMESTAMP)) < (DATE_TRUNC('day', TIMESTAMP '2024-03-13 15:30:00') + (1) * INTERVAL '1 day'))
GROUP BY
    1,2) AS "z___pivoted"
WHERE z___min_rank <= 20 AND z___pivot_col_rank <= 50
ORDER BY z___min_rank, z___pivot_col_rank`,
      redshift: `
SELECT "orders.shipping_tier", "orders.is_big", "orders.count"
FROM (SELECT
    CASE WHEN orders.shipping < 0 THEN 'Below 0' WHEN orders.shipping < 10 THEN '0 to 9' WHEN orders.shipping < 20 THEN '10 to 19' WHEN orders.shipping >= 20 THEN '20 or Above' ELSE 'Undefined' END AS "orders.shipping_tier",
    CASE WHEN (orders.shipping > 10) THEN 'Yes' ELSE 'No' END AS "orders.is_big",
    COUNT(*) AS "orders.count",
    DENSE_RANK() OVER (ORDER BY CASE WHEN orders.shipping < 0 THEN 'Below 0' WHEN orders.shipping < 10 THEN '0 to 9' WHEN orders.shipping < 20 THEN '10 to 19' WHEN orders.shipping >= 20 THEN '20 or Above' ELSE 'Undefined' END) AS z___min_rank,
    DENSE_RANK() OVER (ORDER BY CASE WHEN (orders.shipping > 10) THEN 'Yes' ELSE 'No' END) AS z___pivot_col_rank
FROM shop.orders AS orders
WHERE ((CAST(orders.created_at AS TIMESTAMP)) >= DATEADD(day, -6, DATE_TRUNC('day', TIMESTAMP '2024-03-13 15:30:00')) AND (CAST(orders.created_at AS TIMESTAMP)) < DATEADD(day, 1, DATE_TRUNC('day', TIMESTAMP '2024-03-13 15:30:00')))
GROUP BY
    1,2) AS "z___pivoted"
WHERE z___min_rank <= 20 AND z___pivot_col_rank <= 50
ORDER BY z___min_rank, z___pivot_col_rank`,
      snowflake: `
SELECT "orders.shipping_tier", "orders.is_big", "orders.count"
FROM (SELECT
    CASE WHEN orders.shipping < 0 THEN 'Below 0' WHEN orders.shipping < 10 THEN '0 to 9' WHEN orders.shipping < 20 THEN '10 to 19' WHEN orders.shipping >= 20 THEN '20 or Above' ELSE 'Undefined' END AS "orders.shipping_tier",
    CASE WHEN (orders.shipping > 10) THEN 'Yes' ELSE 'No' END AS "orders.is_big",
    COUNT(*) AS "orders.count",
    DENSE_RANK() OVER (ORDER BY CASE WHEN orders.shipping < 0 THEN 'Below 0' WHEN orders.shipping < 10 THEN '0 to 9' WHEN orders.shipping < 20 THEN '10 to 19' WHEN orders.shipping >= 20 THEN '20 or Above' ELSE 'Undefined' END) AS z___min_rank,
    DENSE_RANK() OVER (ORDER BY CASE WHEN (orders.shipping > 10) THEN 'Yes' ELSE 'No' END) AS z___pivot_col_rank
FROM shop.orders AS orders
WHERE ((CAST(orders.created_at AS TIMESTAMP_NTZ)) >= DATEADD(DAY, -6, DATE_TRUNC('DAY', CAST('2024-03-13 15:30:00' AS TIMESTAMP_NTZ))) AND (CAST(orders.created_at AS TIMESTAMP_NTZ)) < DATEADD(DAY, 1, DATE_TRUNC('DAY', CAST('2024-03-13 15:30:00' AS TIMESTAMP_NTZ))))
GROUP BY
    1,2) AS "z___pivoted"
WHERE z___min_rank <= 20 AND z___pivot_col_rank <= 50
ORDER BY z___min_rank, z___pivot_col_rank`,
      trino: `
SELECT "orders.shipping_tier", "orders.is_big", "orders.count"
FROM (SELECT
    CASE WHEN orders.shipping < 0 THEN 'Below 0' WHEN orders.shipping < 10 THEN '0 to 9' WHEN orders.shipping < 20 THEN '10 to 19' WHEN orders.shipping >= 20 THEN '20 or Above' ELSE 'Undefined' END AS "orders.shipping_tier",
    CASE WHEN (orders.shipping > 10) THEN 'Yes' ELSE 'No' END AS "orders.is_big",
    COUNT(*) AS "orders.count",
    DENSE_RANK() OVER (ORDER BY CASE WHEN orders.shipping < 0 THEN 'Below 0' WHEN orders.shipping < 10 THEN '0 to 9' WHEN orders.shipping < 20 THEN '10 to 19' WHEN orders.shipping >= 20 THEN '20 or Above' ELSE 'Undefined' END) AS z___min_rank,
    DENSE_RANK() OVER (ORDER BY CASE WHEN (orders.shipping > 10) THEN 'Yes' ELSE 'No' END) AS z___pivot_col_rank
FROM shop.orders AS orders
WHERE ((CAST(orders.created_at AS TIMESTAMP(6))) >= date_add('day', -6, date_trunc('day', TIMESTAMP '2024-03-13 15:30:00')) AND (CAST(orders.created_at AS TIMESTAMP(6))) < date_add('day', 1, date_trunc('day', TIMESTAMP '2024-03-13 15:30:00')))
GROUP BY
    1,2) AS "z___pivoted"
WHERE z___min_rank <= 20 AND z___pivot_col_rank <= 50
ORDER BY z___min_rank, z___pivot_col_rank`,
    });
  });

  it("pivot sorted desc with row totals and totals (column_limit below the pivot values)", () => {
    testStatements({"fields":["orders.status","orders.created_year","orders.count"],"pivots":["orders.created_year"],"sorts":["orders.created_year desc"],"total":true,"row_total":"right","limit":5,"column_limit":2}, {
      bigquery_standard_sql: {
        sql: `
SELECT \`orders_status\`, \`orders_created_year\`, \`orders_count\`
FROM (SELECT
    orders.status AS \`orders_status\`,
    EXTRACT(YEAR FROM CAST(orders.created_at AS DATETIME)) AS \`orders_created_year\`,
    COUNT(*) AS \`orders_count\`,
    DENSE_RANK() OVER (ORDER BY orders.status) AS z___min_rank,
    DENSE_RANK() OVER (ORDER BY EXTRACT(YEAR FROM CAST(orders.created_at AS DATETIME)) DESC) AS z___pivot_col_rank
FROM shop.orders AS orders
GROUP BY
    1,2) AS \`z___pivoted\`
WHERE z___min_rank <= 5 AND z___pivot_col_rank <= 2
ORDER BY z___min_rank, z___pivot_col_rank`,
        rowTotalsSql: `
SELECT \`z___row_totals\`.\`orders_status\`, \`z___row_totals\`.\`orders_count\`
FROM (SELECT
    orders.status AS \`orders_status\`,
    COUNT(*) AS \`orders_count\`
FROM shop.orders AS orders
GROUP BY
    1) AS \`z___row_totals\`
INNER JOIN (SELECT DISTINCT \`orders_status\`
FROM (SELECT
    orders.status AS \`orders_status\`,
    EXTRACT(YEAR FROM CAST(orders.created_at AS DATETIME)) AS \`orders_created_year\`,
    COUNT(*) AS \`orders_count\`,
    DENSE_RANK() OVER (ORDER BY orders.status) AS z___min_rank,
    DENSE_RANK() OVER (ORDER BY EXTRACT(YEAR FROM CAST(orders.created_at AS DATETIME)) DESC) AS z___pivot_col_rank
FROM shop.orders AS orders
GROUP BY
    1,2) AS \`z___pivoted\`
WHERE z___min_rank <= 5 AND z___pivot_col_rank <= 2) AS \`z___kept\`
ON (\`z___row_totals\`.\`orders_status\` = \`z___kept\`.\`orders_status\` OR (\`z___row_totals\`.\`orders_status\` IS NULL AND \`z___kept\`.\`orders_status\` IS NULL))`,
        pivotTotalsSql: `
SELECT
    EXTRACT(YEAR FROM CAST(orders.created_at AS DATETIME)) AS \`orders_created_year\`,
    COUNT(*) AS \`orders_count\`
FROM shop.orders AS orders
GROUP BY
    1
ORDER BY
    1 DESC
LIMIT 2`,
        totalsSql: `
SELECT
    COUNT(*) AS \`orders_count\`
FROM shop.orders AS orders`,
      },
      duckdb: {
        sql: `
SELECT "orders.status", "orders.created_year", "orders.count"
FROM (SELECT
    orders.status AS "orders.status",
    year(CAST(orders.created_at AS TIMESTAMP)) AS "orders.created_year",
    COUNT(*) AS "orders.count",
    DENSE_RANK() OVER (ORDER BY orders.status) AS z___min_rank,
    DENSE_RANK() OVER (ORDER BY year(CAST(orders.created_at AS TIMESTAMP)) DESC) AS z___pivot_col_rank
FROM shop.orders AS orders
GROUP BY
    1,2) AS "z___pivoted"
WHERE z___min_rank <= 5 AND z___pivot_col_rank <= 2
ORDER BY z___min_rank, z___pivot_col_rank`,
        rowTotalsSql: `
SELECT "z___row_totals"."orders.status", "z___row_totals"."orders.count"
FROM (SELECT
    orders.status AS "orders.status",
    COUNT(*) AS "orders.count"
FROM shop.orders AS orders
GROUP BY
    1) AS "z___row_totals"
INNER JOIN (SELECT DISTINCT "orders.status"
FROM (SELECT
    orders.status AS "orders.status",
    year(CAST(orders.created_at AS TIMESTAMP)) AS "orders.created_year",
    COUNT(*) AS "orders.count",
    DENSE_RANK() OVER (ORDER BY orders.status) AS z___min_rank,
    DENSE_RANK() OVER (ORDER BY year(CAST(orders.created_at AS TIMESTAMP)) DESC) AS z___pivot_col_rank
FROM shop.orders AS orders
GROUP BY
    1,2) AS "z___pivoted"
WHERE z___min_rank <= 5 AND z___pivot_col_rank <= 2) AS "z___kept"
ON ("z___row_totals"."orders.status" = "z___kept"."orders.status" OR ("z___row_totals"."orders.status" IS NULL AND "z___kept"."orders.status" IS NULL))`,
        pivotTotalsSql: `
SELECT
    year(CAST(orders.created_at AS TIMESTAMP)) AS "orders.created_year",
    COUNT(*) AS "orders.count"
FROM shop.orders AS orders
GROUP BY
    1
ORDER BY
    1 DESC
LIMIT 2`,
        totalsSql: `
SELECT
    COUNT(*) AS "orders.count"
FROM shop.orders AS orders`,
      },
      postgres: {
        sql: `
SELECT "orders.status", "orders.created_year", "orders.count"
FROM (SELECT
    orders.status AS "orders.status",
    CAST(EXTRACT(YEAR FROM CAST(orders.created_at AS TIMESTAMP)) AS INTEGER) AS "orders.created_year",
    COUNT(*) AS "orders.count",
    DENSE_RANK() OVER (ORDER BY orders.status) AS z___min_rank,
    DENSE_RANK() OVER (ORDER BY CAST(EXTRACT(YEAR FROM CAST(orders.created_at AS TIMESTAMP)) AS INTEGER) DESC) AS z___pivot_col_rank
FROM shop.orders AS orders
GROUP BY
    1,2) AS "z___pivoted"
WHERE z___min_rank <= 5 AND z___pivot_col_rank <= 2
ORDER BY z___min_rank, z___pivot_col_rank`,
        rowTotalsSql: `
SELECT "z___row_totals"."orders.status", "z___row_totals"."orders.count"
FROM (SELECT
    orders.status AS "orders.status",
    COUNT(*) AS "orders.count"
FROM shop.orders AS orders
GROUP BY
    1) AS "z___row_totals"
INNER JOIN (SELECT DISTINCT "orders.status"
FROM (SELECT
    orders.status AS "orders.status",
    CAST(EXTRACT(YEAR FROM CAST(orders.created_at AS TIMESTAMP)) AS INTEGER) AS "orders.created_year",
    COUNT(*) AS "orders.count",
    DENSE_RANK() OVER (ORDER BY orders.status) AS z___min_rank,
    DENSE_RANK() OVER (ORDER BY CAST(EXTRACT(YEAR FROM CAST(orders.created_at AS TIMESTAMP)) AS INTEGER) DESC) AS z___pivot_col_rank
FROM shop.orders AS orders
GROUP BY
    1,2) AS "z___pivoted"
WHERE z___min_rank <= 5 AND z___pivot_col_rank <= 2) AS "z___kept"
ON ("z___row_totals"."orders.status" = "z___kept"."orders.status" OR ("z___row_totals"."orders.status" IS NULL AND "z___kept"."orders.status" IS NULL))`,
        pivotTotalsSql: `
SELECT
    CAST(EXTRACT(YEAR FROM CAST(orders.created_at AS TIMESTAMP)) AS INTEGER) AS "orders.created_year",
    COUNT(*) AS "orders.count"
FROM shop.orders AS orders
GROUP BY
    1
ORDER BY
    1 DESC
LIMIT 2`,
        totalsSql: `
SELECT
    COUNT(*) AS "orders.count"
FROM shop.orders AS orders`,
      },
      redshift: {
        sql: `
SELECT "orders.status", "orders.created_year", "orders.count"
FROM (SELECT
    orders.status AS "orders.status",
    CAST(EXTRACT(YEAR FROM CAST(orders.created_at AS TIMESTAMP)) AS INTEGER) AS "orders.created_year",
    COUNT(*) AS "orders.count",
    DENSE_RANK() OVER (ORDER BY orders.status) AS z___min_rank,
    DENSE_RANK() OVER (ORDER BY CAST(EXTRACT(YEAR FROM CAST(orders.created_at AS TIMESTAMP)) AS INTEGER) DESC) AS z___pivot_col_rank
FROM shop.orders AS orders
GROUP BY
    1,2) AS "z___pivoted"
WHERE z___min_rank <= 5 AND z___pivot_col_rank <= 2
ORDER BY z___min_rank, z___pivot_col_rank`,
        rowTotalsSql: `
SELECT "z___row_totals"."orders.status", "z___row_totals"."orders.count"
FROM (SELECT
    orders.status AS "orders.status",
    COUNT(*) AS "orders.count"
FROM shop.orders AS orders
GROUP BY
    1) AS "z___row_totals"
INNER JOIN (SELECT DISTINCT "orders.status"
FROM (SELECT
    orders.status AS "orders.status",
    CAST(EXTRACT(YEAR FROM CAST(orders.created_at AS TIMESTAMP)) AS INTEGER) AS "orders.created_year",
    COUNT(*) AS "orders.count",
    DENSE_RANK() OVER (ORDER BY orders.status) AS z___min_rank,
    DENSE_RANK() OVER (ORDER BY CAST(EXTRACT(YEAR FROM CAST(orders.created_at AS TIMESTAMP)) AS INTEGER) DESC) AS z___pivot_col_rank
FROM shop.orders AS orders
GROUP BY
    1,2) AS "z___pivoted"
WHERE z___min_rank <= 5 AND z___pivot_col_rank <= 2) AS "z___kept"
ON ("z___row_totals"."orders.status" = "z___kept"."orders.status" OR ("z___row_totals"."orders.status" IS NULL AND "z___kept"."orders.status" IS NULL))`,
        pivotTotalsSql: `
SELECT
    CAST(EXTRACT(YEAR FROM CAST(orders.created_at AS TIMESTAMP)) AS INTEGER) AS "orders.created_year",
    COUNT(*) AS "orders.count"
FROM shop.orders AS orders
GROUP BY
    1
ORDER BY
    1 DESC
LIMIT 2`,
        totalsSql: `
SELECT
    COUNT(*) AS "orders.count"
FROM shop.orders AS orders`,
      },
      snowflake: {
        sql: `
SELECT "orders.status", "orders.created_year", "orders.count"
FROM (SELECT
    orders.status AS "orders.status",
    YEAR(CAST(orders.created_at AS TIMESTAMP_NTZ)) AS "orders.created_year",
    COUNT(*) AS "orders.count",
    DENSE_RANK() OVER (ORDER BY orders.status) AS z___min_rank,
    DENSE_RANK() OVER (ORDER BY YEAR(CAST(orders.created_at AS TIMESTAMP_NTZ)) DESC) AS z___pivot_col_rank
FROM shop.orders AS orders
GROUP BY
    1,2) AS "z___pivoted"
WHERE z___min_rank <= 5 AND z___pivot_col_rank <= 2
ORDER BY z___min_rank, z___pivot_col_rank`,
        rowTotalsSql: `
SELECT "z___row_totals"."orders.status", "z___row_totals"."orders.count"
FROM (SELECT
    orders.status AS "orders.status",
    COUNT(*) AS "orders.count"
FROM shop.orders AS orders
GROUP BY
    1) AS "z___row_totals"
INNER JOIN (SELECT DISTINCT "orders.status"
FROM (SELECT
    orders.status AS "orders.status",
    YEAR(CAST(orders.created_at AS TIMESTAMP_NTZ)) AS "orders.created_year",
    COUNT(*) AS "orders.count",
    DENSE_RANK() OVER (ORDER BY orders.status) AS z___min_rank,
    DENSE_RANK() OVER (ORDER BY YEAR(CAST(orders.created_at AS TIMESTAMP_NTZ)) DESC) AS z___pivot_col_rank
FROM shop.orders AS orders
GROUP BY
    1,2) AS "z___pivoted"
WHERE z___min_rank <= 5 AND z___pivot_col_rank <= 2) AS "z___kept"
ON ("z___row_totals"."orders.status" = "z___kept"."orders.status" OR ("z___row_totals"."orders.status" IS NULL AND "z___kept"."orders.status" IS NULL))`,
        pivotTotalsSql: `
SELECT
    YEAR(CAST(orders.created_at AS TIMESTAMP_NTZ)) AS "orders.created_year",
    COUNT(*) AS "orders.count"
FROM shop.orders AS orders
GROUP BY
    1
ORDER BY
    1 DESC
LIMIT 2`,
        totalsSql: `
SELECT
    COUNT(*) AS "orders.count"
FROM shop.orders AS orders`,
      },
      trino: {
        sql: `
SELECT "orders.status", "orders.created_year", "orders.count"
FROM (SELECT
    orders.status AS "orders.status",
    year(CAST(orders.created_at AS TIMESTAMP(6))) AS "orders.created_year",
    COUNT(*) AS "orders.count",
    DENSE_RANK() OVER (ORDER BY orders.status) AS z___min_rank,
    DENSE_RANK() OVER (ORDER BY year(CAST(orders.created_at AS TIMESTAMP(6))) DESC) AS z___pivot_col_rank
FROM shop.orders AS orders
GROUP BY
    1,2) AS "z___pivoted"
WHERE z___min_rank <= 5 AND z___pivot_col_rank <= 2
ORDER BY z___min_rank, z___pivot_col_rank`,
        rowTotalsSql: `
SELECT "z___row_totals"."orders.status", "z___row_totals"."orders.count"
FROM (SELECT
    orders.status AS "orders.status",
    COUNT(*) AS "orders.count"
FROM shop.orders AS orders
GROUP BY
    1) AS "z___row_totals"
INNER JOIN (SELECT DISTINCT "orders.status"
FROM (SELECT
    orders.status AS "orders.status",
    year(CAST(orders.created_at AS TIMESTAMP(6))) AS "orders.created_year",
    COUNT(*) AS "orders.count",
    DENSE_RANK() OVER (ORDER BY orders.status) AS z___min_rank,
    DENSE_RANK() OVER (ORDER BY year(CAST(orders.created_at AS TIMESTAMP(6))) DESC) AS z___pivot_col_rank
FROM shop.orders AS orders
GROUP BY
    1,2) AS "z___pivoted"
WHERE z___min_rank <= 5 AND z___pivot_col_rank <= 2) AS "z___kept"
ON ("z___row_totals"."orders.status" = "z___kept"."orders.status" OR ("z___row_totals"."orders.status" IS NULL AND "z___kept"."orders.status" IS NULL))`,
        pivotTotalsSql: `
SELECT
    year(CAST(orders.created_at AS TIMESTAMP(6))) AS "orders.created_year",
    COUNT(*) AS "orders.count"
FROM shop.orders AS orders
GROUP BY
    1
ORDER BY
    1 DESC
LIMIT 2`,
        totalsSql: `
SELECT
    COUNT(*) AS "orders.count"
FROM shop.orders AS orders`,
      },
    });
  });
});
