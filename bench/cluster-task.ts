/**
 * The `cluster` benchmark (issue 10), run in its own process by bench/cluster.ts:
 *
 *   node --import tsx bench/cluster-task.ts
 *
 * Real `overlook serve` processes (bin/overlook.js) on one PostgreSQL (scripts/pg-test.sh starts a
 * throwaway one unless OVERLOOK_TEST_PG_URL names one) and one git remote, querying a PostgreSQL
 * warehouse table every node reaches:
 *
 * - metadata: the added latency of PostgreSQL metadata against SQLite per request. One node on each
 *   (same warehouse, same query, same project), requests alternating between them one at a time, so
 *   drift hits both alike; `POST /queries/run/json` with `cache=false` (a one-row warehouse query).
 * - throughput: the same request from autocannon with 1, 2 and 3 nodes up (connections split
 *   evenly), and with the result cache on (per-node API work, no warehouse round trip), after every
 *   node was warmed up; with the CPU time of the node processes per request and how busy the whole
 *   machine was (on 2 cores, more nodes cannot add CPU: the table shows where it goes).
 *
 * Prints one `BENCH_RESULT {json}` line (ClusterBenchResult).
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import type { AutocannonResult } from 'autocannon';
import pg from 'pg';
import { makeRemote } from '../src/workspaces/git/test-helpers.ts';
import { ServerProcess } from '../test/e2e/server-process.ts';
import { startPostgres } from './postgres.ts';
import { RESULT_PREFIX } from './protocol.ts';
import { summarize, type Summary } from './stats.ts';

export interface ClusterThroughput {
  readonly nodes: number;
  readonly cached: boolean;
  readonly connections: number;
  readonly perSecond: number;
  readonly latencyMs: number;
  readonly errors: number;
  /** CPU time of the Overlook processes per answered request (ms). */
  readonly nodeCpuMsPerRequest: number | null;
  /** Share of the machine's CPU time that was busy during the round (0–1), every process included. */
  readonly machineBusy: number | null;
}

export interface ClusterBenchResult {
  readonly task: 'cluster';
  /** Sequential request latency with SQLite and PostgreSQL metadata (ms). */
  readonly sqliteMs: Summary;
  readonly postgresMs: Summary;
  readonly throughput: readonly ClusterThroughput[];
}

const ADMIN = {
  OVERLOOK_ADMIN_EMAIL: 'bench@example.com', OVERLOOK_ADMIN_PASSWORD: 'bench password 123',
  OVERLOOK_ADMIN_CLIENT_ID: 'benchcluster', OVERLOOK_ADMIN_CLIENT_SECRET: 'bench-cluster-secret-0123456789',
};
const LATENCY = { warmup: 200, iterations: 1500 } as const;
const CONNECTIONS = 12;
const DURATION_S = 4;
const WARMUP_S = 3;
const QUERY = { model: 'shop', view: 'orders', fields: ['orders.status', 'orders.count'], filters: { 'orders.id': '7' } };

/** Linux's USER_HZ, the unit of /proc CPU times (100 on every mainstream build). */
const TICK_MS = 10;

/** CPU time (user + system) a process has used so far, in ms; null where /proc is missing. */
function processCpuMs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    // Fields after the command name (which may contain spaces) start at ") ".
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return null;
  }
}

