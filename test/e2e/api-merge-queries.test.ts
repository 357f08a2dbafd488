/**
 * Merged results end to end through the unmodified official @looker/sdk-node: create_merge_query over
 * two queries of the shop fixture, merge_query, running it (Overlook's run extension, and a
 * dashboard tile with merge_result_id and a dashboard filter) with values checked against the same
 * left join written in SQL on DuckDB; validation errors in Looker's shape; dev/production rules.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { IMergeQuery, Looker40SDK } from '@looker/sdk';
import { assertResponseMatchesSpec } from '../../src/api/spec-validate.ts';
import { ordersView, startQueryFixture, type QueryFixture } from './support.ts';

const targets: { name: 'sqlite' | 'postgres' }[] = [{ name: 'sqlite' }, { name: 'postgres' }];

const COUNTS = { model: 'shop', view: 'orders', fields: ['orders.status', 'orders.count'], sorts: ['orders.status'] };
const AMOUNTS = { model: 'shop', view: 'orders', fields: ['orders.status', 'orders.total_amount'], filters: { 'orders.id': '<=30', 'orders.status': 'complete,pending' } };
const BY_STATUS = [{ field_name: 'orders.status', source_field_name: 'orders.status' }];
const usd = (v: unknown): string => `$${Number(v).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** The merge as SQL: counts per status LEFT JOIN amounts of orders 1..30 that are complete or pending. */
const joinedSql = (where = 'TRUE'): string => `
  WITH a AS (SELECT status, count(*)::INTEGER AS c FROM orders WHERE ${where} GROUP BY 1),
       b AS (SELECT status, sum(amount)::DOUBLE AS s FROM orders WHERE id <= 30 AND status IN ('complete', 'pending') AND ${where} GROUP BY 1)
  SELECT a.status, a.c, b.s FROM a LEFT JOIN b ON a.status = b.status ORDER BY a.c DESC, a.status`;

