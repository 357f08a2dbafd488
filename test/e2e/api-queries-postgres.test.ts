/**
 * Issue 5 on a PostgreSQL warehouse: a `postgres` connection, query values checked against the same
 * SQL run directly on PostgreSQL, and kill_query cancelling a running PostgreSQL statement.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { pushFiles } from '../../src/workspaces/test-support.ts';
import { startQueryFixture, type QueryFixture } from './support.ts';

const SCHEMA = 'e2e_pg_warehouse';
const MODEL = 'connection: "pgwarehouse"\ninclude: "pg_*.view.lkml"\nexplore: pg_orders {}\nexplore: pg_slow {}\n';
const ORDERS = `view: pg_orders {
  sql_table_name: ${SCHEMA}.orders ;;
  dimension: id { primary_key: yes type: number sql: \${TABLE}.id ;; }
  dimension: status { type: string sql: \${TABLE}.status ;; }
  measure: count { type: count }
  measure: total_amount { type: sum sql: \${TABLE}.amount ;; }
}
`;
const SLOW = 'view: pg_slow {\n  derived_table: { sql: SELECT 1 AS x FROM pg_sleep(60) ;; }\n  dimension: x { type: number sql: ${TABLE}.x ;; }\n}\n';

describe('queries on a PostgreSQL warehouse', () => {
  let fx: QueryFixture;
  let client: pg.Client;

  beforeAll(async () => {
    vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    const url = process.env.OVERLOOK_TEST_PG_URL!;
    client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    await client.query(`CREATE SCHEMA ${SCHEMA}`);
    await client.query(`CREATE TABLE ${SCHEMA}.orders AS SELECT i AS id, CASE i % 3 WHEN 0 THEN 'complete' WHEN 1 THEN 'pending' ELSE 'it''s "odd", ok' END AS status,
      ((i * 7 % 100) + 0.25)::numeric(10,2) AS amount FROM generate_series(1, 100) AS t(i)`);
    fx = await startQueryFixture('postgres', 'e2e_api_queries_pg');
    const u = new URL(url);
    const admin = fx.sdk();
    await admin.ok(admin.create_connection({
      name: 'pgwarehouse', dialect_name: 'postgres', host: u.hostname, port: u.port, database: u.pathname.slice(1),
      username: decodeURIComponent(u.username), password: decodeURIComponent(u.password),
    }));
    await pushFiles(fx.root, fx.remote, 'main', { 'pgshop.model.lkml': MODEL, 'pg_orders.view.lkml': ORDERS, 'pg_slow.view.lkml': SLOW });
    await admin.ok(admin.deploy_ref_to_production({ project_id: 'shop', branch: 'main' }));
  }, 60_000);

  afterAll(async () => {
    await fx.close();
    await client.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    await client.end();
  });

  it('returns the values PostgreSQL returns for the same query', async () => {
    const s = fx.sdk();
    const rows = await s.ok(s.run_inline_query({ result_format: 'json', body: { model: 'pgshop', view: 'pg_orders', fields: ['pg_orders.status', 'pg_orders.count', 'pg_orders.total_amount'], sorts: ['pg_orders.status'] } }));
    const direct = await client.query<{ status: string; c: number; s: string }>(`SELECT status, count(*)::int AS c, sum(amount) AS s FROM ${SCHEMA}.orders GROUP BY 1 ORDER BY 1`);
    expect(rows).toEqual(direct.rows.map((r) => ({ 'pg_orders.status': r.status, 'pg_orders.count': r.c, 'pg_orders.total_amount': Number(r.s) })));
  });

  it('kill_query cancels the running PostgreSQL statement', async () => {
    const s = fx.sdk();
    const q = await s.ok(s.create_query({ model: 'pgshop', view: 'pg_slow', fields: ['pg_slow.x'] }));
    const task = await s.ok(s.create_query_task({ body: { query_id: q.id!, result_format: 'json' as never }, cache: false }));
    const sleeping = async (): Promise<number> => (await client.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' AND state = 'active' AND pid <> pg_backend_pid()")).rows[0]!.n;
    let seen = 0;
    for (let i = 0; i < 100 && seen === 0; i++) {
      seen = await sleeping();
      if (seen === 0) await new Promise((r) => setTimeout(r, 50));
    }
    expect(seen).toBe(1);
    await s.ok(s.kill_query(task.id!));
    let left = 1;
    for (let i = 0; i < 100 && left > 0; i++) {
      left = await sleeping();
      if (left > 0) await new Promise((r) => setTimeout(r, 50));
    }
    expect(left).toBe(0);
    expect((await s.ok(s.query_task(task.id!))).status).toBe('killed');
  });
});
