/**
 * The `cluster` benchmark (issue 10) for `npm run bench`: runs bench/cluster-task.ts in its own
 * process and formats its result as a markdown section of the report.
 *
 * Standalone: `node --import tsx bench/cluster.ts` prints the section.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';
import type { ClusterBenchResult } from './cluster-task.ts';
import { RESULT_PREFIX } from './protocol.ts';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const TIMEOUT_MS = 240_000;

export function clusterSection(r: ClusterBenchResult | { error: string }): string {
  const lines = ['## Cluster (issue 10)', ''];
  if ('error' in r) return [...lines, `The cluster benchmark failed: ${r.error}`, ''].join('\n');
  const added = r.postgresMs.p50 - r.sqliteMs.p50;
  lines.push(
    'Real `overlook serve` processes on one PostgreSQL (metadata) and one git remote, querying a PostgreSQL warehouse table:',
    '`POST /queries/run/json` of a one-row query. Everything — nodes, PostgreSQL, the load generator — shares this',
    `machine's ${cpus().length} cores, so more nodes cannot add CPU here; on separate machines each node brings its own.`,
    '',
    '| metadata store (one node, sequential, cache=false) | p50 | p95 | p99 |',
    '|---|---|---|---|',
    `| SQLite (embedded) | ${r.sqliteMs.p50.toFixed(2)} ms | ${r.sqliteMs.p95.toFixed(2)} ms | ${r.sqliteMs.p99.toFixed(2)} ms |`,
    `| PostgreSQL | ${r.postgresMs.p50.toFixed(2)} ms | ${r.postgresMs.p95.toFixed(2)} ms | ${r.postgresMs.p99.toFixed(2)} ms |`,
    `| added by PostgreSQL metadata | ${added >= 0 ? '+' : ''}${added.toFixed(2)} ms | | |`,
    '',
    '| nodes | result cache | connections | req/s | vs 1 node | mean latency | node CPU per request | machine busy | errors |',
    '|---|---|---|---|---|---|---|---|---|',
  );
  for (const t of r.throughput) {
    const one = r.throughput.find((x) => x.nodes === 1 && x.cached === t.cached);
    const ratio = one && one.perSecond > 0 ? `${(t.perSecond / one.perSecond).toFixed(2)}×` : '–';
    const cpu = t.nodeCpuMsPerRequest === null ? '–' : `${t.nodeCpuMsPerRequest.toFixed(2)} ms`;
    const busy = t.machineBusy === null ? '–' : `${Math.round(t.machineBusy * 100)}%`;
    lines.push(`| ${t.nodes} | ${t.cached ? 'on' : 'off (warehouse query each time)'} | ${t.connections} | ${t.perSecond.toFixed(0)} | ${ratio} | ${t.latencyMs.toFixed(1)} ms | ${cpu} | ${busy} | ${t.errors} |`);
  }
  lines.push('');
  return lines.join('\n');
}

/** Runs the benchmark process and returns the report section (a failure is reported, not thrown). */
export function runClusterBench(log: (message: string) => void): string {
  log('cluster…');
  const started = performance.now();
  const child = spawnSync(process.execPath, [...process.execArgv, join(BENCH_DIR, 'cluster-task.ts')], {
    cwd: dirname(BENCH_DIR), encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024,
  });
  log(`cluster done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const line = child.stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
  if (line === undefined) return clusterSection({ error: `no result from the cluster benchmark (${child.error ? child.error.message : `exit ${String(child.status ?? child.signal)}`})` });
  return clusterSection(JSON.parse(line.slice(RESULT_PREFIX.length)) as ClusterBenchResult | { error: string });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(runClusterBench((m) => { process.stderr.write(`[bench] ${m}\n`); }));
}