describe.each(targets)('merge queries through the API on $name metadata', (target) => {
  let fx: QueryFixture;
  let countsId = '';
  let amountsId = '';
  let merged: IMergeQuery;
  const sdk = (): Looker40SDK => fx.sdk();
  const json = async <T>(res: Response): Promise<T> => (await res.json()) as T;

  beforeAll(async () => {
    vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    fx = await startQueryFixture(target.name, 'e2e_api_merge_queries', { connection: true });
    const admin = sdk();
    countsId = (await admin.ok(admin.create_query(COUNTS))).id ?? '';
    amountsId = (await admin.ok(admin.create_query(AMOUNTS))).id ?? '';
  });

  afterAll(async () => {
    await fx.close();
  });

  it('create_merge_query stores a spec-valid merge query, de-duplicated by content; merge_query returns it', async () => {
    const admin = sdk();
    const body = {
      source_queries: [{ query_id: countsId, name: 'Counts' }, { query_id: amountsId, name: 'Amounts', merge_fields: BY_STATUS }],
      sorts: ['orders.count desc', 'orders.status'], total: false, vis_config: { type: 'table' },
    };
    merged = await admin.ok(admin.create_merge_query(body));
    assertResponseMatchesSpec('create_merge_query', 200, merged, { rejectUnknown: true });
    expect(merged.id).toMatch(/^[A-Za-z0-9]{22}$/);
    expect(merged.result_maker_id).toMatch(/^\d+$/);
    const slugs = await Promise.all([countsId, amountsId].map(async (id) => (await admin.ok(admin.query(id))).slug));
    expect(merged).toMatchObject({
      source_queries: [
        { query_id: countsId, name: 'Counts', merge_fields: [], query_slug: slugs[0] },
        { query_id: amountsId, name: 'Amounts', merge_fields: BY_STATUS, query_slug: slugs[1] },
      ],
      sorts: ['orders.count desc', 'orders.status'], pivots: null, limit: null, column_limit: null, total: false, dynamic_fields: null, vis_config: { type: 'table' },
    });
    expect((await admin.ok(admin.create_merge_query(body))).id).toBe(merged.id);
    expect((await admin.ok(admin.create_merge_query({ ...body, sorts: ['orders.status'] }))).id).not.toBe(merged.id);
    const read = await admin.ok(admin.merge_query(merged.id ?? ''));
    assertResponseMatchesSpec('merge_query', 200, read, { rejectUnknown: true });
    expect(read).toEqual(merged);
    expect(await admin.ok(admin.merge_query(merged.id ?? '', 'id,result_maker_id'))).toEqual({ id: merged.id, result_maker_id: merged.result_maker_id });
  });

  it('runs it: the rows equal the left join computed directly on DuckDB', async () => {
    const admin = sdk();
    const rows = await json<Record<string, unknown>[]>(await fx.raw(admin, 'GET', `/merge_queries/${merged.id}/run/json`));
    const expected = await fx.direct(joinedSql());
    expect(rows).toEqual(expected.map((r) => ({ 'orders.status': r.status, 'orders.count': r.c, 'orders.total_amount': r.s })));
    // The odd status has no amounts row: kept, with null (a left join).
    expect(rows.map((r) => [r['orders.status'], r['orders.total_amount'] === null])).toEqual([['pending', false], ['complete', false], ['it\'s "odd", ok', true]]);

    const detail = await json<{ fields: { dimensions: { name: string; label: string }[]; measures: { name: string; sorted?: unknown }[] }; data: Record<string, { value: unknown; rendered?: string }>[]; sql: string }>(
      await fx.raw(admin, 'GET', `/merge_queries/${merged.id}/run/json_detail`),
    );
    expect(detail.fields.dimensions.map((f) => [f.name, f.label])).toEqual([['orders.status', 'Orders Status']]);
    expect(detail.fields.measures.map((f) => [f.name, f.sorted])).toEqual([['orders.count', { sort_index: 0, desc: true }], ['orders.total_amount', undefined]]);
    expect(detail.data.map((d) => d['orders.count']?.value)).toEqual(expected.map((r) => r.c));
    expect(detail.data[0]?.['orders.total_amount']).toEqual({ value: expected[0]?.s, rendered: usd(expected[0]?.s) });
    expect(detail.sql).toMatch(/^-- Source query 1 \(Counts\): query \d+\nSELECT/);
    expect(detail.sql).toContain('-- Source query 2 (Amounts)');

    const sql = await (await fx.raw(admin, 'GET', `/merge_queries/${merged.id}/run/sql`)).text();
    expect(sql.match(/main\.orders/g)).toHaveLength(2);
    const csv = await (await fx.raw(admin, 'GET', `/merge_queries/${merged.id}/run/csv`)).text();
    expect(csv.split('\n')[0]).toBe('Orders Status,Orders Count,Orders Total Amount');
  });

  it('pivots, limits columns and totals the merged rows', async () => {
    const admin = sdk();
    const pivoted = await admin.ok(admin.create_merge_query({
      source_queries: [{ query_id: countsId }, { query_id: amountsId, merge_fields: BY_STATUS }], pivots: ['orders.status'], column_limit: '2', total: true,
    }));
    const detail = await json<{ pivots: { key: string }[]; data: Record<string, Record<string, { value: unknown }>>[]; totals_data: Record<string, { value: unknown }>; has_totals: boolean }>(
      await fx.raw(admin, 'GET', `/merge_queries/${pivoted.id}/run/json_detail`),
    );
    expect(detail.pivots.map((p) => p.key)).toEqual(['complete', 'it\'s "odd", ok']);
    expect(detail.data).toHaveLength(1);
    expect(detail.data[0]?.['orders.count']).toEqual({ complete: { value: 33 }, 'it\'s "odd", ok': { value: 33 } });
    expect(detail.data[0]?.['orders.total_amount']?.['it\'s "odd", ok']).toEqual({ value: null });
    expect(detail.has_totals).toBe(true);
    const [amountTotal] = await fx.direct("SELECT sum(amount)::DOUBLE AS s FROM orders WHERE id <= 30 AND status IN ('complete', 'pending')");
    expect(detail.totals_data).toEqual({ 'orders.count': { value: 100 }, 'orders.total_amount': { value: amountTotal?.s, rendered: usd(amountTotal?.s) } });
  });

  it('refuses unknown queries, merge fields not in the queries and an empty source list with 422 errors[]; a missing merge query is 404', async () => {
    const admin = sdk();
    const post = (body: unknown): Promise<Response> => fx.raw(admin, 'POST', '/merge_queries', body);
    const doc = 'https://cloud.google.com/looker/docs/r/err/4.0/422/post/merge_queries';
    const unknown = await post({ source_queries: [{ query_id: countsId }, { query_id: '999999', merge_fields: BY_STATUS }] });
    expect(unknown.status).toBe(422);
    expect(await unknown.json()).toEqual({
      message: 'Validation Failed', documentation_url: doc,
      errors: [{ field: 'source_queries[1].query_id', code: 'invalid', message: 'Query 999999 not found.', documentation_url: doc }],
    });
    const badField = await post({ source_queries: [{ query_id: countsId }, { query_id: amountsId, merge_fields: [{ field_name: 'orders.count_x', source_field_name: 'orders.id' }] }] });
    expect(badField.status).toBe(422);
    expect((await json<{ errors: { field: string; code: string; message: string }[] }>(badField)).errors.map((e) => [e.field, e.code, e.message])).toEqual([
      ['source_queries[1].merge_fields[0].field_name', 'invalid', `Merge field "orders.count_x" is not a field of the primary query (query ${countsId}).`],
      ['source_queries[1].merge_fields[0].source_field_name', 'invalid', `Merge field "orders.id" is not a field of source query 2 (query ${amountsId}).`],
    ]);
    const empty = await post({ source_queries: [] });
    expect(empty.status).toBe(422);
    expect((await json<{ errors: unknown[] }>(empty)).errors).toEqual([{ field: 'source_queries', code: 'missing_field', message: 'A merge query needs at least one source query.', documentation_url: doc }]);
    // Through the SDK the 422 surfaces as an error carrying errors[].
    await expect(admin.ok(admin.create_merge_query({ source_queries: [] }))).rejects.toMatchObject({ message: 'Validation Failed', errors: [{ field: 'source_queries' }] });

    const missing = await fx.raw(admin, 'GET', '/merge_queries/NoSuchMergeQuery0000000');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ message: 'Merge query NoSuchMergeQuery0000000 not found.' });
    expect((await fx.raw(admin, 'GET', '/merge_queries/NoSuchMergeQuery0000000/run/json')).status).toBe(404);
    await expect(admin.ok(admin.merge_query('NoSuchMergeQuery0000000'))).rejects.toMatchObject({ message: 'Merge query NoSuchMergeQuery0000000 not found.' });
  });

  it('a dashboard tile with merge_result_id runs the merge with the dashboard filter applied to every source', async () => {
    const admin = sdk();
    const dashboard = await admin.ok(admin.create_dashboard({ title: 'Merged', folder_id: '1' }));
    const dashboardId = dashboard.id ?? '';
    await admin.ok(admin.create_dashboard_filter({
      dashboard_id: dashboardId, name: 'Status', title: 'Status', type: 'field_filter', default_value: 'pending', model: 'shop', explore: 'orders', dimension: 'orders.status',
    }));
    const tile = await admin.ok(admin.create_dashboard_element({
      body: {
        dashboard_id: dashboardId, title: 'Counts and amounts', merge_result_id: merged.id ?? '',
        result_maker: { filterables: [{ model: 'shop', view: 'orders', listen: [{ dashboard_filter_name: 'Status', field: 'orders.status' }] }] },
      },
    }));
    expect(tile).toMatchObject({ type: 'vis', merge_result_id: merged.id, query_id: null });
    const run = async (filters?: string): Promise<Record<string, unknown>[]> => json(await fx.raw(admin, 'GET',
      `/dashboard_elements/${tile.id}/run/json${filters === undefined ? '' : `?dashboard_filters=${encodeURIComponent(filters)}`}`));
    const shape = (rows: Record<string, unknown>[]): Record<string, unknown>[] => rows.map((r) => ({ 'orders.status': r.status, 'orders.count': r.c, 'orders.total_amount': r.s }));
    expect(await run()).toEqual(shape(await fx.direct(joinedSql("status = 'pending'"))));
    expect(await run('Status=complete')).toEqual(shape(await fx.direct(joinedSql("status = 'complete'"))));
    // An empty value is "any value": the sources keep their own filters.
    expect(await run('Status=')).toEqual(shape(await fx.direct(joinedSql())));

    // The same endpoint runs an ordinary query tile.
    const queryTile = await admin.ok(admin.create_dashboard_element({
      body: { dashboard_id: dashboardId, title: 'Counts', query_id: countsId, result_maker: { filterables: [{ model: 'shop', view: 'orders', listen: [{ dashboard_filter_name: 'Status', field: 'orders.status' }] }] } },
    }));
    expect(await json(await fx.raw(admin, 'GET', `/dashboard_elements/${queryTile.id}/run/json`))).toEqual([{ 'orders.status': 'pending', 'orders.count': 34 }]);
    expect((await fx.raw(admin, 'GET', '/dashboard_elements/999999/run/json')).status).toBe(404);
  });

  it('runs the source queries in the token\'s workspace (dev edits seen only from dev; force_production)', async () => {
    const dev = sdk();
    const prod = sdk();
    const labels = await dev.ok(dev.create_query({ model: 'shop', view: 'orders', fields: ['orders.status', 'orders.label'] }));
    const m = await dev.ok(dev.create_merge_query({ source_queries: [{ query_id: countsId }, { query_id: labels.id ?? '', merge_fields: BY_STATUS }], sorts: ['orders.status'] }));
    await dev.ok(dev.update_session({ workspace_id: 'dev' }));
    expect((await fx.raw(dev, 'PUT', '/projects/shop/ide/file', { path: 'orders.view.lkml', content: ordersView('dev-edit') })).status).toBe(200);
    const labelsOf = async (s: Looker40SDK, qs = ''): Promise<unknown[]> =>
      (await json<Record<string, unknown>[]>(await fx.raw(s, 'GET', `/merge_queries/${m.id}/run/json${qs}`))).map((r) => r['orders.label']);
    expect(await labelsOf(dev)).toEqual(['dev-edit', 'dev-edit', 'dev-edit']);
    expect(await labelsOf(prod)).toEqual(['prod', 'prod', 'prod']);
    expect(await labelsOf(dev, '?force_production=true')).toEqual(['prod', 'prod', 'prod']);
    await fx.raw(dev, 'POST', '/projects/shop/ide/discard', {});
    expect(await labelsOf(dev)).toEqual(['prod', 'prod', 'prod']);
  });
});
