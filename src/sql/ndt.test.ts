/**
 * Derived tables from the `ndt_and_pdt` fixture project, compiled and run on DuckDB:
 * a native derived table (explore_source with columns, a derived column, filters, bound
 * filters, sorts, limit) and a SQL derived table reading another view's table.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Driver } from '../connections/driver.ts';
import { createDriver } from '../connections/registry.ts';
import type { Model } from '../model/types.ts';
import { loadProjectDir } from '../workspaces/directory.ts';
import { getDialect } from './dialects/registry.ts';
import { compileQuery, type LookerQuery } from './index.ts';

const dir = fileURLToPath(new URL('../../test/fixtures/projects/ndt_and_pdt', import.meta.url));
let model: Model;
let db: Driver;

beforeAll(async () => {
  model = (await loadProjectDir(dir)).project.models.ecommerce!;
  db = createDriver({ dialect_name: 'duckdb', database: ':memory:', max_connections: 1 });
  for (const stmt of [
    'CREATE SCHEMA thelook',
    'CREATE TABLE thelook.orders (id INTEGER, user_id INTEGER, status VARCHAR, amount DOUBLE, created_at TIMESTAMP)',
    `INSERT INTO thelook.orders VALUES
      (1, 10, 'complete', 100, TIMESTAMP '2024-01-01 10:00:00'), (2, 10, 'complete', 50, TIMESTAMP '2024-01-02 10:00:00'),
      (3, 20, 'cancelled', 999, TIMESTAMP '2024-01-02 11:00:00'), (4, 20, 'complete', 30, TIMESTAMP '2024-02-01 09:00:00'),
      (5, 30, 'shipped', 75, TIMESTAMP '2024-02-01 12:00:00')`,
  ]) await db.run(stmt);
});

afterAll(async () => {
  await db.close();
});

async function rows(q: Omit<LookerQuery, 'model'>): Promise<unknown[][]> {
  const c = compileQuery(model, { model: 'ecommerce', ...q }, { dialect: getDialect('duckdb') });
  const res = await db.run(c.sql);
  return res.rows.map((r) => c.fields.map((f) => r[f.alias]));
}

describe('derived tables', () => {
  it('builds a native derived table from its explore_source', async () => {
    expect(await rows({ view: 'user_facts', fields: ['user_facts.user_id', 'user_facts.lifetime_orders', 'user_facts.lifetime_amount', 'user_facts.amount_rank'], sorts: ['user_facts.user_id'] }))
      .toEqual([[10, 2, 150, 1], [20, 1, 30, 3], [30, 1, 75, 2]]);
  });

  it('passes bound filters from the outer query into the native derived table', async () => {
    const sql = compileQuery(model, { model: 'ecommerce', view: 'orders', fields: ['user_facts.lifetime_orders', 'orders.count'], filters: { 'orders.created_date': '2024-01-01 to 2024-01-31' } }, { dialect: getDialect('duckdb') }).sql;
    // The bound filter appears twice: inside the CTE and in the outer WHERE.
    expect(sql.split("TIMESTAMP '2024-01-01 00:00:00'").length - 1).toBe(2);
    expect(await rows({ view: 'orders', fields: ['user_facts.lifetime_orders', 'orders.count'], filters: { 'orders.created_date': '2024-01-01 to 2024-01-31' }, sorts: ['user_facts.lifetime_orders'] }))
      .toEqual([[2, 2], [null, 1]]);
  });

  it('joins a SQL derived table that reads another view\'s table', async () => {
    expect(await rows({ view: 'orders', fields: ['daily_sales.day', 'daily_sales.amount'], filters: { 'orders.created_date': '2024-02-01' } }))
      .toEqual([['2024-02-01', 105]]);
  });
});
