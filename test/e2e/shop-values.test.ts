/**
 * Compiled SQL executed on real DuckDB and PostgreSQL, checking the values — fan-out data where
 * naive SQL gives wrong totals, time zones, Liquid, hostile filter values, derived tables.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Driver } from '../../src/connections/driver.ts';
import { createDriver, postgresConfigFromUrl } from '../../src/connections/registry.ts';
import { build } from '../../src/model/test-util.ts';
import { getDialect } from '../../src/sql/dialects/registry.ts';
import { applyPostSql, compileQuery, type LookerQuery } from '../../src/sql/index.ts';
import { SHOP_FILES } from '../../src/sql/test-fixture.ts';

const SCHEMA = 'shop_values';
const DDL = [
  'CREATE SCHEMA IF NOT EXISTS shop',
  'CREATE TABLE users (id INTEGER PRIMARY KEY, state VARCHAR(10), email VARCHAR(50), age INTEGER)',
  `INSERT INTO users VALUES (1, 'CA', 'a@x', 30), (2, 'NY', 'b@x', 40), (3, 'CA', 'c@x', 50), (4, 'TX', NULL, NULL)`,
  'CREATE TABLE shop.orders (id INTEGER PRIMARY KEY, user_id INTEGER, status VARCHAR(40), shipping DECIMAL(12,2), created_at TIMESTAMP)',
  `INSERT INTO shop.orders VALUES
    (1, 1, 'complete', 10.5, TIMESTAMP '2024-01-15 10:00:00'),
    (2, 1, 'shipped', 20.25, TIMESTAMP '2024-02-29 23:30:00'),
    (3, 2, 'complete', 5, TIMESTAMP '2023-12-31 23:59:59'),
    (4, 3, 'O''Brien', NULL, TIMESTAMP '2024-07-04 12:00:00'),
    (5, 3, 'complete', 30, TIMESTAMP '2024-03-10 03:00:00')`,
  'CREATE TABLE order_items (id INTEGER PRIMARY KEY, order_id INTEGER, product_id INTEGER, price DECIMAL(12,2))',
  'INSERT INTO order_items VALUES (1, 1, 1, 100), (2, 1, 2, 50), (3, 1, 1, 100), (4, 2, 2, 25.5), (5, 3, 3, 10), (6, 3, 3, 10)',
  'CREATE TABLE products (id INTEGER PRIMARY KEY, brand VARCHAR(20))',
  `INSERT INTO products VALUES (1, 'Acme'), (2, 'Beta'), (3, 'Q''uote')`,
];

const model = build(SHOP_FILES).models.shop!;

interface Target {
  readonly name: 'duckdb' | 'postgres';
  driver?: Driver;
}

function pgDriver(): Driver {
  return createDriver(postgresConfigFromUrl(process.env.OVERLOOK_TEST_PG_URL!, SCHEMA));
}

const targets: Target[] = [{ name: 'duckdb' }, { name: 'postgres' }];

beforeAll(async () => {
  for (const t of targets) {
    if (t.name === 'duckdb') {
      t.driver = createDriver({ dialect_name: 'duckdb', database: ':memory:', max_connections: 1 });
    } else {
      const admin = pgDriver();
      await admin.run(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
      await admin.run('DROP SCHEMA IF EXISTS shop CASCADE');
      await admin.run(`CREATE SCHEMA ${SCHEMA}`);
      await admin.close();
      t.driver = pgDriver();
    }
    for (const stmt of DDL) await t.driver.run(stmt);
  }
});

afterAll(async () => {
  for (const t of targets) await t.driver?.close();
});

async function run(t: Target, q: Partial<LookerQuery>, opts: { userAttributes?: Record<string, string> } = {}): Promise<Record<string, unknown>[]> {
  const compiled = compileQuery(model, { model: 'shop', view: 'orders', fields: [], ...q }, { dialect: getDialect(t.name), ...opts });
  const res = await t.driver!.run(compiled.sql);
  return applyPostSql(res.rows, compiled.fields, (f) => f.alias).map((r) => Object.fromEntries(compiled.fields.map((f) => [f.name, r[f.alias]])));
}

const num = (v: unknown): number => Number(v);

describe.each(targets)('values on $name', (t) => {
  it('keeps totals right across a fan-out join (symmetric aggregates)', async () => {
    const rows = await run(t, {
      fields: ['users.state', 'orders.count', 'orders.total_shipping', 'users.count', 'users.average_age', 'order_items.total_price', 'order_items.count'],
      sorts: ['users.state'],
    });
    expect(rows.map((r) => [r['users.state'], num(r['orders.count']), num(r['orders.total_shipping']), num(r['users.count']), num(r['users.average_age']), num(r['order_items.total_price']), num(r['order_items.count'])])).toEqual([
      ['CA', 4, 60.75, 2, 40, 275.5, 4],
      ['NY', 1, 5, 1, 40, 20, 2],
    ]);
  });

  it('counts the one side once per brand on the many side', async () => {
    const rows = await run(t, { fields: ['products.brand', 'orders.count', 'orders.total_shipping'], sorts: ['products.brand'] });
    expect(rows.map((r) => [r['products.brand'], num(r['orders.count']), num(r['orders.total_shipping'])])).toEqual([
      ['Acme', 1, 10.5], ['Beta', 2, 30.75], ["Q'uote", 1, 5], [null, 2, 30],
    ]);
  });

  it('groups dimension-group members and filters by date', async () => {
    const rows = await run(t, { fields: ['orders.created_month', 'orders.count'], filters: { 'orders.created_year': '2024' }, sorts: ['orders.created_month'] });
    expect(rows.map((r) => [r['orders.created_month'], num(r['orders.count'])])).toEqual([['2024-01', 1], ['2024-02', 1], ['2024-03', 1], ['2024-07', 1]]);
    const range = await run(t, { fields: ['orders.id'], filters: { 'orders.created_date': '2024-01-01 to 2024-03-01' }, sorts: ['orders.id'] });
    expect(range.map((r) => num(r['orders.id']))).toEqual([1, 2]);
  });

  it('converts to the query time zone before truncating', async () => {
    const utc = await run(t, { fields: ['orders.id', 'orders.created_date'], sorts: ['orders.id'] });
    const ny = await run(t, { fields: ['orders.id', 'orders.created_date'], sorts: ['orders.id'], query_timezone: 'America/New_York' });
    expect(utc.map((r) => String(r['orders.created_date']))).toEqual(['2024-01-15', '2024-02-29', '2023-12-31', '2024-07-04', '2024-03-10']);
    expect(ny.map((r) => String(r['orders.created_date']))).toEqual(['2024-01-15', '2024-02-29', '2023-12-31', '2024-07-04', '2024-03-09']);
  });

  it('matches hostile filter values literally and leaves the database intact', async () => {
    const obrien = await run(t, { fields: ['orders.id'], filters: { 'orders.status': "O'Brien" } });
    expect(obrien.map((r) => num(r['orders.id']))).toEqual([4]);
    for (const hostile of ["%'; DROP TABLE users; --", "x' OR '1'='1", 'a\\b', '/* c */', '${users.email}', 'Ünïcødé ✓']) {
      expect(await run(t, { fields: ['orders.id'], filters: { 'orders.status': hostile } })).toEqual([]);
      expect(await run(t, { fields: ['orders.status_matches', 'orders.count'], filters: { 'orders.status_filter': hostile } })).toEqual([
        { 'orders.status_matches': 'No', 'orders.count': 5 },
      ]);
    }
    const users = await t.driver!.run('SELECT COUNT(*) AS n FROM users');
    expect(num(users.rows[0]!.n)).toBe(4);
  });

  it('applies measure filters in HAVING', async () => {
    const rows = await run(t, { fields: ['users.state', 'orders.count'], filters: { 'orders.count': '>1' } });
    expect(rows).toEqual([{ 'users.state': 'CA', 'orders.count': 2 + 2 }]);
  });

  it('renders Liquid parameters, templated filters and attributes', async () => {
    const byId = await run(t, { fields: ['orders.dynamic'], filters: { 'orders.metric': 'id' }, sorts: ['orders.dynamic'] });
    expect(byId.map((r) => num(r['orders.dynamic']))).toEqual([1, 2, 3, 4, 5]);
    const matches = await run(t, { fields: ['orders.status_matches', 'orders.count'], filters: { 'orders.status_filter': 'complete' }, sorts: ['orders.status_matches'] });
    expect(matches).toEqual([{ 'orders.status_matches': 'No', 'orders.count': 2 }, { 'orders.status_matches': 'Yes', 'orders.count': 3 }]);
    const attr = await run(t, { fields: ['orders.country_attr'] }, { userAttributes: { country: "It's" } });
    expect(attr).toEqual([{ 'orders.country_attr': "It's" }]);
  });

  it('joins SQL derived tables', async () => {
    const rows = await run(t, { fields: ['users.id', 'user_facts.lifetime_orders'], sorts: ['users.id'] });
    expect(rows.map((r) => [num(r['users.id']), r['user_facts.lifetime_orders'] === null ? null : num(r['user_facts.lifetime_orders'])])).toEqual([[1, 2], [2, 1], [3, 2]]);
  });

  it('applies sql_always_where and always_filter', async () => {
    const rows = await run(t, { view: 'users_only', fields: ['users_only.id'], sorts: ['users_only.id'] });
    expect(rows.map((r) => num(r['users_only.id']))).toEqual([1, 2, 3]);
  });

  it('computes post-SQL percent_of_total from the rows', async () => {
    const rows = await run(t, { fields: ['orders.status', 'orders.percent_of_orders'], sorts: ['orders.status'] });
    expect(rows.map((r) => [r['orders.status'], num(r['orders.percent_of_orders'])])).toEqual([["O'Brien", 20], ['complete', 60], ['shipped', 20]]);
  });
});
