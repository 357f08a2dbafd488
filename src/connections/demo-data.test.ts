import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Driver } from './driver.ts';
import { createDuckDBDriver } from './duckdb.ts';
import { createPostgresDriver } from './postgres.ts';
import { DEFAULT_DEMO_DATABASE, DEMO_GENERATOR_VERSION, ensureDemoDatabase, generateDemoData, readDemoVersion } from './demo-data.ts';
import { loadDemoIntoPostgres } from './demo-postgres.ts';
import type { DemoLoadStats } from './demo-postgres.ts';

const PG_URL = process.env.OVERLOOK_TEST_PG_URL ?? '';
const PG_SCHEMA = 'conn_demo_data_test';

const EXPECTED_COUNTS = {
  distribution_centers: 10,
  products: 3000,
  users: 15000,
  orders: 45000,
  order_items: 112201,
  inventory_items: 142201,
};

/** Checks on the shape of the data; each query returns one row `{ bad: 0 }` when all is well. */
const INVARIANTS: Readonly<Record<string, string>> = {
  'every order has num_of_item items': `SELECT count(*) AS bad FROM (
      SELECT o.order_id FROM orders o JOIN order_items i ON i.order_id = o.order_id
      GROUP BY o.order_id, o.num_of_item HAVING count(*) <> o.num_of_item) x`,
  'items copy their order status and user': `SELECT count(*) AS bad FROM order_items i JOIN orders o ON o.order_id = i.order_id
      WHERE i.status <> o.status OR i.user_id <> o.user_id`,
  'only returned orders have returned_at': `SELECT count(*) AS bad FROM orders
      WHERE (status = 'Returned') <> (returned_at IS NOT NULL)`,
  'lifecycle timestamps are ordered': `SELECT count(*) AS bad FROM orders
      WHERE shipped_at < created_at OR delivered_at < shipped_at OR returned_at < delivered_at`,
  'users sign up before their first order': `SELECT count(*) AS bad FROM users u
      JOIN (SELECT user_id, min(created_at) AS first_at FROM orders GROUP BY user_id) f ON f.user_id = u.id
      WHERE u.created_at > f.first_at`,
  'each sold inventory item matches its order item': `SELECT count(*) AS bad FROM order_items i
      JOIN inventory_items v ON v.id = i.inventory_item_id
      WHERE v.product_id <> i.product_id OR v.created_at > i.created_at`,
  'all timestamps fall in 2022-2025': `SELECT count(*) AS bad FROM (
      SELECT created_at AS t FROM users UNION ALL SELECT created_at FROM orders UNION ALL SELECT shipped_at FROM orders
      UNION ALL SELECT delivered_at FROM orders UNION ALL SELECT returned_at FROM orders
      UNION ALL SELECT created_at FROM inventory_items UNION ALL SELECT sold_at FROM inventory_items) x
      WHERE t < TIMESTAMP '2022-01-01 00:00:00' OR t > TIMESTAMP '2025-12-31 23:59:59'`,
  'sale prices are positive and at most the retail price': `SELECT count(*) AS bad FROM order_items i JOIN products p ON p.id = i.product_id
      WHERE i.sale_price <= 0 OR i.sale_price > p.retail_price`,
};

/** Portable queries whose results must be identical from DuckDB and PostgreSQL. */
const PARITY_QUERIES = [
  `SELECT status, COUNT(*) AS n, SUM(sale_price) AS revenue, MIN(created_at) AS first_at, MAX(returned_at) AS last_return
     FROM order_items GROUP BY status ORDER BY status`,
  `SELECT id, first_name, last_name, email, age, latitude, longitude, created_at FROM users
     WHERE last_name IN ('O''Brien', 'Back\\Slash', 'Nguyễn', '王') ORDER BY id LIMIT 12`,
  `SELECT CAST(created_at AS DATE) AS day, COUNT(*) AS orders FROM orders GROUP BY CAST(created_at AS DATE) ORDER BY day LIMIT 5`,
  `SELECT p.brand, SUM(i.sale_price - v.cost) AS margin, COUNT(DISTINCT i.user_id) AS buyers FROM order_items i
     JOIN products p ON p.id = i.product_id JOIN inventory_items v ON v.id = i.inventory_item_id
     GROUP BY p.brand ORDER BY margin DESC LIMIT 5`,
];

