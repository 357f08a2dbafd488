// /healthz, /readyz and /metrics on the real composition (SQLite metadata, a git remote, a DuckDB
// warehouse): probes answer without auth, readiness fails on a closed DB or a removed mirror, and the
// metrics move with the requests, queries and caches they describe.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapAdmin } from '../auth/bootstrap.ts';
import { openStore, type Store } from '../store/index.ts';
import { makeRemote } from '../workspaces/git/test-helpers.ts';
import { lookerApi, type LookerApi } from './looker-api.ts';
import { Metrics } from './observability.ts';
import { startServer, type RunningServer } from './server.ts';

interface Sample { name: string; labels: Record<string, string>; value: number }

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/;

/** Parses the Prometheus text format strictly: every line is HELP, TYPE or a well-formed sample. */
function parseMetrics(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('# HELP ')) continue;
    const type = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      types.set(type[1] ?? '', type[2] ?? '');
      continue;
    }
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`not a metrics line: ${line}`);
    const labels: Record<string, string> = {};
    let rest = m[2] ?? '';
    while (rest !== '') {
      const l = LABEL.exec(rest);
      if (!l) throw new Error(`bad labels in: ${line}`);
      labels[l[1] ?? ''] = (l[2] ?? '').replace(/\\(.)/g, '$1');
      rest = rest.slice(l[0].length);
    }
    const raw = m[3] ?? '';
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
    // Prometheus reads NaN case-insensitively (prom-client writes `Nan` for an empty event-loop histogram).
    if (Number.isNaN(value) && raw.toLowerCase() !== 'nan') throw new Error(`bad value in: ${line}`);
    samples.push({ name: m[1] ?? '', labels, value });
  }
  return { samples, types };
}

/** The value of the one sample named `name` whose labels include `labels`; 0 when there is none. */
function valueOf(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return found[0]?.value ?? 0;
}

const MODEL = 'connection: "warehouse"\ninclude: "*.view.lkml"\nexplore: orders {}\nexplore: broken {}\n';
const BROKEN = 'view: broken {\n  sql_table_name: main.no_such_table ;;\n  dimension: x { sql: ${TABLE}.x ;; }\n}\n';
const VIEW = `view: orders {
  sql_table_name: main.orders ;;
  dimension: id { primary_key: yes type: number sql: \${TABLE}.id ;; }
  dimension: status { type: string sql: \${TABLE}.status ;; }
  measure: count { type: count }
}
`;
const ADMIN = { OVERLOOK_ADMIN_EMAIL: 'ops@example.com', OVERLOOK_ADMIN_PASSWORD: 'correct horse battery', OVERLOOK_ADMIN_CLIENT_ID: 'opsadmin', OVERLOOK_ADMIN_CLIENT_SECRET: 'ops-secret-0123456789' };

let root = '';
let store: Store;
let api: LookerApi;
let server: RunningServer;
let token = '';

