/**
 * Issue 5 end to end: connections, query objects and runs in every result format through the
 * unmodified official @looker/sdk-node, against a real server whose model lives in a git remote and
 * whose data is a real DuckDB file; values are checked against the same SQL run directly on DuckDB.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Looker40SDK } from '@looker/sdk';
import { assertResponseMatchesSpec } from '../../src/api/spec-validate.ts';
import { ordersView, startQueryFixture, type QueryFixture } from './support.ts';

const targets: { name: 'sqlite' | 'postgres' }[] = [{ name: 'sqlite' }, { name: 'postgres' }];

describe.each(targets)('queries through the API on $name metadata', (target) => {
  let fx: QueryFixture;
  let server: QueryFixture['server'];
  let duckPath = '';
  const sdk = (): Looker40SDK => fx.sdk();
  const direct = (sql: string): Promise<Record<string, unknown>[]> => fx.direct(sql);
  const raw = (s: Looker40SDK, method: string, path: string, body?: unknown): Promise<Response> => fx.raw(s, method, path, body);

  beforeAll(async () => {
    vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    fx = await startQueryFixture(target.name, 'e2e_api_queries');
    server = fx.server;
    duckPath = fx.duckPath;
  });

  afterAll(async () => {
    await fx.close();
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

  it('uses only connections the model configuration allows', async () => {
    const admin = sdk();
    const body = { model: 'shop', view: 'orders', fields: ['orders.count'] };
    const restricted = await admin.ok(admin.update_lookml_model('shop', { allowed_db_connection_names: ['elsewhere'], unlimited_db_connections: false }));
    expect(restricted).toMatchObject({ allowed_db_connection_names: ['elsewhere'], unlimited_db_connections: false });
    const refused = await raw(admin, 'POST', '/queries/run/json', body);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { message: string }).message).toMatch(/not allowed to use connection "warehouse"/);
    await admin.ok(admin.update_lookml_model('shop', { allowed_db_connection_names: ['warehouse'], unlimited_db_connections: false }));
    expect(await admin.ok(admin.run_inline_query({ result_format: 'json', body }))).toEqual([{ 'orders.count': 100 }]);
    await admin.ok(admin.update_lookml_model('shop', { unlimited_db_connections: true }));
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
    const put = await raw(dev, 'PUT', '/projects/shop/ide/file', { path: 'orders.view.lkml', content: ordersView('dev-edit') });
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