describe('demo dataset', () => {
  let duck: Driver;
  beforeAll(async () => {
    const path = await ensureDemoDatabase();
    expect(path).toBe(DEFAULT_DEMO_DATABASE);
    duck = createDuckDBDriver({ path, readOnly: true });
  });
  afterAll(async () => {
    await duck.close();
  });

  it('records its generator version and is reused once built', async () => {
    expect(await readDemoVersion(DEFAULT_DEMO_DATABASE)).toBe(DEMO_GENERATOR_VERSION);
    const messages: string[] = [];
    await ensureDemoDatabase((m) => messages.push(m));
    expect(messages).toEqual([]);
  });

  it('has the documented row counts', async () => {
    const sql = Object.keys(EXPECTED_COUNTS).map((t) => `SELECT '${t}' AS name, count(*) AS n FROM ${t}`).join(' UNION ALL ');
    const rows = (await duck.run(sql)).rows;
    expect(Object.fromEntries(rows.map((r) => [r.name, r.n]))).toEqual(EXPECTED_COUNTS);
  });

  it('pins a few values, so a generator change without a version bump is caught', async () => {
    expect((await duck.run('SELECT * FROM users WHERE id = 1')).rows).toEqual([{
      id: 1, first_name: 'Susan', last_name: 'Williams', email: 'susan.williams1@example.com', age: 46, gender: 'F',
      state: 'Madrid', city: 'Madrid', country: 'España', latitude: 40.3648, longitude: -3.6435,
      traffic_source: 'Organic', created_at: '2022-04-08 01:16:38',
    }]);
    expect((await duck.run('SELECT SUM(sale_price) AS revenue, COUNT(returned_at) AS returned FROM order_items')).rows)
      .toEqual([{ revenue: 6709982.73, returned: 11018 }]);
  });

  it('contains hostile strings and natural NULLs', async () => {
    const rows = (await duck.run(`SELECT last_name, count(*) AS n FROM users
      WHERE last_name IN ('O''Brien', 'Back\\Slash', 'Nguyễn', '王') GROUP BY last_name ORDER BY last_name`)).rows;
    expect(rows.map((r) => r.last_name)).toEqual(["Back\\Slash", "Nguyễn", "O'Brien", '王']);
    expect(rows.every((r) => typeof r.n === 'number' && r.n > 20)).toBe(true);
    const nulls = await duck.run(`SELECT
      (SELECT count(*) FROM order_items WHERE returned_at IS NULL) AS not_returned,
      (SELECT count(*) FROM order_items WHERE shipped_at IS NULL) AS not_shipped,
      (SELECT count(*) FROM inventory_items WHERE sold_at IS NULL) AS unsold`);
    expect(nulls.rows).toEqual([{ not_returned: 101183, not_shipped: 39518, unsold: 46694 }]);
  });

  it.each(Object.entries(INVARIANTS))('invariant: %s', async (_name, sql) => {
    expect((await duck.run(sql)).rows).toEqual([{ bad: 0 }]);
  });

  it('generates identical data from the same seed (into any DuckDB connection)', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    try {
      const conn = await instance.connect();
      const stats = await generateDemoData(conn);
      expect(stats.rowCounts).toEqual(EXPECTED_COUNTS);
      await conn.run(`ATTACH '${DEFAULT_DEMO_DATABASE}' AS cached (READ_ONLY)`);
      for (const table of Object.keys(EXPECTED_COUNTS)) {
        const diff = await conn.runAndReadAll(`SELECT
          (SELECT count(*) FROM (SELECT * FROM memory.main.${table} EXCEPT ALL SELECT * FROM cached.main.${table})) +
          (SELECT count(*) FROM (SELECT * FROM cached.main.${table} EXCEPT ALL SELECT * FROM memory.main.${table})) AS differing`);
        expect([table, diff.getRowsJson()[0]?.[0]]).toEqual([table, '0']);
      }
      conn.closeSync();
    } finally {
      instance.closeSync();
    }
  });
});

describe('demo dataset in PostgreSQL', () => {
  let duck: Driver;
  let postgres: Driver;
  let load: DemoLoadStats;
  beforeAll(async () => {
    load = await loadDemoIntoPostgres(PG_URL, PG_SCHEMA, { replace: true });
    duck = createDuckDBDriver({ path: DEFAULT_DEMO_DATABASE, readOnly: true });
    postgres = createPostgresDriver({ connectionString: PG_URL, schema: PG_SCHEMA });
  });
  afterAll(async () => {
    await duck.close();
    await postgres.close();
  });

  it('loads every table with the same row counts, in seconds', () => {
    expect(load.reused).toBe(false);
    expect(load.rowCounts).toEqual(EXPECTED_COUNTS);
    // A few seconds on an idle machine; the bound leaves room for a busy CI box.
    expect(load.elapsedMs).toBeLessThan(60_000);
  });

  it('reuses a schema that already holds the current version', async () => {
    const again = await loadDemoIntoPostgres(PG_URL, PG_SCHEMA);
    expect(again.reused).toBe(true);
    expect(again.rowCounts).toEqual(EXPECTED_COUNTS);
  });

  it('declares primary keys', async () => {
    const rows = (await postgres.run(`SELECT tc.table_name, kcu.column_name FROM information_schema.table_constraints tc
      JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
      WHERE tc.table_schema = '${PG_SCHEMA}' AND tc.constraint_type = 'PRIMARY KEY' ORDER BY tc.table_name`)).rows;
    expect(rows).toEqual([
      { table_name: 'distribution_centers', column_name: 'id' },
      { table_name: 'inventory_items', column_name: 'id' },
      { table_name: 'order_items', column_name: 'id' },
      { table_name: 'orders', column_name: 'order_id' },
      { table_name: 'products', column_name: 'id' },
      { table_name: 'users', column_name: 'id' },
    ]);
  });

  it.each(PARITY_QUERIES)('returns identical rows from DuckDB and PostgreSQL: %s', async (sql) => {
    const [fromDuck, fromPostgres] = await Promise.all([duck.run(sql), postgres.run(sql)]);
    expect(fromDuck.rows.length).toBeGreaterThan(0);
    expect(fromPostgres).toEqual(fromDuck);
  });
});
