/**
 * Comparison 6 (issue 5): queries through the Looker API.
 *
 * `queries-inline`: `run_inline_query` (result format `json`, `cache=false`) end to end over HTTP
 * against `overlook serve` in its own process, against the very SQL that `POST /queries/run/sql`
 * answered, run directly with `@duckdb/node-api` in this process on the same DuckDB file (both
 * sides open it read-only). Two queries: a GROUP BY over a generated 10M-row table, and a one-row
 * query on a one-row table (where only the per-request cost shows), and a third side, the floor of
 * any HTTP + JSON server (bench/api-server.ts `duckdb`). Each iteration runs every side once, in
 * all six orders by turns, so drift and whatever one side leaves behind hit every side alike.
 *
 * `queries-sql`: throughput of `POST /queries/run/sql` (compile only, no database) for the
 * compile benchmark's thelook query and for the 3-field aggregate (little to compile, so the
 * per-request cost shows), against a bare Fastify route that parses the same JSON body and answers
 * the same SQL text; autocannon as in bench/tasks/api.ts, rounds in ABBA order.
 *
 * Both record the server process's CPU time (from /proc) next to wall time and req/s: on a machine
 * busy with other work, CPU per request moves far less than latency or throughput.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import autocannon from 'autocannon';
import type { AutocannonRequest, AutocannonResult } from 'autocannon';
import { makeRemote } from '../../src/workspaces/git/test-helpers.ts';
import type { HttpLoad, InlineQueryCase, QueriesInlineResult, QueriesSqlResult, SqlRound, SqlThroughput } from '../protocol.ts';
import { startServer as startBase, type ServerProcess as BaseServer } from '../server-process.ts';
import { summarize } from '../stats.ts';
import { LOOKER_QUERY, LOOKML_FILES } from '../thelook.ts';
import { API_CONNECTIONS, API_PIPELINING } from './api.ts';

const BIG_ROWS = 10_000_000;
/**
 * The aggregate's p50s need many runs: on this shared 2-core VM the ratio of p50s over 40 runs moved
 * between 1.03 and 1.11 from one run of the task to the next for the same build, over 150 runs
 * between 1.033 and 1.058 (one outlier 1.10); 400 narrow that further. Each iteration runs all
 * three sides (≈ 3 × 35 ms).
 */
const AGGREGATE = { warmup: 3, iterations: 400, budgetMs: 60_000, minIterations: 100 } as const;
/**
 * Every order of the three sides (indexes into the sides: Overlook, direct, floor), chained so each
 * order starts with the side the one before ended with. Then every side follows every side (itself
 * included) equally often: twice per cycle. What a side leaves behind (DuckDB threads winding down,
 * cold caches in the other processes) thus falls on every side alike; in the plain listing of the
 * six orders Overlook followed the direct side three times per cycle and the floor only twice.
 */
const ORDERS: readonly (readonly (0 | 1 | 2)[])[] = [[0, 1, 2], [2, 1, 0], [0, 2, 1], [1, 0, 2], [2, 0, 1], [1, 2, 0]];
const TRIVIAL = { warmup: 200, iterations: 3000, budgetMs: 4_000, minIterations: 500 } as const;
/** Shorter than bench/tasks/api.ts's rounds: eight rounds must fit the task's share of the time budget. */
const SQL_WARMUP_S = 1;
const SQL_DURATION_S = 3;


const BENCH_MODEL = `connection: "bench"
include: "/bench/*.view.lkml"
explore: big {}
explore: tiny {}
`;
const BIG_VIEW = `view: big {
  sql_table_name: main.big ;;
  dimension: i { primary_key: yes type: number sql: \${TABLE}.i ;; }
  dimension: k { type: number sql: \${TABLE}.k ;; }
  dimension: v { type: number sql: \${TABLE}.v ;; }
  measure: count { type: count }
  measure: total_v { type: sum sql: \${TABLE}.v ;; }
}
`;
const TINY_VIEW = `view: tiny {
  sql_table_name: main.tiny ;;
  dimension: id { primary_key: yes type: number sql: \${TABLE}.id ;; }
  dimension: label { type: string sql: \${TABLE}.label ;; }
  measure: count { type: count }
}
`;

interface QueryBody {
  readonly model: string;
  readonly view: string;
  readonly fields: readonly string[];
  readonly sorts?: readonly string[];
  readonly filters?: Readonly<Record<string, string>>;
  readonly limit?: string;
}

