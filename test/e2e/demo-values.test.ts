/**
 * The demo project on the demo data, on DuckDB and on PostgreSQL: Overlook's answers must equal
 * hand-written reference SQL (fan-out totals included), and every field of every explore must
 * compile and run on both databases with the same measure values.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoDatabase } from '../../src/connections/demo-data.ts';
import { loadDemoIntoPostgres } from '../../src/connections/demo-postgres.ts';
import type { Driver } from '../../src/connections/driver.ts';
import { createDriver, postgresConfigFromUrl } from '../../src/connections/registry.ts';
import type { Model } from '../../src/model/types.ts';
import { exploreFields } from '../../src/model/explore-fields.ts';
import { getDialect } from '../../src/sql/dialects/registry.ts';
import { compileQuery, type LookerQuery } from '../../src/sql/index.ts';
import { loadProjectDir } from '../../src/workspaces/directory.ts';

const SCHEMA = 'demo_values';
const demoDir = fileURLToPath(new URL('../../demo/lookml', import.meta.url));
let model: Model;
const drivers: Partial<Record<'duckdb' | 'postgres', Driver>> = {};

beforeAll(async () => {
  const file = await ensureDemoDatabase();
  drivers.duckdb = createDriver({ dialect_name: 'duckdb', database: file, jdbc_additional_params: 'access_mode=read_only' });
  const url = process.env.OVERLOOK_TEST_PG_URL!;
  await loadDemoIntoPostgres(url, SCHEMA, { source: file });
  drivers.postgres = createDriver(postgresConfigFromUrl(url, SCHEMA));
  model = (await loadProjectDir(demoDir)).project.models.thelook!;
}, 120_000);

afterAll(async () => {
  await drivers.duckdb?.close();
  await drivers.postgres?.close();
});

type Db = 'duckdb' | 'postgres';
const DBS: readonly Db[] = ['duckdb', 'postgres'];

async function query(db: Db, q: Omit<LookerQuery, 'model'>): Promise<Record<string, unknown>[]> {
  const compiled = compileQuery(model, { model: 'thelook', ...q }, { dialect: getDialect(db) });
  const res = await drivers[db]!.run(compiled.sql);
  return res.rows.map((r) => Object.fromEntries(compiled.fields.map((f) => [f.name, r[f.alias]])));
}

async function reference(db: Db, sql: string): Promise<Record<string, unknown>[]> {
  return (await drivers[db]!.run(sql)).rows as Record<string, unknown>[];
}

const round = (v: unknown): number => Math.round(Number(v) * 1e4) / 1e4;

describe.each(DBS)('demo on %s', (db) => {
  it('keeps order totals right when order items fan the orders out', async () => {
    const [got] = await query(db, { view: 'orders', fields: ['orders.count', 'order_items.count', 'users.count', 'order_items.total_sale_price', 'orders.total_items'] });
    const [ref] = await reference(db, `
      SELECT (SELECT COUNT(*) FROM orders WHERE status <> 'Cancelled' OR status IS NULL) AS orders,
             (SELECT COUNT(*) FROM order_items i JOIN orders o ON o.order_id = i.order_id WHERE o.status <> 'Cancelled' OR o.status IS NULL) AS items,
             (SELECT COUNT(DISTINCT user_id) FROM orders WHERE status <> 'Cancelled' OR status IS NULL) AS users,
             (SELECT SUM(i.sale_price) FROM order_items i JOIN orders o ON o.order_id = i.order_id WHERE o.status <> 'Cancelled' OR o.status IS NULL) AS revenue,
             (SELECT SUM(num_of_item) FROM orders WHERE status <> 'Cancelled' OR status IS NULL) AS num_items`);
    expect([got!['orders.count'], got!['order_items.count'], got!['users.count'], round(got!['order_items.total_sale_price']), round(got!['orders.total_items'])].map(Number))
      .toEqual([ref!.orders, ref!.items, ref!.users, round(ref!.revenue), round(ref!.num_items)].map(Number));
    // The naive SUM over the joined rows would double-count orders with several items.
    const [naive] = await reference(db, `SELECT SUM(o.num_of_item) AS n FROM orders o LEFT JOIN order_items i ON o.order_id = i.order_id WHERE o.status <> 'Cancelled' OR o.status IS NULL`);
    expect(Number(naive!.n)).toBeGreaterThan(Number(ref!.num_items));
  });

  it('averages customer ages per state once per customer across many_to_one joins', async () => {
    const got = await query(db, { view: 'order_items', fields: ['users.state', 'users.count', 'users.average_age', 'order_items.count'], filters: { 'users.country': 'United States' }, sorts: ['users.state'], limit: -1 });
    const ref = await reference(db, `
      SELECT u.state, COUNT(DISTINCT u.id) AS users, AVG(u.age) AS avg_age, SUM(x.items) AS items
      FROM users u JOIN (SELECT user_id, COUNT(*) AS items FROM order_items GROUP BY user_id) x ON x.user_id = u.id
      WHERE u.country = 'United States' GROUP BY u.state ORDER BY u.state`);
    expect(got.length).toBeGreaterThanOrEqual(5);
    expect(got.map((r) => [r['users.state'], Number(r['users.count']), round(r['users.average_age']), Number(r['order_items.count'])]))
      .toEqual(ref.map((r) => [r.state, Number(r.users), round(r.avg_age), Number(r.items)]));
  });

  it('groups by month with a date filter and a Liquid parameter', async () => {
    const got = await query(db, { view: 'order_items', fields: ['order_items.created_month', 'order_items.count'], filters: { 'order_items.created_date': '2024-01-01 to 2024-04-01' }, sorts: ['order_items.created_month'] });
    const ref = await reference(db, `
      SELECT ${db === 'duckdb' ? "strftime(created_at, '%Y-%m')" : "TO_CHAR(created_at, 'YYYY-MM')"} AS m, COUNT(*) AS n FROM order_items
      WHERE created_at >= TIMESTAMP '2024-01-01' AND created_at < TIMESTAMP '2024-04-01' GROUP BY 1 ORDER BY 1`);
    expect(got.map((r) => [r['order_items.created_month'], Number(r['order_items.count'])])).toEqual(ref.map((r) => [r.m, Number(r.n)]));
    const buckets = await query(db, { view: 'users', fields: ['users.age_bucket', 'users.count'], filters: { 'users.age_bucket_size': '20' }, sorts: ['users.age_bucket'] });
    expect(buckets.map((r) => Number(r['users.age_bucket']))).toEqual([0, 20, 40, 60].filter((b) => buckets.some((r) => Number(r['users.age_bucket']) === b)));
  });
});

describe('every field of every explore', () => {
  it('compiles and runs on DuckDB and PostgreSQL, with equal measure values', async () => {
    let fieldsRun = 0;
    const both = (q: Omit<LookerQuery, 'model'>, what: string): Promise<Record<string, unknown>[][]> =>
      Promise.all(DBS.map((db) => query(db, q).catch((e: unknown) => {
        throw new Error(`${db}: ${what}: ${e instanceof Error ? e.message : String(e)}`);
      })));
    for (const explore of Object.values(model.explores).filter((e) => !e.extension)) {
      const all = [...exploreFields(model, explore).entries()];
      // Every dimension, one query per joined view (grouping by all of them), so a failure names the view.
      const byAlias = new Map<string, string[]>();
      for (const [name, f] of all) {
        if (f.field.category !== 'dimension') continue;
        byAlias.set(f.alias, [...(byAlias.get(f.alias) ?? []), name]);
      }
      for (const [alias, names] of byAlias) {
        await both({ view: explore.name, fields: names, limit: 3 }, `${explore.name} dimensions of ${alias}`);
        fieldsRun += names.length;
      }
      // Every measure in one single-row query; both databases must agree on each value.
      const measures = all.filter(([, f]) => f.field.category === 'measure').map(([name]) => name);
      const [duck, pg] = await both({ view: explore.name, fields: measures }, `${explore.name} measures`);
      for (const name of measures) {
        const d = duck![0]![name];
        if (typeof d === 'number') expect({ name, value: round(pg![0]![name]) }).toEqual({ name, value: round(d) });
        else expect({ name, value: pg![0]![name] }).toEqual({ name, value: d });
      }
      fieldsRun += measures.length;
    }
    expect(fieldsRun).toBeGreaterThan(150);
  }, 120_000);
});
