/**
 * The `render` benchmark (issue 8), run in its own process by bench/render.ts:
 *
 *   node --import tsx bench/render-task.ts
 *
 * `overlook serve` in another process (bench/server-process.ts, render concurrency 8) with a
 * deployed project over a DuckDB file and a user-defined dashboard of 6 query tiles (grid, single
 * value, column, bar, line, pie). Measured from this process through the API, as a client sees it:
 * create_dashboard_render_task → poll render_task (every 10 ms) → render_task_results.
 *
 * - warm: the browser is up and the queries' results are cached; PNG (1200×900) and PDF (letter,
 *   landscape) renders one after another, after warm-up renders that are not counted.
 * - throughput: 1, 2, 4 and 8 clients each rendering the PNG in a loop for a few seconds.
 *
 * Prints one `BENCH_RESULT {json}` line (RenderBenchResult).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { makeRemote } from '../src/workspaces/git/test-helpers.ts';
import { RESULT_PREFIX } from './protocol.ts';
import { startServer, type ServerProcess } from './server-process.ts';
import { summarize, type Summary } from './stats.ts';

export interface RenderTiming {
  /** Client-side: create → success → bytes received (ms). */
  readonly totalMs: Summary;
  /** Server-side, from the task: page load until every tile finished, and the capture (ms). */
  readonly queryMs: Summary;
  readonly captureMs: Summary;
  readonly bytes: number;
}

export interface RenderThroughput {
  readonly clients: number;
  readonly renders: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly latencyMs: Summary;
}

export interface RenderBenchResult {
  readonly task: 'render';
  readonly tiles: number;
  readonly serverConcurrency: number;
  readonly png: RenderTiming;
  readonly pdf: RenderTiming;
  readonly throughput: readonly RenderThroughput[];
}

const MODEL = 'connection: "bench"\ninclude: "*.view.lkml"\nexplore: orders {}\n';
const VIEW = `view: orders {
  sql_table_name: main.orders ;;
  dimension: id { primary_key: yes type: number sql: \${TABLE}.id ;; }
  dimension: status { type: string sql: \${TABLE}.status ;; }
  dimension: region { type: string sql: \${TABLE}.region ;; }
  dimension_group: created { type: time timeframes: [date, month] sql: \${TABLE}.created_at ;; }
  measure: count { type: count }
  measure: total_amount { type: sum sql: \${TABLE}.amount ;; value_format_name: usd }
}
`;
const TILES: readonly { title: string; type: string; fields: string[]; sorts: string[] }[] = [
  { title: 'Orders by status', type: 'looker_grid', fields: ['orders.status', 'orders.count', 'orders.total_amount'], sorts: ['orders.status'] },
  { title: 'Orders', type: 'single_value', fields: ['orders.count'], sorts: [] },
  { title: 'Revenue by month', type: 'looker_column', fields: ['orders.created_month', 'orders.total_amount'], sorts: ['orders.created_month'] },
  { title: 'Orders by region', type: 'looker_bar', fields: ['orders.region', 'orders.count'], sorts: ['orders.count desc'] },
  { title: 'Daily orders', type: 'looker_line', fields: ['orders.created_date', 'orders.count'], sorts: ['orders.created_date'] },
  { title: 'Status mix', type: 'looker_pie', fields: ['orders.status', 'orders.count'], sorts: ['orders.count desc'] },
];
const SERVER_CONCURRENCY = 8;
const WARMUP = 3;
const ITERATIONS = 15;
const THROUGHPUT_SECONDS = 5;

function progress(message: string): void {
  process.stderr.write(`[bench render] ${message}\n`);
}