/** 1,000 groups of 10,000 rows each. */
const AGGREGATE_QUERY: QueryBody = { model: 'bench', view: 'big', fields: ['big.k', 'big.count', 'big.total_v'], sorts: ['big.k'], limit: '1000' };
const TRIVIAL_QUERY: QueryBody = { model: 'bench', view: 'tiny', fields: ['tiny.label', 'tiny.count'] };
/** bench/thelook.ts's compile query (10 fields, 3 joins, 4 filters) as an API body. */
const THELOOK_QUERY: QueryBody = {
  model: LOOKER_QUERY.model, view: LOOKER_QUERY.view, fields: LOOKER_QUERY.fields,
  ...(LOOKER_QUERY.filters ? { filters: LOOKER_QUERY.filters } : {}),
  ...(LOOKER_QUERY.sorts ? { sorts: LOOKER_QUERY.sorts } : {}),
  ...(LOOKER_QUERY.limit === undefined ? {} : { limit: String(LOOKER_QUERY.limit) }),
};

const taskStarted = performance.now();

/** Progress on stderr (the orchestrator passes it through), so a slow phase shows where the time went. */
function progress(message: string): void {
  process.stderr.write(`[bench] queries: ${message} at ${((performance.now() - taskStarted) / 1000).toFixed(1)} s\n`);
}

/** Linux's USER_HZ, the unit of /proc/<pid>/stat's CPU times (100 on every mainstream build). */
const CLOCK_TICKS_PER_S = 100;

/** CPU time (user + system, every thread) a process has used so far, in ms; null where /proc is missing. */
function processCpuMs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15 of the file.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S;
  } catch {
    return null;
  }
}

function ownCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

interface ServerProcess extends BaseServer {
  /** The server process's CPU time so far (ms), null where it cannot be read. */
  cpuMs(): number | null;
}

async function startServer(args: readonly string[], env: NodeJS.ProcessEnv): Promise<ServerProcess> {
  const server = await startBase(args, env);
  return { ...server, cpuMs: () => processCpuMs(server.pid) };
}

interface Answer {
  readonly status: number;
  readonly text: string;
}

