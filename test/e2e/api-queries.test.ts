/**
 * Issue 5 end to end: connections, query objects and runs in every result format through the
 * unmodified official @looker/sdk-node, against a real server whose model lives in a git remote and
 * whose data is a real DuckDB file; values are checked against the same SQL run directly on DuckDB.
 */
import { writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LookerNodeSDK, NodeSettingsIniFile } from '@looker/sdk-node';
import type { Looker40SDK } from '@looker/sdk';
import type { RunningServer } from '../../src/api/server.ts';
import { assertResponseMatchesSpec } from '../../src/api/spec-validate.ts';
import { serve } from '../../src/cli/serve.ts';
import { makeRemote } from '../../src/workspaces/git/test-helpers.ts';
import { pgSchemaUrl } from './support.ts';

const ADMIN = { OVERLOOK_ADMIN_EMAIL: 'root@example.com', OVERLOOK_ADMIN_PASSWORD: 'correct horse battery', OVERLOOK_ADMIN_CLIENT_ID: 'queryadmin', OVERLOOK_ADMIN_CLIENT_SECRET: 'query-secret-0123456789' };

const MODEL = 'connection: "warehouse"\ninclude: "*.view.lkml"\nexplore: orders {}\nexplore: broken {}\n';
const ORDERS = (label: string): string => `view: orders {
  sql_table_name: main.orders ;;
  dimension: id { primary_key: yes type: number sql: \${TABLE}.id ;; }
  dimension: status { type: string sql: \${TABLE}.status ;; }
  dimension: label { type: string sql: '${label}' ;; }
  dimension_group: created { type: time timeframes: [date, month] sql: \${TABLE}.created_at ;; }
  measure: count { type: count }
  measure: total_amount { type: sum sql: \${TABLE}.amount ;; value_format_name: usd }
}
`;
const BROKEN = 'view: broken {\n  sql_table_name: main.no_such_table ;;\n  dimension: x { sql: ${TABLE}.x ;; }\n}\n';

const targets: { name: 'sqlite' | 'postgres' }[] = [{ name: 'sqlite' }, { name: 'postgres' }];