async function call(url: string, method: string, path: string, token: string, body?: unknown): Promise<Response> {
  return fetch(`${url}/api/4.0${path}`, {
    method, headers: { authorization: `token ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function json<T>(res: Promise<Response>, what: string): Promise<T> {
  const r = await res;
  if (r.status !== 200) throw new Error(`${what} answered ${r.status}: ${(await r.text()).slice(0, 300)}`);
  return (await r.json()) as T;
}

interface Bench {
  readonly url: string;
  readonly token: string;
  readonly dashboardId: string;
  close(): Promise<void>;
}

async function setup(): Promise<Bench> {
  const root = await mkdtemp(join(tmpdir(), 'overlook-bench-render-'));
  let server: ServerProcess | null = null;
  const close = async (): Promise<void> => {
    await server?.stop();
    await rm(root, { recursive: true, force: true });
  };
  try {
    const clientId = `bench-${randomBytes(8).toString('hex')}`;
    const clientSecret = randomBytes(24).toString('base64url');
    server = await startServer(['overlook', join(root, 'data')], {
      ...process.env, OVERLOOK_ADMIN_CLIENT_ID: clientId, OVERLOOK_ADMIN_CLIENT_SECRET: clientSecret,
      OVERLOOK_RENDER_CONCURRENCY: String(SERVER_CONCURRENCY),
    });
    const duckPath = join(root, 'bench.duckdb');
    const instance = await DuckDBInstance.create(duckPath);
    const conn = await instance.connect();
    await conn.run(`CREATE TABLE orders AS SELECT i AS id, ['complete', 'pending', 'returned', 'cancelled'][i % 4 + 1] AS status,
      ['north', 'south', 'east', 'west', 'central'][i % 5 + 1] AS region, (i * 37 % 500) + 0.5 AS amount,
      TIMESTAMP '2024-01-01' + INTERVAL (i % 365) DAY AS created_at FROM range(1, 20001) t(i)`);
    await conn.run('CHECKPOINT');
    conn.closeSync();
    instance.closeSync();
    await mkdir(join(root, 'remote'));
    const remote = await makeRemote(join(root, 'remote'), { 'bench.model.lkml': MODEL, 'orders.view.lkml': VIEW });
    const login = await fetch(`${server.url}/api/4.0/login`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: clientId, client_secret: clientSecret }).toString(),
    });
    const { access_token: token } = (await login.json()) as { access_token?: unknown };
    if (typeof token !== 'string') throw new Error(`login answered ${login.status}`);
    const url = server.url;
    await json(call(url, 'PATCH', '/session', token, { workspace_id: 'dev' }), 'update_session');
    await json(call(url, 'POST', '/projects', token, { name: 'bench', git_remote_url: remote }), 'create_project');
    const deployed = await call(url, 'POST', '/projects/bench/deploy_ref_to_production?branch=main', token);
    if (deployed.status >= 300) throw new Error(`deploy answered ${deployed.status}`);
    await json(call(url, 'POST', '/connections', token, { name: 'bench', dialect_name: 'duckdb', database: duckPath, jdbc_additional_params: 'access_mode=read_only' }), 'create_connection');
    await json(call(url, 'PATCH', '/session', token, { workspace_id: 'production' }), 'update_session');
    const dash = await json<{ id: string }>(call(url, 'POST', '/dashboards', token, { title: 'Bench Board', folder_id: '1' }), 'create_dashboard');
    for (const tile of TILES) {
      const q = await json<{ id: string }>(call(url, 'POST', '/queries', token, { model: 'bench', view: 'orders', fields: tile.fields, sorts: tile.sorts, limit: '500' }), 'create_query');
      await json(call(url, 'POST', '/dashboard_elements', token, { dashboard_id: dash.id, title: tile.title, query_id: q.id, result_maker: { vis_config: { type: tile.type } } }), 'create_dashboard_element');
    }
    progress('server up, 6-tile dashboard made');
    return { url, token, dashboardId: dash.id, close };
  } catch (error) {
    await close();
    throw error;
  }
}

interface OneRender {
  readonly ms: number;
  readonly queryMs: number;
  readonly captureMs: number;
  readonly bytes: number;
}

async function renderOnce(b: Bench, format: 'png' | 'pdf'): Promise<OneRender> {
  const started = performance.now();
  const query = format === 'png' ? 'width=1200&height=900' : 'width=1200&height=900&pdf_paper_size=letter&pdf_landscape=true';
  const task = await json<{ id: string }>(call(b.url, 'POST', `/render_tasks/dashboards/${b.dashboardId}/${format}?${query}`, b.token, { dashboard_style: 'tiled' }), 'create_dashboard_render_task');
  for (;;) {
    const t = await json<{ status: string; status_detail: string | null; query_runtime: number | null; render_runtime: number | null }>(call(b.url, 'GET', `/render_tasks/${task.id}`, b.token), 'render_task');
    if (t.status === 'failure') throw new Error(`render failed: ${t.status_detail ?? ''}`);
    if (t.status === 'success') {
      const res = await call(b.url, 'GET', `/render_tasks/${task.id}/results`, b.token);
      const bytes = (await res.arrayBuffer()).byteLength;
      return { ms: performance.now() - started, queryMs: (t.query_runtime ?? 0) * 1000, captureMs: (t.render_runtime ?? 0) * 1000, bytes };
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function timing(b: Bench, format: 'png' | 'pdf'): Promise<RenderTiming> {
  for (let i = 0; i < WARMUP; i++) await renderOnce(b, format);
  const runs: OneRender[] = [];
  for (let i = 0; i < ITERATIONS; i++) runs.push(await renderOnce(b, format));
  return {
    totalMs: summarize(runs.map((r) => r.ms)), queryMs: summarize(runs.map((r) => r.queryMs)),
    captureMs: summarize(runs.map((r) => r.captureMs)), bytes: runs[0]?.bytes ?? 0,
  };
}

async function throughput(b: Bench, clients: number): Promise<RenderThroughput> {
  const until = performance.now() + THROUGHPUT_SECONDS * 1000;
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    while (performance.now() < until) latencies.push((await renderOnce(b, 'png')).ms);
  }));
  const seconds = (performance.now() - started) / 1000;
  return { clients, renders: latencies.length, seconds, perSecond: latencies.length / seconds, latencyMs: summarize(latencies) };
}

async function main(): Promise<RenderBenchResult> {
  const b = await setup();
  try {
    const png = await timing(b, 'png');
    progress(`png p50 ${png.totalMs.p50.toFixed(0)} ms`);
    const pdf = await timing(b, 'pdf');
    progress(`pdf p50 ${pdf.totalMs.p50.toFixed(0)} ms`);
    const through: RenderThroughput[] = [];
    for (const clients of [1, 2, 4, 8]) {
      through.push(await throughput(b, clients));
      progress(`${clients} clients: ${through.at(-1)?.perSecond.toFixed(2) ?? '?'} renders/s`);
    }
    return { task: 'render', tiles: TILES.length, serverConcurrency: SERVER_CONCURRENCY, png, pdf, throughput: through };
  } finally {
    await b.close();
  }
}

try {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(await main())}\n`);
} catch (error) {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify({ task: 'render', error: error instanceof Error ? error.message : String(error) })}\n`);
}
process.exit(0);