/** One setup call on the Looker API (outside any timing). */
async function call(url: string, method: string, path: string, token: string | null, body?: unknown): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `token ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${url}/api/4.0${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: res.status, text: await res.text() };
}

async function ok(answer: Promise<Answer>, what: string): Promise<string> {
  const a = await answer;
  if (a.status >= 300) throw new Error(`${what} answered ${a.status} ${a.text.slice(0, 300)}`);
  return a.text;
}

/** The running server with the bench project deployed to production, and a production token. */
export interface BenchServer {
  readonly url: string;
  readonly server: ServerProcess;
  readonly token: string;
  readonly duckPath: string;
  close(): Promise<void>;
}

/** A DuckDB file with `big` (`bigRows` rows) and the one-row `tiny`; returns the ms it took. */
async function generateData(duckPath: string, bigRows: number): Promise<number> {
  const started = performance.now();
  const instance = await DuckDBInstance.create(duckPath, { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
  const conn = await instance.connect();
  try {
    await conn.run(`CREATE TABLE big AS SELECT i, i % 1000 AS k, random() AS v FROM range(${bigRows}) t(i)`);
    await conn.run(`CREATE TABLE tiny AS SELECT 1 AS id, 'one' AS label`);
    await conn.run('CHECKPOINT');
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  return performance.now() - started;
}

/**
 * The server with the bench project (plus `extraFiles`) deployed to production over a DuckDB file with
 * `bigRows` rows in `big`; `databaseUrl` puts its metadata in PostgreSQL instead of SQLite.
 */
export async function startBench(bigRows: number, extraFiles: Readonly<Record<string, string>> = {}, databaseUrl?: string): Promise<BenchServer & { readonly generateMs: number }> {
  const root = await mkdtemp(join(tmpdir(), 'overlook-bench-q-'));
  const stops: (() => Promise<void>)[] = [() => rm(root, { recursive: true, force: true })];
  const close = async (): Promise<void> => {
    for (const stop of stops.splice(0).reverse()) await stop();
  };
  try {
    const clientId = `bench-${randomBytes(8).toString('hex')}`;
    const clientSecret = randomBytes(24).toString('base64url');
    // The server starts while the data is generated: the two are independent and both take seconds.
    const starting = startServer(['overlook', join(root, 'data')], {
      ...process.env, OVERLOOK_ADMIN_CLIENT_ID: clientId, OVERLOOK_ADMIN_CLIENT_SECRET: clientSecret, OVERLOOK_DATABASE_URL: databaseUrl ?? '',
    });
    starting.catch(() => undefined);
    stops.push(async () => {
      await (await starting.catch(() => undefined))?.stop();
    });
    const duckPath = join(root, 'bench.duckdb');
    const generateMs = await generateData(duckPath, bigRows);
    progress(`${bigRows} rows generated`);
    await mkdir(join(root, 'remote'));
    const remote = await makeRemote(join(root, 'remote'), {
      ...Object.fromEntries(LOOKML_FILES.map((f) => [f.path, f.text])),
      'bench.model.lkml': BENCH_MODEL,
      'bench/big.view.lkml': BIG_VIEW,
      'bench/tiny.view.lkml': TINY_VIEW,
      ...extraFiles,
    });
    const server = await starting;
    progress('server listening');
    const login = await fetch(`${server.url}/api/4.0/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: clientId, client_secret: clientSecret }).toString(),
    });
    const { access_token: token } = (await login.json()) as { access_token?: unknown };
    if (login.status !== 200 || typeof token !== 'string') throw new Error(`login answered ${login.status}`);
    const url = server.url;
    await ok(call(url, 'PATCH', '/session', token, { workspace_id: 'dev' }), 'update_session dev');
    await ok(call(url, 'POST', '/projects', token, { name: 'bench', git_remote_url: remote }), 'create_project');
    await ok(call(url, 'POST', '/projects/bench/deploy_ref_to_production?branch=main', token), 'deploy_ref_to_production');
    await ok(call(url, 'POST', '/connections', token, {
      name: 'bench', dialect_name: 'duckdb', database: duckPath, jdbc_additional_params: 'access_mode=read_only',
    }), 'create_connection');
    // Clients run queries in production; the dev copy was only needed to create the project.
    await ok(call(url, 'PATCH', '/session', token, { workspace_id: 'production' }), 'update_session production');
    progress('project deployed');
    return { url, server, token, duckPath, generateMs, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Keep-alive HTTP/1.1 on one socket, as an SDK client holds it; resolves once the whole body is in. */
function post(agent: Agent, base: URL, path: string, headers: Readonly<Record<string, string>>, body: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      agent, host: base.hostname, port: base.port, path, method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

type Row = Record<string, unknown>;

/** Rows and summed count column, the same text for both sides when they agree. */
function fingerprint(rows: readonly Row[], countKey: (row: Row) => unknown): string {
  const total = rows.reduce((sum, row) => sum + Number(countKey(row)), 0);
  return `${rows.length} rows, Σ count ${total}`;
}

/** The bare Fastify + DuckDB server (api-server.ts `duckdb`): the floor of answering over HTTP with JSON. */
interface Floor {
  readonly base: URL;
  readonly agent: Agent;
}

async function inlineCase(bench: BenchServer, direct: DuckDBConnection, agent: Agent, floorServer: Floor, query: QueryBody, plan: typeof AGGREGATE | typeof TRIVIAL): Promise<InlineQueryCase> {
  const base = new URL(bench.url);
  const headers = { authorization: `token ${bench.token}` };
  const body = JSON.stringify(query);
  const sqlAnswer = await post(agent, base, '/api/4.0/queries/run/sql', headers, body);
  if (sqlAnswer.status !== 200) throw new Error(`run/sql answered ${sqlAnswer.status} ${sqlAnswer.text.slice(0, 300)}`);
  const sql = sqlAnswer.text;
  const countField = query.fields.find((f) => f.endsWith('.count')) ?? '';
  let overlookRows: Row[] = [];
  // Measured once after the runs: the other sides are timed without it.
  let lastBody = '';
  const overlook = async (): Promise<void> => {
    const a = await post(agent, base, '/api/4.0/queries/run/json?cache=false', headers, body);
    if (a.status !== 200) throw new Error(`run_inline_query answered ${a.status} ${a.text.slice(0, 300)}`);
    overlookRows = JSON.parse(a.text) as Row[];
    lastBody = a.text;
  };
  let directRows: Row[] = [];
  let directCpuMs = 0;
  const plain = async (): Promise<void> => {
    const cpu = ownCpuMs();
    directRows = (await direct.runAndReadAll(sql)).getRowObjectsJson();
    directCpuMs += ownCpuMs() - cpu;
  };
  let floorRows: Row[] = [];
  const floorBody = JSON.stringify({ sql });
  const floor = async (): Promise<void> => {
    const a = await post(floorServer.agent, floorServer.base, '/bare/rows', {}, floorBody);
    if (a.status !== 200) throw new Error(`the bare DuckDB route answered ${a.status} ${a.text.slice(0, 300)}`);
    floorRows = JSON.parse(a.text) as Row[];
  };
  const timed = async (fn: () => Promise<void>): Promise<number> => {
    const start = performance.now();
    await fn();
    return performance.now() - start;
  };
  const overlookMs: number[] = [];
  const directMs: number[] = [];
  const ratios: number[] = [];
  const diffs: number[] = [];
  const floorMs: number[] = [];
  const floorDiffs: number[] = [];
  const SIDES = [overlook, plain, floor] as const;
  const deadline = performance.now() + plan.budgetMs;
  let serverCpuStart: number | null = null;
  for (let i = 0; i < plan.warmup + plan.iterations; i++) {
    if (i === plan.warmup) {
      serverCpuStart = bench.server.cpuMs();
      directCpuMs = 0;
    }
    // The three sides take turns in every order (six iterations make a cycle), so no side always runs
    // first, last or right after another one.
    const times = new Map<() => Promise<void>, number>();
    for (const side of ORDERS[i % ORDERS.length]!) times.set(SIDES[side], await timed(SIDES[side]));
    const c = times.get(overlook)!;
    const b = times.get(plain)!;
    const d = times.get(floor)!;
    if (i < plan.warmup) continue;
    overlookMs.push(c);
    directMs.push(b);
    floorMs.push(d);
    ratios.push(c / b);
    diffs.push(c - b);
    floorDiffs.push(c - d);
    if (performance.now() > deadline && overlookMs.length >= plan.minIterations) break;
  }
  const serverCpuEnd = bench.server.cpuMs();
  const serverCpu = serverCpuStart === null || serverCpuEnd === null ? null : (serverCpuEnd - serverCpuStart) / overlookMs.length;
  const directCount = directRows[0] === undefined ? '' : Object.keys(directRows[0])[query.fields.indexOf(countField)] ?? '';
  return {
    fields: query.fields.join(', '),
    sql,
    overlookMs: summarize(overlookMs),
    directMs: summarize(directMs),
    pairedRatio: summarize(ratios),
    pairedDiffMs: summarize(diffs),
    floorMs: summarize(floorMs),
    pairedFloorDiffMs: summarize(floorDiffs),
    cpuMsPerRun: { overlookServer: serverCpu, direct: directCpuMs / directMs.length },
    bodyBytes: Buffer.byteLength(lastBody),
    check: {
      overlook: fingerprint(overlookRows, (r) => r[countField]),
      direct: fingerprint(directRows, (r) => r[directCount]),
      floor: fingerprint(floorRows, (r) => r[directCount]),
    },
  };
}

export async function queriesInline(): Promise<QueriesInlineResult> {
  const bench = await startBench(BIG_ROWS);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const floorAgent = new Agent({ keepAlive: true, maxSockets: 1 });
  let floorServer: ServerProcess | undefined;
  try {
    floorServer = await startServer(['duckdb', bench.duckPath], process.env);
    const floor: Floor = { base: new URL(floorServer.url), agent: floorAgent };
    const instance = await DuckDBInstance.create(bench.duckPath, {
      access_mode: 'READ_ONLY', autoinstall_known_extensions: 'false', autoload_known_extensions: 'false',
    });
    const direct = await instance.connect();
    try {
      // The driver's session setting, so both sides run the identical statement the same way.
      await direct.run(`SET TimeZone = 'UTC'`);
      const aggregate = await inlineCase(bench, direct, agent, floor, AGGREGATE_QUERY, AGGREGATE);
      progress('aggregate done');
      const trivial = await inlineCase(bench, direct, agent, floor, TRIVIAL_QUERY, TRIVIAL);
      progress('one-row query done');
      return { task: 'queries-inline', bigRows: BIG_ROWS, generateMs: bench.generateMs, aggregate, trivial };
    } finally {
      direct.closeSync();
      instance.closeSync();
    }
  } finally {
    agent.destroy();
    floorAgent.destroy();
    await floorServer?.stop();
    await bench.close();
  }
}

function drive(url: string, requests: readonly AutocannonRequest[], durationS: number, latencies?: number[]): Promise<AutocannonResult> {
  return new Promise((resolve, reject) => {
    const options = { url, requests, connections: API_CONNECTIONS, pipelining: API_PIPELINING, duration: durationS, timeout: 10 };
    const instance = autocannon(options, (error, result) => {
      if (error) reject(error);
      else resolve(result);
    });
    if (latencies) instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => latencies.push(ms));
  });
}

async function measure(server: ServerProcess, route: string, request: AutocannonRequest, bodyBytes: number): Promise<SqlRound> {
  await drive(server.url, [request], SQL_WARMUP_S);
  const latencies: number[] = [];
  const cpuStart = server.cpuMs();
  const result = await drive(server.url, [request], SQL_DURATION_S, latencies);
  const cpuEnd = server.cpuMs();
  const load: HttpLoad = {
    route,
    requests: result.requests.total,
    durationS: result.duration,
    perSecond: result.requests.total / result.duration,
    latencyMs: summarize(latencies),
    non2xx: result.non2xx,
    errors: result.errors,
    bodyBytes,
  };
  return { ...load, serverCpuMsPerRequest: cpuStart === null || cpuEnd === null ? null : (cpuEnd - cpuStart) / result.requests.total };
}

/** The queries `queries-sql` compiles: the compile benchmark's, and one with next to nothing to compile. */
const SQL_QUERIES: readonly { readonly label: string; readonly body: QueryBody }[] = [
  { label: 'thelook::order_items: 10 fields, 3 joins, 4 filters (the query of section 2)', body: THELOOK_QUERY },
  { label: 'bench::big: 3 fields, no joins or filters (the aggregate above)', body: AGGREGATE_QUERY },
];

export async function queriesSql(): Promise<QueriesSqlResult> {
  // Compiling needs no data: a table of a few rows keeps the setup short.
  const bench = await startBench(1000);
  try {
    const headers = { authorization: `token ${bench.token}`, 'content-type': 'application/json' };
    const texts: Record<string, string> = {};
    for (const q of SQL_QUERIES) texts[q.body.view] = await ok(call(bench.url, 'POST', '/queries/run/sql', bench.token, q.body), `run/sql ${q.body.view}`);
    const sqlFile = join(dirname(bench.duckPath), 'bare-sql.json');
    writeFileSync(sqlFile, JSON.stringify(texts));
    const bare = await startServer(['bare', sqlFile], process.env);
    try {
      const queries: SqlThroughput[] = [];
      for (const q of SQL_QUERIES) {
        const body = JSON.stringify(q.body);
        const sql = texts[q.body.view] ?? '';
        const bareAnswer = await fetch(`${bare.url}/bare/sql`, { method: 'POST', headers, body });
        const bareText = await bareAnswer.text();
        if (bareAnswer.status !== 200 || bareText !== sql) throw new Error(`POST /bare/sql answered ${bareAnswer.status} ${bareText.slice(0, 200)}`);
        const bytes = Buffer.byteLength(sql);
        const sides = {
          overlook: { server: bench.server, route: 'POST /api/4.0/queries/run/sql', path: '/api/4.0/queries/run/sql' },
          bare: { server: bare, route: 'POST /bare/sql', path: '/bare/sql' },
        } as const;
        const rounds: Record<'overlook' | 'bare', SqlRound[]> = { overlook: [], bare: [] };
        // ABBA, so a change in the machine's load during the run hits both sides alike.
        for (const side of ['overlook', 'bare', 'bare', 'overlook'] as const) {
          const s = sides[side];
          rounds[side].push(await measure(s.server, s.route, { method: 'POST', path: s.path, headers, body }, bytes));
        }
        queries.push({ query: q.label, overlook: rounds.overlook, bare: rounds.bare });
        progress(`run/sql rounds for ${q.body.view} done`);
      }
      return {
        task: 'queries-sql', connections: API_CONNECTIONS, pipelining: API_PIPELINING, warmupS: SQL_WARMUP_S, durationS: SQL_DURATION_S, queries,
      };
    } finally {
      await bare.stop();
    }
  } finally {
    await bench.close();
  }
}