async function call(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `token ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function ok(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await call(method, path, body);
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

async function scrape(): Promise<Sample[]> {
  const res = await fetch(`${server.url}/metrics`);
  expect(res.status).toBe(200);
  return parseMetrics(await res.text()).samples;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'overlook-observability-'));
  const duckPath = join(root, 'warehouse.duckdb');
  const instance = await DuckDBInstance.create(duckPath);
  const conn = await instance.connect();
  await conn.run("CREATE TABLE orders AS SELECT i AS id, CASE WHEN i % 2 = 0 THEN 'done' ELSE 'open' END AS status FROM range(1, 11) t(i)");
  conn.closeSync();
  instance.closeSync();
  await mkdir(join(root, 'remote'));
  const remote = await makeRemote(join(root, 'remote'), { 'shop.model.lkml': MODEL, 'orders.view.lkml': VIEW, 'broken.view.lkml': BROKEN });
  const dataDir = join(root, 'data');
  store = await openStore({ dataDir });
  api = lookerApi(store, { dataDir });
  server = await startServer({ port: 0, deps: api.deps, plugins: api.plugins, handleSignals: false });
  await bootstrapAdmin(store, dataDir, server.url, ADMIN);
  const login = await fetch(`${server.url}/api/4.0/login`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `client_id=${ADMIN.OVERLOOK_ADMIN_CLIENT_ID}&client_secret=${ADMIN.OVERLOOK_ADMIN_CLIENT_SECRET}`,
  });
  token = ((await login.json()) as { access_token: string }).access_token;
  await ok('PATCH', '/api/4.0/session', { workspace_id: 'dev' });
  await ok('POST', '/api/4.0/projects', { name: 'shop', git_remote_url: remote });
  await ok('POST', '/api/4.0/projects/shop/deploy_ref_to_production?branch=main');
  await ok('PATCH', '/api/4.0/session', { workspace_id: 'production' });
  await ok('POST', '/api/4.0/connections', { name: 'warehouse', dialect_name: 'duckdb', database: duckPath });
}, 60_000);

afterAll(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

describe('probes', () => {
  it('/healthz answers 200 without credentials', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('/readyz answers 200 when the DB and the project mirror answer', async () => {
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'ok',
      checks: [{ name: 'database', ok: true }, { name: 'git:shop', ok: true, via: 'mirror' }],
    });
  });

  it('probe paths are not the web UI, the API or its auth', async () => {
    const res = await fetch(`${server.url}/metrics`, { headers: { authorization: 'token not-a-token' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect((await fetch(`${server.url}/api/4.0/healthz`)).status).toBe(404);
  });
});

describe('/metrics', () => {
  it('is valid text format with typed families and process metrics', async () => {
    const res = await fetch(`${server.url}/metrics`);
    const { samples, types } = parseMetrics(await res.text());
    expect(types.get('overlook_http_requests_total')).toBe('counter');
    expect(types.get('overlook_http_request_duration_seconds')).toBe('histogram');
    expect(types.get('overlook_query_duration_seconds')).toBe('histogram');
    expect(types.get('overlook_render_duration_seconds')).toBe('histogram');
    expect(types.get('overlook_task_queue_depth')).toBe('gauge');
    expect(types.get('overlook_cache_hits_total')).toBe('counter');
    expect(types.get('overlook_cache_misses_total')).toBe('counter');
    expect(types.get('overlook_model_cache_workspaces')).toBe('gauge');
    expect(types.get('overlook_model_cache_bytes')).toBe('gauge');
    expect(types.get('process_cpu_user_seconds_total')).toBe('counter');
    expect(types.get('nodejs_heap_size_used_bytes')).toBe('gauge');
    expect(valueOf(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('counts requests by route pattern and status, never by raw path', async () => {
    const before = await scrape();
    const route = { method: 'GET', route: '/api/4.0/projects/:project_id', status_code: '200' };
    const missing = { method: 'GET', route: '/api/4.0/projects/:project_id', status_code: '404' };
    await ok('GET', '/api/4.0/projects/shop');
    await ok('GET', '/api/4.0/projects/shop');
    expect((await call('GET', '/api/4.0/projects/nope')).status).toBe(404);
    expect((await call('GET', '/api/4.0/no/such/path/abc123')).status).toBe(404);
    const after = await scrape();
    expect(valueOf(after, 'overlook_http_requests_total', route) - valueOf(before, 'overlook_http_requests_total', route)).toBe(2);
    expect(valueOf(after, 'overlook_http_requests_total', missing) - valueOf(before, 'overlook_http_requests_total', missing)).toBe(1);
    const unmatched = { method: 'GET', route: '(unmatched)', status_code: '404' };
    expect(valueOf(after, 'overlook_http_requests_total', unmatched) - valueOf(before, 'overlook_http_requests_total', unmatched)).toBe(1);
    expect(valueOf(after, 'overlook_http_request_duration_seconds_count', route) - valueOf(before, 'overlook_http_request_duration_seconds_count', route)).toBe(2);
    expect(valueOf(after, 'overlook_http_request_duration_seconds_bucket', { ...route, le: '+Inf' }))
      .toBe(valueOf(after, 'overlook_http_request_duration_seconds_count', route));
    expect(valueOf(after, 'overlook_http_requests_total', { method: 'GET', route: '/healthz', status_code: '200' })).toBeGreaterThanOrEqual(1);
    const routes = new Set(after.filter((s) => s.name === 'overlook_http_requests_total').map((s) => s.labels.route));
    expect([...routes].filter((r) => r?.includes('shop') === true || r?.includes('abc123') === true)).toEqual([]);
  });

  it('times queries and counts the result, compiled-SQL and model cache hits of a repeated query', async () => {
    const body = { model: 'shop', view: 'orders', fields: ['orders.status', 'orders.count'], sorts: ['orders.status'] };
    const before = await scrape();
    expect(await ok('POST', '/api/4.0/queries/run/json', body)).toEqual([{ 'orders.status': 'done', 'orders.count': 5 }, { 'orders.status': 'open', 'orders.count': 5 }]);
    const first = await scrape();
    const statement = { dialect: 'duckdb', outcome: 'ok' };
    expect(valueOf(first, 'overlook_query_duration_seconds_count', statement) - valueOf(before, 'overlook_query_duration_seconds_count', statement)).toBe(1);
    expect(valueOf(first, 'overlook_query_duration_seconds_sum', statement)).toBeGreaterThan(0);
    // Buckets are cumulative: every bound at or above the statement's time counts it, up to +Inf.
    const buckets = first.filter((s) => s.name === 'overlook_query_duration_seconds_bucket' && s.labels.dialect === 'duckdb' && s.labels.outcome === 'ok');
    expect(buckets.map((s) => s.labels.le)).toEqual(['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '30', '60', '300', '+Inf']);
    expect(buckets.map((s) => s.value)).toEqual([...buckets.map((s) => s.value)].sort((a, b) => a - b));
    expect(buckets.at(-1)?.value).toBe(valueOf(first, 'overlook_query_duration_seconds_count', statement));
    expect(valueOf(first, 'overlook_cache_misses_total', { cache: 'result' }) - valueOf(before, 'overlook_cache_misses_total', { cache: 'result' })).toBe(1);
    expect(valueOf(first, 'overlook_cache_misses_total', { cache: 'compiled_sql' }) - valueOf(before, 'overlook_cache_misses_total', { cache: 'compiled_sql' })).toBe(1);

    await ok('POST', '/api/4.0/queries/run/json', body);
    const second = await scrape();
    const delta = (name: string, cache: string): number => valueOf(second, name, { cache }) - valueOf(first, name, { cache });
    expect(delta('overlook_cache_hits_total', 'result')).toBe(1);
    expect(delta('overlook_cache_misses_total', 'result')).toBe(0);
    expect(delta('overlook_cache_hits_total', 'compiled_sql')).toBe(1);
    expect(delta('overlook_cache_hits_total', 'model')).toBeGreaterThanOrEqual(1);
    expect(delta('overlook_cache_misses_total', 'model')).toBe(0);
    // A result cache hit runs no statement.
    expect(valueOf(second, 'overlook_query_duration_seconds_count', statement)).toBe(valueOf(first, 'overlook_query_duration_seconds_count', statement));

    // The model's production content was loaded for production callers: one workspace of project shop.
    expect(valueOf(second, 'overlook_model_cache_workspaces', { project: 'shop', kind: 'production' })).toBe(1);
    expect(valueOf(second, 'overlook_model_cache_bytes', { project: 'shop', kind: 'production' })).toBeGreaterThan(0);
  });

  it('labels a statement the database refused with why it failed', async () => {
    const failed = { dialect: 'duckdb', outcome: 'database' };
    const before = valueOf(await scrape(), 'overlook_query_duration_seconds_count', failed);
    const res = await call('POST', '/api/4.0/queries/run/json', { model: 'shop', view: 'broken', fields: ['broken.x'] });
    expect(res.status).toBe(200);
    expect(JSON.stringify(await res.json())).toContain('no_such_table');
    expect(valueOf(await scrape(), 'overlook_query_duration_seconds_count', failed) - before).toBe(1);
  });

  it('reports the task queues from the DB at scrape time', async () => {
    const initial = await scrape();
    for (const queue of ['query_tasks', 'render_tasks']) {
      for (const state of ['waiting', 'running']) expect(valueOf(initial, 'overlook_task_queue_depth', { queue, state })).toBe(0);
    }
    const query = (await ok('POST', '/api/4.0/queries', { model: 'shop', view: 'orders', fields: ['orders.count'] })) as { id: string };
    const me = (await ok('GET', '/api/4.0/user')) as { id: string };
    // Tasks another node holds (lease in the future), so this node's task runner leaves them alone.
    const lease = new Date(Date.now() + 3600_000).toISOString();
    const row = (id: string, status: string) => ({
      id, user_id: Number(me.id), query_id: Number(query.id), result_format: 'json', workspace_id: 'production', source: null, status,
      node_id: 'another-node', lease_until: lease, sql: null, connection_name: null, dialect: null, result: null, content_type: null,
      message: null, runtime: null, created_at: new Date().toISOString(), started_at: null, completed_at: null,
    });
    await store.db.insertInto('query_tasks').values([row('obs-1', 'added'), row('obs-2', 'added'), row('obs-3', 'running'), row('obs-4', 'complete')]).execute();
    try {
      const now = await scrape();
      expect(valueOf(now, 'overlook_task_queue_depth', { queue: 'query_tasks', state: 'waiting' })).toBe(2);
      expect(valueOf(now, 'overlook_task_queue_depth', { queue: 'query_tasks', state: 'running' })).toBe(1);
      expect(valueOf(now, 'overlook_task_queue_depth', { queue: 'render_tasks', state: 'waiting' })).toBe(0);
    } finally {
      await store.db.deleteFrom('query_tasks').where('id', 'like', 'obs-%').execute();
    }
  });

  it('records render durations told by the render worker', async () => {
    api.renderer.worker.onFinished?.(3.5, 'success', 'pdf');
    api.renderer.worker.onFinished?.(0.7, 'failure', 'png');
    const samples = await scrape();
    expect(valueOf(samples, 'overlook_render_duration_seconds_count', { format: 'pdf', outcome: 'success' })).toBe(1);
    expect(valueOf(samples, 'overlook_render_duration_seconds_sum', { format: 'pdf', outcome: 'success' })).toBe(3.5);
    expect(valueOf(samples, 'overlook_render_duration_seconds_bucket', { format: 'png', outcome: 'failure', le: '1' })).toBe(1);
  });

  it('keeps each app in its own registry', async () => {
    const other = new Metrics();
    other.statement(1, 'duckdb', 'ok');
    expect(other.registry).not.toBe(api.metrics.registry);
    const mine = parseMetrics(await other.registry.metrics()).samples;
    expect(valueOf(mine, 'overlook_query_duration_seconds_count', { dialect: 'duckdb', outcome: 'ok' })).toBe(1);
    expect(valueOf(mine, 'overlook_http_requests_total', { route: '/healthz' })).toBe(0);
    const json = await api.metrics.registry.getMetricsAsJSON();
    const requests = json.find((m) => m.name === 'overlook_http_request_duration_seconds');
    expect(requests?.type).toBe('histogram');
    expect(requests?.values.find((v) => v.labels.route === '/healthz' && v.labels.le === '+Inf')?.value).toBeGreaterThanOrEqual(1);
    // Process metrics are shared: the same process in every registry.
    expect(valueOf(mine, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });
});

describe('readiness failures', () => {
  it('/readyz answers 503 naming the project whose mirror directory is gone', async () => {
    const repo = api.workspaces.core.repos.opened('shop');
    expect(repo).toBeDefined();
    await rm(repo?.dir ?? '', { recursive: true, force: true });
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { status: string; failed: string[]; checks: { name: string; ok: boolean; message?: string }[] };
    expect(body.status).toBe('unavailable');
    expect(body.failed).toEqual(['git:shop']);
    expect(body.checks.find((c) => c.name === 'git:shop')?.message).toBe(`the mirror directory ${repo?.dir ?? ''} is missing`);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('/readyz answers 503 naming the database once it is closed; /healthz still 200', async () => {
    await store.close();
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { failed: string[]; checks: { name: string; ok: boolean; message?: string }[] };
    expect(body.failed).toContain('database');
    expect(body.checks[0]).toMatchObject({ name: 'database', ok: false });
    expect(body.checks[0]?.message).toEqual(expect.any(String));
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    // Queue depths have no samples rather than stale ones; the scrape itself still works.
    const samples = await scrape();
    expect(samples.filter((s) => s.name === 'overlook_task_queue_depth')).toEqual([]);
  });
});
