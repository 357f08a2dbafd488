/**
 * `npm run bench`: Overlook against its peers, each comparison side by side in one run.
 *
 * Writes the synthetic project and makes sure the demo database exists, then runs every task
 * in its own child process, one after another (never in parallel: the sides must not compete
 * for the cores), and prints the markdown report and writes it to bench/out/results.md. The API
 * tasks each start their server in one more child process (bench/api-server.ts); the workspace
 * tasks make their own git remotes and stores in temp dirs; the query tasks do both (a server with
 * a deployed project over a DuckDB file generated per run).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDemoDatabase } from '../src/connections/demo-data.ts';
import { RESULT_PREFIX } from './protocol.ts';
import type {
  ApiResult, CompileResult, ParseOverlookResult, ParsePeerResult, QueriesInlineResult, QueriesIsolationResult, QueriesSqlResult, RunResult, TaskFailure, TaskName, TaskResult,
  WorkspacesBranchesResult, WorkspacesUsersResult,
} from './protocol.ts';
import { renderReport } from './report.ts';
import { runClusterBench } from './cluster.ts';
import { runRenderBench } from './render.ts';
import { generateProject } from './synthetic.ts';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH_DIR);
const OUT_DIR = join(BENCH_DIR, 'out');
const SYNTHETIC_DIR = join(OUT_DIR, 'synthetic');
const TASK_TIMEOUT_MS = 150_000;
/** Node flags a task needs beyond the orchestrator's own (the heap measurement calls `global.gc()`). */
const TASK_NODE_FLAGS: Partial<Record<TaskName, readonly string[]>> = { 'workspaces-users': ['--expose-gc'] };

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

function writeSynthetic(): void {
  rmSync(SYNTHETIC_DIR, { recursive: true, force: true });
  for (const file of generateProject()) {
    const path = join(SYNTHETIC_DIR, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.text);
  }
}

function runWorker(task: TaskName, ...args: string[]): TaskResult | TaskFailure {
  log(`${task}…`);
  const started = performance.now();
  const child = spawnSync(process.execPath, [...process.execArgv, ...(TASK_NODE_FLAGS[task] ?? []), join(BENCH_DIR, 'worker.ts'), task, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: TASK_TIMEOUT_MS,
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = child.stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
  log(`${task} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (line === undefined) {
    const why = child.error ? child.error.message : `exit ${String(child.status ?? child.signal)}`;
    return { task, error: `no result from the worker (${why})` };
  }
  return JSON.parse(line.slice(RESULT_PREFIX.length)) as TaskResult | TaskFailure;
}

/** Narrow a worker's answer to the result its task produces. */
function expect<T extends TaskResult>(r: TaskResult | TaskFailure, task: T['task']): T | TaskFailure {
  if ('error' in r || r.task !== task) return 'error' in r ? r : { task: r.task, error: `unexpected result for ${task}` };
  return r as T;
}

function packageVersion(name: string): string {
  try {
    const text = readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8');
    const parsed = JSON.parse(text) as { version?: unknown };
    return typeof parsed.version === 'string' ? parsed.version : '?';
  } catch {
    return '?';
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  // Before any task runs, so it is the machine's own load, not the bench's.
  const load = loadavg().map((l) => l.toFixed(2)).join(', ');
  mkdirSync(OUT_DIR, { recursive: true });
  writeSynthetic();
  const database = await ensureDemoDatabase(log);
  const parseOverlook = expect<ParseOverlookResult>(runWorker('parse-overlook', SYNTHETIC_DIR), 'parse-overlook');
  const parsePeer = expect<ParsePeerResult>(runWorker('parse-peer', SYNTHETIC_DIR), 'parse-peer');
  const compileOverlook = expect<CompileResult>(runWorker('compile-overlook', database), 'compile-overlook');
  const compileMalloy = expect<CompileResult>(runWorker('compile-malloy', database), 'compile-malloy');
  const malloySqlFile = join(OUT_DIR, 'malloy.sql');
  rmSync(malloySqlFile, { force: true });
  if (!('error' in compileMalloy)) writeFileSync(malloySqlFile, compileMalloy.sql);
  const run = expect<RunResult>(
    runWorker('run-duckdb', database, ...('error' in compileMalloy ? [] : [malloySqlFile])),
    'run-duckdb',
  );
  // Two rounds a side in ABBA order, so a change in the machine's load during the minute this
  // takes hits both sides alike; the report keeps the better round of each.
  const apiOverlook: (ApiResult | TaskFailure)[] = [];
  const apiBare: (ApiResult | TaskFailure)[] = [];
  for (const task of ['api-overlook', 'api-bare', 'api-bare', 'api-overlook'] as const) {
    (task === 'api-overlook' ? apiOverlook : apiBare).push(expect<ApiResult>(runWorker(task), task));
  }
  const workspacesBranches = expect<WorkspacesBranchesResult>(runWorker('workspaces-branches'), 'workspaces-branches');
  const workspacesUsers = expect<WorkspacesUsersResult>(runWorker('workspaces-users'), 'workspaces-users');
  const queriesInline = expect<QueriesInlineResult>(runWorker('queries-inline'), 'queries-inline');
  const queriesSql = expect<QueriesSqlResult>(runWorker('queries-sql'), 'queries-sql');
  const queriesIsolation = (['sqlite', 'postgres'] as const).map((store) => expect<QueriesIsolationResult>(runWorker('queries-isolation', store), 'queries-isolation'));
  const render = runRenderBench(log);
  const cluster = runClusterBench(log);
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const report = renderReport(
    { parseOverlook, parsePeer, compileOverlook, compileMalloy, run, apiOverlook, apiBare, workspacesBranches, workspacesUsers, queriesInline, queriesSql, queriesIsolation },
    {
      date: new Date().toISOString().slice(0, 10),
      node: process.versions.node,
      cpu,
      cores: cpus().length,
      load,
      platform: `${platform()} ${release()}`,
      versions: {
        'lookml-parser': packageVersion('lookml-parser'),
        '@malloydata/malloy': packageVersion('@malloydata/malloy'),
        '@duckdb/node-api': packageVersion('@duckdb/node-api'),
        fastify: packageVersion('fastify'),
        autocannon: packageVersion('autocannon'),
      },
      elapsedS: (performance.now() - started) / 1000,
    },
  );
  writeFileSync(join(OUT_DIR, 'results.md'), `${report}\n${render}\n${cluster}`);
  process.stdout.write(`${report}\n${render}\n${cluster}`);
  log(`wrote ${join(OUT_DIR, 'results.md')}`);
}

await main();