describe.each(targets)('queries through the API on $name metadata', (target) => {
  let root: string;
  let server: RunningServer;
  let duckPath: string;
  let n = 0;

  const sdk = (): Looker40SDK => {
    const ini = join(root, `sdk-${n++}.ini`);
    writeFileSync(ini, `[Looker]\nbase_url=${server.url}\nclient_id=${ADMIN.OVERLOOK_ADMIN_CLIENT_ID}\nclient_secret=${ADMIN.OVERLOOK_ADMIN_CLIENT_SECRET}\nverify_ssl=false\n`);
    return LookerNodeSDK.init40(new NodeSettingsIniFile('', ini, 'Looker'));
  };
  const direct = async (sql: string): Promise<Record<string, unknown>[]> => {
    const instance = await DuckDBInstance.create(duckPath, { access_mode: 'READ_ONLY' });
    const conn = await instance.connect();
    try {
      return (await conn.runAndReadAll(sql)).getRowObjectsJson();
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  };
  const tokenOf = async (s: Looker40SDK): Promise<string> => {
    await s.ok(s.session());
    return (s.authSession as unknown as { activeToken: { access_token: string } }).activeToken.access_token;
  };
  const raw = async (s: Looker40SDK, method: string, path: string, body?: unknown): Promise<Response> => fetch(`${server.url}/api/4.0${path}`, {
    method,
    headers: { authorization: `token ${await tokenOf(s)}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

  beforeAll(async () => {
    vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    root = await mkdtemp(join(tmpdir(), 'overlook-e2e-q-'));
    duckPath = join(root, 'warehouse.duckdb');
    const instance = await DuckDBInstance.create(duckPath);
    const conn = await instance.connect();
    await conn.run(`CREATE TABLE orders AS SELECT i AS id, CASE i % 3 WHEN 0 THEN 'complete' WHEN 1 THEN 'pending' ELSE 'it''s "odd", ok' END AS status,
      (i * 7 % 100) + 0.25 AS amount, TIMESTAMP '2024-01-01 00:00:00' + INTERVAL (i) DAY AS created_at FROM range(1, 101) t(i)`);
    conn.closeSync();
    instance.closeSync();
    await mkdir(join(root, 'remote'));
    const remote = await makeRemote(join(root, 'remote'), { 'shop.model.lkml': MODEL, 'orders.view.lkml': ORDERS('prod'), 'broken.view.lkml': BROKEN });
    const databaseUrl = target.name === 'postgres' ? await pgSchemaUrl('e2e_api_queries') : undefined;
    server = await serve({ port: 0, host: '127.0.0.1', dataDir: join(root, 'data'), adminEnv: ADMIN, handleSignals: false, log: () => undefined, ...(databaseUrl ? { databaseUrl } : {}) });
    const admin = sdk();
    await admin.ok(admin.update_session({ workspace_id: 'dev' }));
    await admin.ok(admin.create_project({ name: 'shop', git_remote_url: remote }));
    await admin.ok(admin.deploy_ref_to_production({ project_id: 'shop', branch: 'main' }));
  });

  afterAll(async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
  });

  it('manages connections without ever returning the password', async () => {
    const admin = sdk();
    const created = await admin.ok(admin.create_connection({ name: 'warehouse', dialect_name: 'duckdb', database: duckPath, password: 'not-shown' }));
    expect(created).toMatchObject({ name: 'warehouse', dialect_name: 'duckdb', database: duckPath, has_password: true });
    expect(created).not.toHaveProperty('password');
    assertResponseMatchesSpec('create_connection', 200, created);
    const all = await admin.ok(admin.all_connections());
    expect(all.map((c) => c.name)).toEqual(['warehouse']);
    expect(JSON.stringify(all)).not.toContain('not-shown');
    const tests = await admin.ok(admin.test_connection('warehouse'));
    expect(tests.map((t) => [t.name, t.status])).toEqual([['connect', 'success'], ['query', 'success']]);
    const dialects = await admin.ok(admin.all_dialect_infos());
    expect(dialects.find((d) => d.name === 'duckdb')).toMatchObject({ installed: true });
    expect(dialects.find((d) => d.name === 'snowflake')).toMatchObject({ installed: false });
    const bad = await raw(admin, 'POST', '/connections', { name: 'x', dialect_name: 'oracle' });
    expect(bad.status).toBe(422);
  });

  it('creates queries de-duplicated by content and finds them by id and slug', async () => {
    const admin = sdk();
    const body = { model: 'shop', view: 'orders', fields: ['orders.status', 'orders.count'], sorts: ['orders.status'], limit: '10' };
    const q = await admin.ok(admin.create_query(body));
    expect(q).toMatchObject({ model: 'shop', view: 'orders', fields: ['orders.status', 'orders.count'], limit: '10' });
    expect(q.id).toMatch(/^\d+$/);
    expect(q.share_url).toBe(`${server.url}/x/${q.slug}`);
    assertResponseMatchesSpec('create_query', 200, q);
    const again = await admin.ok(admin.create_query({ ...body }));
    expect(again.id).toBe(q.id);
    expect((await admin.ok(admin.query(q.id!))).slug).toBe(q.slug);
    expect((await admin.ok(admin.query_for_slug(q.slug!))).id).toBe(q.id);
  });

  it('runs a query: json values equal the same SQL run directly on DuckDB', async () => {
    const admin = sdk();
    const q = await admin.ok(admin.create_query({ model: 'shop', view: 'orders', fields: ['orders.status', 'orders.count', 'orders.total_amount'], sorts: ['orders.status'] }));
    const rows = await admin.ok(admin.run_query({ query_id: q.id!, result_format: 'json' })) as unknown as Record<string, unknown>[];
    const expected = await direct('SELECT status, count(*)::INTEGER AS c, sum(amount)::DOUBLE AS s FROM orders GROUP BY 1 ORDER BY 1');
    expect(rows).toEqual(expected.map((r) => ({ 'orders.status': r.status, 'orders.count': r.c, 'orders.total_amount': r.s })));
    const sql = await admin.ok(admin.run_query({ query_id: q.id!, result_format: 'sql' }));
    expect(sql).toMatch(/^SELECT/);
    expect(sql).toContain('main.orders');
  });

  it('answers every result format with its content type', async () => {
    const admin = sdk();
    const body = { model: 'shop', view: 'orders', fields: ['orders.status', 'orders.count'], sorts: ['orders.status'] };
    const csv = await admin.ok(admin.run_inline_query({ result_format: 'csv', body }));
    expect(csv.split('\n')[0]).toBe('Orders Status,Orders Count');
    expect(csv).toContain('"it\'s ""odd"", ok",33');
    const detail = await admin.ok(admin.run_inline_query({ result_format: 'json_detail', body })) as unknown as { data: Record<string, { value: unknown }>[]; fields: { dimensions: { name: string }[]; measures: { name: string }[] }; sql: string };
    expect(detail.fields.dimensions.map((f) => f.name)).toEqual(['orders.status']);
    expect(detail.fields.measures.map((f) => f.name)).toEqual(['orders.count']);
    expect(detail.data[0]).toMatchObject({ 'orders.status': { value: 'complete' }, 'orders.count': { value: 33 } });
    const bi = await admin.ok(admin.run_inline_query({ result_format: 'json_bi', body })) as unknown as { metadata: { fields: { dimensions: unknown[] }; sql: string }; rows: unknown[] };
    expect(bi.rows).toHaveLength(3);
    expect(bi.metadata.sql).toMatch(/^SELECT/);
    for (const format of ['txt', 'html', 'md', 'inline_json', 'json_label']) {
      const res = await raw(admin, 'POST', `/queries/run/${format}`, body);
      expect(res.status).toBe(200);
      expect((await res.text()).length).toBeGreaterThan(10);
    }
    const xlsx = await raw(admin, 'POST', '/queries/run/xlsx', body);
    expect(xlsx.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(Buffer.from(await xlsx.arrayBuffer()).subarray(0, 2).toString('latin1')).toBe('PK');
    const url = await raw(admin, 'GET', '/queries/models/shop/views/orders/run/json?fields=orders.status,orders.count&f[orders.status]=complete');
    expect(await url.json()).toEqual([{ 'orders.status': 'complete', 'orders.count': 33 }]);
  });

  it('reports bad queries as 4xx and database errors inside the result', async () => {
    const admin = sdk();
    const unknownField = await raw(admin, 'POST', '/queries/run/json', { model: 'shop', view: 'orders', fields: ['orders.nope'] });
    expect([400, 404, 422]).toContain(unknownField.status);
    expect(((await unknownField.json()) as { message: string }).message).toMatch(/nope/);
    expect((await raw(admin, 'POST', '/queries/run/json', { model: 'nope', view: 'x', fields: [] })).status).toBe(404);
    const detail = await raw(admin, 'POST', '/queries/run/json_detail', { model: 'shop', view: 'broken', fields: ['broken.x'] });
    expect(detail.status).toBe(200);
    const body = (await detail.json()) as { errors: { message: string; message_details: string }[]; sql: string };
    expect(body.errors[0]!.message_details).toMatch(/no_such_table/);
    expect(body.sql).toContain('no_such_table');
    const bi = (await (await raw(admin, 'POST', '/queries/run/json_bi', { model: 'shop', view: 'broken', fields: ['broken.x'] })).json()) as { rows: { looker_error: string }[] };
    expect(bi.rows[0]!.looker_error).toMatch(/no_such_table/);
  });

  it('runs in the token\'s workspace; force_production uses production from a dev token', async () => {
    const dev = sdk();
    const prod = sdk();
    await dev.ok(dev.update_session({ workspace_id: 'dev' }));
    const put = await raw(dev, 'PUT', '/projects/shop/ide/file', { path: 'orders.view.lkml', content: ORDERS('dev-edit') });
    expect(put.status).toBe(200);
    const body = { model: 'shop', view: 'orders', fields: ['orders.label'], limit: '1' };
    const run = async (s: Looker40SDK, force?: boolean): Promise<unknown> =>
      (await s.ok(s.run_inline_query({ result_format: 'json', body, ...(force === undefined ? {} : { force_production: force }) })) as unknown as Record<string, unknown>[])[0]?.['orders.label'];
    expect(await run(dev)).toBe('dev-edit');
    expect(await run(prod)).toBe('prod');
    expect(await run(dev, true)).toBe('prod');
    await raw(dev, 'POST', '/projects/shop/ide/discard', {});
    expect(await run(dev)).toBe('prod');
  });
});
