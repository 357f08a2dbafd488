/**
 * Issue 5 end to end, asynchronous side: query tasks with multi_results polling (Spectacles' SQL
 * validator sequence, spectacles-flow.md §3), killing a running DuckDB query, and the SQL Runner —
 * through the official SDK and a real server.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Looker40SDK } from '@looker/sdk';
import { DelimArray } from '@looker/sdk-rtl';
import { assertResponseMatchesSpec } from '../../src/api/spec-validate.ts';
import { startQueryFixture, type QueryFixture } from './support.ts';

type Multi = Record<string, { status: string; data?: unknown }>;

describe('query tasks and the SQL Runner', () => {
  let fx: QueryFixture;

  beforeAll(async () => {
    vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    fx = await startQueryFixture('sqlite', 'unused', { connection: true });
  });

  afterAll(async () => {
    await fx.close();
  });

  /** Polls multi_results every 100 ms, as Spectacles does (it uses 0.5 s), until no task is pending. */
  const settle = async (s: Looker40SDK, ids: string[]): Promise<Multi> => {
    for (let i = 0; i < 300; i++) {
      const res = await fx.raw(s, 'GET', `/query_tasks/multi_results?query_task_ids=${ids.join(',')}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as Multi;
      if (ids.every((id) => !['added', 'running'].includes(body[id]?.status ?? 'added'))) return body;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('query tasks did not finish');
  };

  it("runs Spectacles' SQL-validator sequence: limit 0, filter_expression 1=2, json_bi tasks polled through multi_results", async () => {
    const ci = fx.sdk();
    const q = await fx.raw(ci, 'POST', '/queries?fields=id,share_url', {
      model: 'shop', view: 'orders', fields: ['orders.created_date', 'orders.id', 'orders.label', 'orders.status'], limit: 0, filter_expression: '1=2',
    });
    const query = (await q.json()) as { id: string; share_url: string };
    expect(Object.keys(query).sort()).toEqual(['id', 'share_url']);
    const t = await fx.raw(ci, 'POST', '/query_tasks?fields=id&cache=false', { query_id: query.id, result_format: 'json_bi' });
    const task = (await t.json()) as { id: string };
    expect(Object.keys(task)).toEqual(['id']);
    const results = await settle(ci, [task.id]);
    expect(results[task.id]?.status).toBe('complete');
    const data = results[task.id]?.data as { metadata: { sql: string; fields: { dimensions: { name: string }[] } }; rows: unknown[] };
    expect(data.rows).toEqual([]);
    expect(data.metadata.sql).toMatch(/1 = 2|1=2/);
    expect(data.metadata.fields.dimensions.map((d) => d.name)).toEqual(['orders.created_date', 'orders.id', 'orders.label', 'orders.status']);

    // A broken dimension: the task ends in `error` with the shapes Spectacles parses.
    const bad = (await (await fx.raw(ci, 'POST', '/queries', { model: 'shop', view: 'broken', fields: ['broken.x'], limit: 0, filter_expression: '1=2' })).json()) as { id: string };
    const detail = (await (await fx.raw(ci, 'POST', '/query_tasks?cache=false', { query_id: bad.id, result_format: 'json_detail' })).json()) as { id: string };
    const bi = (await (await fx.raw(ci, 'POST', '/query_tasks?cache=false', { query_id: bad.id, result_format: 'json_bi' })).json()) as { id: string };
    const errors = await settle(ci, [detail.id, bi.id]);
    expect(errors[detail.id]?.status).toBe('error');
    const detailData = errors[detail.id]?.data as { id: string; sql: string; errors: { message: string; message_details: string }[] };
    expect(typeof detailData.id).toBe('string');
    expect(detailData.sql).toContain('no_such_table');
    expect(detailData.errors[0]?.message_details).toMatch(/no_such_table/);
    expect(errors[bi.id]?.status).toBe('error');
    expect((errors[bi.id]?.data as { rows: { looker_error: string }[] }).rows[0]?.looker_error).toMatch(/no_such_table/);

    // The SDK's own calls: create_query_task, query_task, query_task_results.
    const sdkTask = await ci.ok(ci.create_query_task({ body: { query_id: query.id, result_format: 'json' as never } }));
    await settle(ci, [sdkTask.id!]);
    expect((await ci.ok(ci.query_task(sdkTask.id!))).status).toBe('complete');
    expect(await ci.ok(ci.query_task_results(sdkTask.id!))).toEqual([]);
  });

  it('answers multi_results for 260 tasks in one call', async () => {
    const s = fx.sdk();
    const q = await s.ok(s.create_query({ model: 'shop', view: 'orders', fields: ['orders.status', 'orders.count'], sorts: ['orders.status'] }));
    const ids: string[] = [];
    for (let i = 0; i < 260; i += 20) {
      const batch = await Promise.all(Array.from({ length: Math.min(20, 260 - i) }, () =>
        fx.raw(s, 'POST', '/query_tasks', { query_id: q.id, result_format: 'json' }).then(async (r) => ((await r.json()) as { id: string }).id)));
      ids.push(...batch);
    }
    const results = await settle(s, ids);
    expect(Object.keys(results)).toHaveLength(260);
    const expected = (await fx.direct('SELECT status, count(*)::INTEGER AS c FROM orders GROUP BY 1 ORDER BY 1')).map((r) => ({ 'orders.status': r.status, 'orders.count': r.c }));
    for (const id of ids) expect(results[id]).toEqual({ status: 'complete', data: expected });
  });

  it('kill_query really cancels a running DuckDB query', async () => {
    const s = fx.sdk();
    const q = await s.ok(s.create_query({ model: 'shop', view: 'slow', fields: ['slow.x'] }));
    const task = await s.ok(s.create_query_task({ body: { query_id: q.id!, result_format: 'json' as never }, cache: false }));
    let running = false;
    for (let i = 0; i < 100 && !running; i++) {
      running = (await s.ok(s.all_running_queries())).some((r) => r.query_task_id === task.id && r.status === 'running');
      if (!running) await new Promise((r) => setTimeout(r, 50));
    }
    expect(running).toBe(true);
    // Query, SqlQuery and LookBasic members may not be null in the spec: absent instead.
    const entry = (await s.ok(s.all_running_queries())).find((r) => r.query_task_id === task.id)!;
    for (const key of ['query', 'sql_query', 'look'] as const) expect(entry[key], key).not.toBeNull();
    expect((await fx.raw(s, 'GET', `/query_tasks/${task.id!}/results`)).status).toBe(202);
    await s.ok(s.kill_query(task.id!));
    expect((await s.ok(s.query_task(task.id!))).status).toBe('killed');
    // The connection is free again at once: a new query on it answers quickly instead of queueing
    // behind a statement that kept running.
    const started = Date.now();
    const rows = await s.ok(s.run_inline_query({ result_format: 'json', body: { model: 'shop', view: 'orders', fields: ['orders.count'] }, cache: false }));
    expect(rows).toEqual([{ 'orders.count': 100 }]);
    expect(Date.now() - started).toBeLessThan(5000);
    expect((await s.ok(s.all_running_queries())).some((r) => r.query_task_id === task.id)).toBe(false);
    // Killing a query that is no longer running: 404 in Looker's Error shape (Spectacles ignores 404s).
    const again = await fx.raw(s, 'DELETE', `/running_queries/${task.id!}`);
    expect(again.status).toBe(404);
    const body = (await again.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['documentation_url', 'message']);
    expect(body.documentation_url).toMatch(/\/404\/delete\/running_queries\/:query_task_id$/);
    const viaSdk = await s.kill_query(task.id!);
    expect(viaSdk.ok).toBe(false);
  });

  it('answers query_task_results of a failed task with 400 and the database error, except for json_detail', async () => {
    const s = fx.sdk();
    const bad = await s.ok(s.create_query({ model: 'shop', view: 'broken', fields: ['broken.x'] }));
    const ids: Record<string, string> = {};
    for (const format of ['json', 'json_bi', 'csv', 'txt', 'xlsx', 'json_detail']) {
      ids[format] = (await s.ok(s.create_query_task({ body: { query_id: bad.id!, result_format: format as never } }))).id!;
    }
    const settled = await settle(s, Object.values(ids));
    for (const id of Object.values(ids)) expect(settled[id]?.status).toBe('error');
    // Same wording as the synchronous run endpoints: the summary line, then the database's message.
    const expected = /^The DuckDB database encountered an error while running this query\. .*no_such_table/s;
    for (const format of ['json', 'json_bi', 'csv', 'txt', 'xlsx']) {
      const res = await fx.raw(s, 'GET', `/query_tasks/${ids[format]!}/results`);
      expect(res.status, format).toBe(400);
      expect(res.headers.get('content-type'), format).toMatch(/^application\/json/);
      const body = (await res.json()) as { message: string; documentation_url: string };
      expect(Object.keys(body).sort(), format).toEqual(['documentation_url', 'message']);
      assertResponseMatchesSpec('query_task_results', 400, body);
      expect(body.message, format).toMatch(expected);
      expect(body.documentation_url).toMatch(/\/400\/get\/query_tasks\/:query_task_id\/results$/);
      const viaSdk = await s.query_task_results(ids[format]!);
      expect(viaSdk.ok, format).toBe(false);
      if (!viaSdk.ok) expect((viaSdk.error as { message: string }).message, format).toMatch(expected);
    }
    // json_detail carries the error in a 200 body.
    const detail = (await s.ok(s.query_task_results(ids.json_detail!))) as unknown as { errors: { message: string; message_details: string }[] };
    expect(detail.errors[0]?.message).toBe('The DuckDB database encountered an error while running this query.');
    expect(detail.errors[0]?.message_details).toMatch(/no_such_table/);
    // multi_results still reports each failure in its format's body (what Spectacles parses).
    expect((settled[ids.json!]?.data as { looker_error: string }[])[0]?.looker_error).toMatch(expected);
  });

  it("reports tasks the caller may not see, or that do not exist, as 'missing' in multi_results", async () => {
    const admin = fx.sdk();
    const developer = (await admin.ok(admin.all_roles({}))).find((r) => r.name === 'Developer')!;
    const user = await admin.ok(admin.create_user({ first_name: 'Other', last_name: 'Caller' }));
    await admin.ok(admin.set_user_roles(user.id!, [developer.id!]));
    const cred = await admin.ok(admin.create_user_credentials_api3(user.id!));
    const other = fx.sdkFor(cred.client_id!, cred.client_secret!);
    const q = await admin.ok(admin.create_query({ model: 'shop', view: 'orders', fields: ['orders.count'] }));
    const task = await admin.ok(admin.create_query_task({ body: { query_id: q.id!, result_format: 'json' as never } }));
    expect((await settle(admin, [task.id!]))[task.id!]?.status).toBe('complete');
    const seen = await other.ok(other.query_task_multi_results(new DelimArray<string>([task.id!, 'no-such-task'])));
    expect(seen).toEqual({ [task.id!]: { status: 'missing' }, 'no-such-task': { status: 'missing' } });
  });

  it('reads multi_results ids sent as a DelimArray, a plain array (JSON text) or a repeated parameter', async () => {
    const s = fx.sdk();
    const q = await s.ok(s.create_query({ model: 'shop', view: 'orders', fields: ['orders.count'] }));
    const a = (await s.ok(s.create_query_task({ body: { query_id: q.id!, result_format: 'json' as never } }))).id!;
    const b = (await s.ok(s.create_query_task({ body: { query_id: q.id!, result_format: 'csv' as never } }))).id!;
    const expected = await settle(s, [a, b]);
    expect(expected).toEqual({ [a]: { status: 'complete', data: [{ 'orders.count': 100 }] }, [b]: { status: 'complete', data: 'Orders Count\n100\n' } });
    expect(await s.ok(s.query_task_multi_results(new DelimArray<string>([a, b])))).toEqual(expected);
    // The SDK sends a plain array as `query_task_ids=["a","b"]`.
    expect(await s.ok(s.query_task_multi_results([a, b] as unknown as DelimArray<string>))).toEqual(expected);
    const repeated = await fx.raw(s, 'GET', `/query_tasks/multi_results?query_task_ids=${a}&query_task_ids=${b}`);
    expect(await repeated.json()).toEqual(expected);
  });

  it('keeps the create_query_task flags in the QueryTask and leaves out its null query', async () => {
    const s = fx.sdk();
    const q = await s.ok(s.create_query({ model: 'shop', view: 'orders', fields: ['orders.count'] }));
    const flagged = await s.ok(s.create_query_task({
      generate_drill_links: true, server_table_calcs: true, rebuild_pdts: true, cache_only: true, path_prefix: '/embed/x',
      body: { query_id: q.id!, result_format: 'json_detail' as never },
    }));
    const echoed = { generate_links: true, server_table_calcs: true, rebuild_pdts: true, cache_only: true, path_prefix: '/embed/x' };
    expect(flagged).toMatchObject(echoed);
    expect(await s.ok(s.query_task(flagged.id!))).toMatchObject(echoed);
    const plain = await s.ok(s.create_query_task({ body: { query_id: q.id!, result_format: 'json' as never } }));
    expect(plain).toMatchObject({ generate_links: false, server_table_calcs: false, rebuild_pdts: false, cache_only: false, path_prefix: null });
    // `query` is a Query object the spec does not allow to be null.
    for (const t of [flagged, plain, await s.ok(s.query_task(plain.id!))]) {
      expect(t.query).not.toBeNull();
      assertResponseMatchesSpec('query_task', 200, t);
    }
    await settle(s, [flagged.id!, plain.id!]);
  });

  it('runs raw SQL through the SQL Runner on a named connection', async () => {
    const s = fx.sdk();
    const created = await s.ok(s.create_sql_query({ connection_name: 'warehouse', sql: 'SELECT status, count(*)::INTEGER AS n FROM orders GROUP BY 1 ORDER BY 1' }));
    expect(created.slug).toMatch(/^[A-Za-z0-9]+$/);
    expect((await s.ok(s.sql_query(created.slug!))).sql).toContain('FROM orders');
    const rows = await s.ok(s.run_sql_query(created.slug!, 'json'));
    expect(rows).toEqual(await fx.direct('SELECT status, count(*)::INTEGER AS n FROM orders GROUP BY 1 ORDER BY 1'));
    const csv = await s.ok(s.run_sql_query(created.slug!, 'csv'));
    expect(csv.split('\n')[0]).toBe('status,n');
    // `download=true` makes the answer an attachment; without it the answer stays inline.
    const inline = await fx.raw(s, 'POST', `/sql_queries/${created.slug!}/run/csv`);
    expect(inline.headers.get('content-disposition')).toBeNull();
    const download = await fx.raw(s, 'POST', `/sql_queries/${created.slug!}/run/csv?download=true`);
    expect(download.headers.get('content-disposition')).toBe(`attachment; filename="sql_query_${created.slug!}.csv"`);
    expect(await download.text()).toBe(csv);
    // The SDK passes `download` through and reads the workbook as its binary string.
    expect((await s.ok(s.run_sql_query(created.slug!, 'xlsx', 'true'))).slice(0, 2)).toBe('PK');
    const viaModel = await s.ok(s.create_sql_query({ model_name: 'shop', sql: 'SELECT 1 AS one' }));
    expect(await s.ok(s.run_sql_query(viaModel.slug!, 'json'))).toEqual([{ one: 1 }]);
    const broken = await s.ok(s.create_sql_query({ connection_name: 'warehouse', sql: 'SELECT * FROM nowhere' }));
    const err = (await (await fx.raw(s, 'POST', `/sql_queries/${broken.slug!}/run/json_detail`)).json()) as { errors: { message_details: string }[] };
    expect(err.errors[0]?.message_details).toMatch(/nowhere/);
  });

  it('compiles byte-identical SQL on another branch with the same model (Spectacles --incremental)', async () => {
    const s = fx.sdk();
    const body = { model: 'shop', view: 'orders', fields: ['orders.id', 'orders.status'], limit: 0, filter_expression: '1=2' };
    const prod = await (await fx.raw(s, 'POST', '/queries/run/sql', body)).text();
    await s.ok(s.update_session({ workspace_id: 'dev' }));
    await s.ok(s.create_git_branch('shop', { name: 'tmp_spectacles_abc' }));
    const dev = await (await fx.raw(s, 'POST', '/queries/run/sql', body)).text();
    expect(dev).toBe(prod);
    const personal = (await s.ok(s.all_git_branches('shop'))).find((b) => b.personal && !b.readonly)!.name!;
    await s.ok(s.update_git_branch('shop', { name: personal }));
    await s.ok(s.delete_git_branch('shop', 'tmp_spectacles_abc'));
  });
});