/** Busy and total CPU ticks of the whole machine so far; null where /proc is missing. */
function machineTicks(): { busy: number; total: number } | null {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
    const total = cpu.reduce((a, b) => a + b, 0);
    const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

function progress(message: string): void {
  process.stderr.write(`[bench] cluster: ${message}\n`);
}

async function login(node: ServerProcess): Promise<string> {
  const res = await fetch(`${node.url}/api/4.0/login`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `client_id=${ADMIN.OVERLOOK_ADMIN_CLIENT_ID}&client_secret=${ADMIN.OVERLOOK_ADMIN_CLIENT_SECRET}`,
  });
  if (res.status !== 200) throw new Error(`login on ${node.url}: ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

async function call(node: ServerProcess, token: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${node.url}/api/4.0${path}`, {
    method, headers: { authorization: `token ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path} on ${node.url}: ${res.status} ${text}`);
  return text === '' ? null : JSON.parse(text);
}

/** Connection, project and deploy through `node` (its metadata store decides where they live). */
async function setUp(node: ServerProcess, pgUrl: string, remote: string): Promise<string> {
  const token = await login(node);
  const u = new URL(pgUrl);
  await call(node, token, 'POST', '/connections', {
    name: 'warehouse', dialect_name: 'postgres', host: u.hostname, port: u.port, database: u.pathname.slice(1),
    username: decodeURIComponent(u.username), password: decodeURIComponent(u.password),
  });
  await call(node, token, 'PATCH', '/session', { workspace_id: 'dev' });
  await call(node, token, 'POST', '/projects', { name: 'shop', git_remote_url: remote });
  await call(node, token, 'POST', '/projects/shop/deploy_ref_to_production?branch=main');
  return login(node);
}

function cannon(url: string, token: string, connections: number, cached: boolean, duration = DURATION_S): Promise<AutocannonResult> {
  return new Promise((resolve, reject) => {
    autocannon({
      url, connections, duration,
      requests: [{ method: 'POST', path: `/api/4.0/queries/run/json${cached ? '' : '?cache=false'}`, headers: { authorization: `token ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(QUERY) }],
    }, (error, result) => { if (error) reject(error); else resolve(result); });
  });
}

async function main(): Promise<ClusterBenchResult> {
  const postgres = startPostgres();
  const root = await mkdtemp(join(tmpdir(), 'overlook-bench-cluster-'));
  const client = new pg.Client({ connectionString: postgres.url });
  await client.connect();
  const nodes: ServerProcess[] = [];
  try {
    const schema = `bench_cluster_${process.pid}`;
    const warehouse = `${schema}_wh`;
    for (const s of [schema, warehouse]) {
      await client.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
      await client.query(`CREATE SCHEMA ${s}`);
    }
    await client.query(`CREATE TABLE ${warehouse}.orders AS SELECT i AS id, CASE i % 3 WHEN 0 THEN 'complete' WHEN 1 THEN 'pending' ELSE 'cancelled' END AS status FROM generate_series(1, 1000) AS t(i)`);
    await client.query(`ALTER TABLE ${warehouse}.orders ADD PRIMARY KEY (id)`);
    await mkdir(join(root, 'remote'));
    const remote = await makeRemote(join(root, 'remote'), {
      'shop.model.lkml': 'connection: "warehouse"\ninclude: "*.view.lkml"\nexplore: orders {}\n',
      'orders.view.lkml': `view: orders {\n  sql_table_name: ${warehouse}.orders ;;\n  dimension: id { primary_key: yes type: number sql: \${TABLE}.id ;; }\n  dimension: status { type: string sql: \${TABLE}.status ;; }\n  measure: count { type: count }\n}\n`,
    });
    const metadata = new URL(postgres.url);
    metadata.searchParams.set('options', `-c search_path=${schema}`);
    const quiet = { OVERLOOK_RENDER_CONCURRENCY: '1' };
    const sqliteNode = await ServerProcess.create(join(root, 'sqlite'), { ...ADMIN, ...quiet, OVERLOOK_DATABASE_URL: '' });
    const pgNodes = await Promise.all([0, 1, 2].map((i) => ServerProcess.create(join(root, `node-${i}`), { ...ADMIN, ...quiet, OVERLOOK_DATABASE_URL: metadata.toString() })));
    nodes.push(sqliteNode, ...pgNodes);
    progress('starting a SQLite node and three PostgreSQL nodes');
    await Promise.all(nodes.map((n) => n.start()));
    const sqliteToken = await setUp(sqliteNode, postgres.url, remote);
    const pgToken = await setUp(pgNodes[0]!, postgres.url, remote);
    const tokens = [pgToken, ...(await Promise.all(pgNodes.slice(1).map((n) => login(n))))];

    // Metadata latency: alternate the two nodes request by request.
    const sides = [{ node: sqliteNode, token: sqliteToken, samples: [] as number[] }, { node: pgNodes[0]!, token: pgToken, samples: [] as number[] }];
    for (let i = 0; i < LATENCY.warmup + LATENCY.iterations; i++) {
      for (const side of i % 2 === 0 ? sides : [...sides].reverse()) {
        const started = performance.now();
        await call(side.node, side.token, 'POST', '/queries/run/json?cache=false', QUERY);
        if (i >= LATENCY.warmup) side.samples.push(performance.now() - started);
      }
    }
    const sqliteMs = summarize(sides[0]!.samples);
    const postgresMs = summarize(sides[1]!.samples);
    progress(`per request p50: SQLite ${sqliteMs.p50.toFixed(2)} ms, PostgreSQL ${postgresMs.p50.toFixed(2)} ms`);
    await sqliteNode.stop();

    // Every node warm (JIT, pools, caches) before any round counts: a cold node spends twice the CPU.
    progress('warming up every node');
    for (const cached of [false, true]) await Promise.all(pgNodes.map((n, i) => cannon(n.url, tokens[i]!, 2, cached, WARMUP_S)));

    const throughput: ClusterThroughput[] = [];
    for (const cached of [false, true]) {
      for (const count of [1, 2, 3]) {
        const per = Math.floor(CONNECTIONS / count);
        const cpu = (): number | null => {
          const each = pgNodes.slice(0, count).map((n) => processCpuMs(n.child?.pid));
          return each.some((v) => v === null) ? null : each.reduce((a: number, b) => a + (b ?? 0), 0);
        };
        const cpuBefore = cpu();
        const ticksBefore = machineTicks();
        const results = await Promise.all(pgNodes.slice(0, count).map((n, i) => cannon(n.url, tokens[i]!, per, cached)));
        const cpuAfter = cpu();
        const ticksAfter = machineTicks();
        const perSecond = results.reduce((sum, r) => sum + r['2xx'] / r.duration, 0);
        const latencyMs = results.reduce((sum, r) => sum + r.latency.average, 0) / results.length;
        const errors = results.reduce((sum, r) => sum + r.errors + r.non2xx + r.timeouts, 0);
        const answered = results.reduce((sum, r) => sum + r['2xx'], 0);
        const nodeCpuMsPerRequest = cpuBefore === null || cpuAfter === null || answered === 0 ? null : (cpuAfter - cpuBefore) / answered;
        const machineBusy = ticksBefore === null || ticksAfter === null ? null : (ticksAfter.busy - ticksBefore.busy) / Math.max(1, ticksAfter.total - ticksBefore.total);
        throughput.push({ nodes: count, cached, connections: per * count, perSecond, latencyMs, errors, nodeCpuMsPerRequest, machineBusy });
        progress(`${count} node(s), cache ${cached ? 'on' : 'off'}: ${perSecond.toFixed(0)} req/s, node CPU ${nodeCpuMsPerRequest?.toFixed(2) ?? '?'} ms/request, machine ${machineBusy === null ? '?' : Math.round(machineBusy * 100)}% busy`);
      }
    }
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.query(`DROP SCHEMA IF EXISTS ${warehouse} CASCADE`);
    return { task: 'cluster', sqliteMs, postgresMs, throughput };
  } finally {
    await Promise.all(nodes.map((n) => n.stop()));
    await client.end();
    postgres.stop();
    await rm(root, { recursive: true, force: true });
  }
}

try {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(await main())}\n`);
} catch (error) {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify({ task: 'cluster', error: error instanceof Error ? error.message : String(error) })}\n`);
}
process.exit(0);
