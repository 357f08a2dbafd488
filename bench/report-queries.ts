/** Markdown for comparison 6 (issue 5's query benchmarks), measured against the issue's targets. */
import { QUERY_TARGETS } from './protocol.ts';
import type { InlineQueryCase, QueriesInlineResult, QueriesIsolationResult, QueriesSqlResult, SqlRound, SqlThroughput, TaskFailure } from './protocol.ts';
import { formatInt, formatMs } from './stats.ts';

export interface QueryResults {
  readonly queriesInline: QueriesInlineResult | TaskFailure;
  readonly queriesSql: QueriesSqlResult | TaskFailure;
  /** One soak per metadata store. */
  readonly queriesIsolation: readonly (QueriesIsolationResult | TaskFailure)[];
}

function failed(r: QueriesInlineResult | QueriesSqlResult | QueriesIsolationResult | TaskFailure): r is TaskFailure {
  return 'error' in r;
}

function failureCell(r: TaskFailure): string {
  return `failed: ${r.error.replaceAll('|', '\\|').slice(0, 160)}`;
}

function verdict(met: boolean): string {
  return met ? 'met' : 'missed';
}

function ratioText(c: InlineQueryCase): string {
  const r = c.overlookMs.p50 / c.directMs.p50;
  const floor = c.floorMs.p50 / c.directMs.p50;
  return `${r.toFixed(3)}× the direct time (${verdict(r <= QUERY_TARGETS.aggregateRatio)}); paired p50 ${c.pairedRatio.p50.toFixed(2)}×; bare Fastify + DuckDB answering the same JSON: ${floor.toFixed(3)}×, Overlook ${signedMs(c.pairedFloorDiffMs.p50)} over it (paired p50)`;
}

function signedMs(ms: number): string {
  return `${ms < 0 ? '−' : '+'}${formatMs(Math.abs(ms))}`;
}

function addedText(c: InlineQueryCase): string {
  const added = c.overlookMs.p50 - c.directMs.p50;
  return `${signedMs(added)} at p50 (${verdict(added <= QUERY_TARGETS.trivialAddedP50Ms)}); paired p50 ${signedMs(c.pairedDiffMs.p50)}`;
}

function sideCell(ms: InlineQueryCase['overlookMs']): string {
  return `${formatMs(ms.p50)} (p95 ${formatMs(ms.p95)})`;
}

/** The round with the most requests per second: the one the rest of the machine disturbed least. */
function best(rounds: readonly SqlRound[]): SqlRound | undefined {
  return rounds.reduce<SqlRound | undefined>((b, l) => (b === undefined || l.perSecond > b.perSecond ? l : b), undefined);
}

function share(o: SqlRound, b: SqlRound): string {
  const s = o.perSecond / b.perSecond;
  const bad = o.non2xx + o.errors + b.non2xx + b.errors;
  return `${(s * 100).toFixed(0)}% of bare (${verdict(s >= QUERY_TARGETS.sqlShareOfBare && bad === 0)})${bad === 0 ? '' : `, ${formatInt(bad)} failed responses`}`;
}

function cpu(ms: number | null): string {
  return ms === null ? 'n/a' : formatMs(ms);
}

/** Server CPU per request of the bare route as a share of Overlook's: throughput at equal CPU. */
function cpuShare(o: SqlRound, b: SqlRound): string {
  if (o.serverCpuMsPerRequest === null || b.serverCpuMsPerRequest === null) return '';
  return `; server CPU per request ${formatMs(o.serverCpuMsPerRequest)} vs ${formatMs(b.serverCpuMsPerRequest)} (${((b.serverCpuMsPerRequest / o.serverCpuMsPerRequest) * 100).toFixed(0)}%)`;
}

function cpuAdded(c: InlineQueryCase): string {
  const o = c.cpuMsPerRun.overlookServer;
  return o === null ? '' : `; CPU per run ${formatMs(o)} (server) vs ${formatMs(c.cpuMsPerRun.direct)}`;
}

function reqPerSecond(l: SqlRound): string {
  return `${formatInt(Math.round(l.perSecond))} req/s`;
}

const TRIVIAL_TARGET = `≤ ${QUERY_TARGETS.trivialAddedP50Ms} ms added at p50`;
const AGGREGATE_TARGET = `≤ ${QUERY_TARGETS.aggregateRatio}×`;
const SQL_TARGET = `≥ ${QUERY_TARGETS.sqlShareOfBare * 100}% of bare`;

export function querySummaryRows(r: QueryResults): string[] {
  const rows: string[] = [];
  const i = r.queriesInline;
  if (failed(i)) {
    rows.push(`| \`run_inline_query\` vs the same SQL on DuckDB | ${failureCell(i)} | | n/a | ${AGGREGATE_TARGET}; ${TRIVIAL_TARGET} |`);
  } else {
    rows.push(`| \`run_inline_query\` end to end, ${formatInt(i.bigRows)}-row GROUP BY (1,000 groups), \`cache=false\` (Overlook over HTTP vs the same SQL on \`@duckdb/node-api\`) | ${sideCell(i.aggregate.overlookMs)} | ${sideCell(i.aggregate.directMs)} | ${ratioText(i.aggregate)}${cpuAdded(i.aggregate)} | ${AGGREGATE_TARGET} |`);
    rows.push(`| \`run_inline_query\` end to end, one-row query, \`cache=false\` (same comparison) | ${sideCell(i.trivial.overlookMs)} | ${sideCell(i.trivial.directMs)} | ${addedText(i.trivial)}${cpuAdded(i.trivial)} | ${TRIVIAL_TARGET} |`);
  }
  const s = r.queriesSql;
  if (failed(s)) {
    rows.push(`| \`POST /queries/run/sql\` throughput vs a bare Fastify route | ${failureCell(s)} | | n/a | ${SQL_TARGET} |`);
  } else {
    for (const q of s.queries) {
      const o = best(q.overlook);
      const b = best(q.bare);
      if (o === undefined || b === undefined) continue;
      rows.push(`| \`POST /queries/run/sql\` throughput, ${q.query} (Overlook vs a bare Fastify route answering the same SQL) | ${reqPerSecond(o)} (p99 ${formatMs(o.latencyMs.p99)}) | ${reqPerSecond(b)} (p99 ${formatMs(b.latencyMs.p99)}) | ${share(o, b)}${cpuShare(o, b)} | ${SQL_TARGET} |`);
    }
  }
  for (const iso of r.queriesIsolation) {
    if (failed(iso)) {
      rows.push(`| Workspace isolation soak | ${failureCell(iso)} | | n/a | ${ISOLATION_TARGET} |`);
      continue;
    }
    rows.push(`| Workspace isolation soak: ${formatInt(iso.sent)} calls from ${formatInt(iso.tokens)} tokens of ${iso.users} users switching workspaces and branches (${STORE_NAMES[iso.store]} store) | ${formatInt(iso.wrong)} wrong answers in ${formatInt(iso.queries)} queries | limit 0 | ${isolationVerdict(iso)}; ${formatInt(Math.round(iso.sent / iso.seconds))} calls/s | ${ISOLATION_TARGET} |`);
  }
  return rows;
}

const ISOLATION_TARGET = '0 wrong answers';
const STORE_NAMES = { sqlite: 'SQLite', postgres: 'PostgreSQL' } as const;

function isolationVerdict(r: QueriesIsolationResult): string {
  return r.wrong === 0 && r.failedSwitches === 0 ? 'met' : `missed: ${r.failures.join('; ').replaceAll('|', '\\|').slice(0, 300)}`;
}

function isolationSection(results: readonly (QueriesIsolationResult | TaskFailure)[]): string[] {
  const first = results.find((r): r is QueriesIsolationResult => !failed(r));
  const L = [
    `The load of the end-to-end test (\`test/e2e/isolation-load.ts\`), larger: \`overlook serve\` in its own process, once with its metadata in SQLite and once in PostgreSQL (there every request reads its token's row, as in a cluster). ${first?.users ?? 16} developer users, each with its dev copy of the bench project edited on its personal branch and on a second branch (a view whose one dimension is a label naming the user and branch; made before the timed part). ${formatInt(first?.tokens ?? 400)} tokens of those users run \`POST /queries/run/json\` (\`soak::marker\`, \`marker.label\`) all at once; one call in ten flips the token between production and dev instead, and one more token per user keeps switching that user's checked-out branch. A production token must get production's label, a dev token one of its own user's two labels. The load generator shares the machine with the server, so the rate and latencies show the soak's pace, not a capacity.`,
    '',
    '| store | calls | queries | session switches | branch switches | wrong answers | failed switches | seconds | calls/s | query p50 | p95 | p99 |',
    '| --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |',
  ];
  const failures: string[] = [];
  for (const r of results) {
    if (failed(r)) {
      L.push(`| ${failureCell(r)} | | | | | | | | | | | |`);
      continue;
    }
    L.push(`| ${STORE_NAMES[r.store]} | ${formatInt(r.sent)} | ${formatInt(r.queries)} | ${formatInt(r.sessionSwitches)} | ${formatInt(r.branchSwitches)} | ${formatInt(r.wrong)} | ${formatInt(r.failedSwitches)} | ${r.seconds.toFixed(1)} | ${formatInt(Math.round(r.sent / r.seconds))} | ${formatMs(r.queryMs.p50)} | ${formatMs(r.queryMs.p95)} | ${formatMs(r.queryMs.p99)} |`);
    failures.push(...r.failures.map((f) => `- ${STORE_NAMES[r.store]}: ${f}`));
  }
  return failures.length === 0 ? L : [...L, '', 'First failures:', '', ...failures];
}

function inlineSection(i: QueriesInlineResult | TaskFailure): string[] {
  if (failed(i)) return [failureCell(i)];
  const L = [
    `\`overlook serve\` (SQLite store) runs in its own process with a project deployed to production from a bare git remote, and a DuckDB connection on a file generated for the run (${formatInt(i.bigRows)} rows, \`CREATE TABLE big AS SELECT i, i % 1000 AS k, random() AS v FROM range(${formatInt(i.bigRows)})\`, plus a one-row \`tiny\`; ${formatMs(i.generateMs)} to generate, not timed). Overlook side: \`POST /api/4.0/queries/run/json?cache=false\` with a production token over one keep-alive connection (\`node:http\`), timed from sending the request to the parsed JSON rows. Direct side: the SQL \`POST /queries/run/sql\` answered for the same query, run with \`runAndReadAll\` + \`getRowObjectsJson\` on the same file from the bench process (both open it read-only, with the driver's \`SET TimeZone = 'UTC'\`). Every iteration runs each side once, the three sides taking turns in all six orders, chained so that every side follows every side (itself included) equally often; "paired" statistics compare each Overlook run with the direct run of the same iteration. Floor: a bare Fastify route in a process of its own (\`bench/api-server.ts duckdb\`) that runs the same SQL on the same file as a kept prepared statement and answers the rows as JSON, with no auth, model or cache, timed like Overlook's side; it is what any server answering this query over HTTP with JSON pays. CPU per run is user + system time of all threads (DuckDB's included): of the server process over the timed loop (from /proc) for Overlook, of the bench process around each direct run for the direct side; it does not include the HTTP client's own work, and unlike wall time it hardly moves with other load on the machine.`,
    '',
    '| Query | side | iterations | p50 | p95 | p99 | min | CPU per run | answer |',
    '| --- | --- | --: | --: | --: | --: | --: | --: | --- |',
  ];
  for (const [label, c] of [['10M-row aggregate', i.aggregate], ['one-row query', i.trivial]] as const) {
    L.push(`| ${label} (\`${c.fields}\`) | Overlook \`run_inline_query\` | ${formatInt(c.overlookMs.n)} | ${formatMs(c.overlookMs.p50)} | ${formatMs(c.overlookMs.p95)} | ${formatMs(c.overlookMs.p99)} | ${formatMs(c.overlookMs.min)} | ${cpu(c.cpuMsPerRun.overlookServer)} (server) | ${c.check.overlook}, ${formatInt(c.bodyBytes)} bytes of JSON |`);
    L.push(`| | direct DuckDB | ${formatInt(c.directMs.n)} | ${formatMs(c.directMs.p50)} | ${formatMs(c.directMs.p95)} | ${formatMs(c.directMs.p99)} | ${formatMs(c.directMs.min)} | ${formatMs(c.cpuMsPerRun.direct)} | ${c.check.direct} |`);
    L.push(`| | Overlook − direct, paired | | ${signedMs(c.pairedDiffMs.p50)} | ${signedMs(c.pairedDiffMs.p95)} | | | | ratio p50 ${c.pairedRatio.p50.toFixed(2)}×, p95 ${c.pairedRatio.p95.toFixed(2)}× |`);
    L.push(`| | bare Fastify + DuckDB (floor) | ${formatInt(c.floorMs.n)} | ${formatMs(c.floorMs.p50)} | ${formatMs(c.floorMs.p95)} | ${formatMs(c.floorMs.p99)} | ${formatMs(c.floorMs.min)} | | ${c.check.floor} |`);
    L.push(`| | Overlook − floor, paired | | ${signedMs(c.pairedFloorDiffMs.p50)} | ${signedMs(c.pairedFloorDiffMs.p95)} | | | | |`);
  }
  L.push(
    '',
    `Aggregate: ratio of medians ${(i.aggregate.overlookMs.p50 / i.aggregate.directMs.p50).toFixed(3)}× (target ${AGGREGATE_TARGET}). One-row query: p50 ${formatMs(i.trivial.overlookMs.p50)} vs ${formatMs(i.trivial.directMs.p50)}, ${signedMs(i.trivial.overlookMs.p50 - i.trivial.directMs.p50)} (target ${TRIVIAL_TARGET}); p95 ${formatMs(i.trivial.overlookMs.p95)} vs ${formatMs(i.trivial.directMs.p95)}, ${signedMs(i.trivial.overlookMs.p95 - i.trivial.directMs.p95)}.`,
    '',
    'The SQL both sides ran:',
    '',
    '```sql',
    i.aggregate.sql,
    '```',
    '',
    '```sql',
    i.trivial.sql,
    '```',
  );
  return L;
}

function sqlRows(q: SqlThroughput): string[] {
  const L: string[] = [];
  for (const [side, rounds] of [['Overlook', q.overlook], ['Bare', q.bare]] as const) {
    rounds.forEach((l, n) => {
      L.push(`| ${side} ${n + 1} \`${l.route}\` | ${formatInt(l.requests)} | ${l.durationS.toFixed(1)} | ${formatInt(Math.round(l.perSecond))} | ${formatMs(l.latencyMs.p50)} | ${formatMs(l.latencyMs.p99)} | ${formatMs(l.latencyMs.max)} | ${formatInt(l.non2xx)} | ${formatInt(l.errors)} | ${formatInt(l.bodyBytes)} | ${cpu(l.serverCpuMsPerRequest)} |`);
    });
  }
  return L;
}

function sqlSection(s: QueriesSqlResult | TaskFailure): string[] {
  if (failed(s)) return [failureCell(s)];
  const L = [
    `autocannon on loopback as in section 4 (${s.connections} connections, pipelining ${s.pipelining}), ${s.warmupS} s warm-up (not counted) then ${s.durationS} s timed per round, four rounds per query in ABBA order against the same two servers; the comparison takes each side's best round. Overlook: \`POST /api/4.0/queries/run/sql\` with a production token on the server of the inline benchmark's setup (compile only, no database). Bare: Fastify with \`logger: false\`, \`POST /bare/sql\` parsing the same JSON body and answering the SQL Overlook answered for that query (same bytes, \`application/sql\`). Server CPU per request is the server process's user + system time (all threads, from /proc) over the timed run divided by its responses: the throughput ratio at equal CPU, which other load on the machine moves far less than req/s.`,
    '',
    '| Query | Overlook | Bare Fastify | Overlook / bare | Overlook p99 | Bare p99 | server CPU per request, Overlook / bare | Target |',
    '| --- | --: | --: | --: | --: | --: | --: | --: |',
  ];
  for (const q of s.queries) {
    const o = best(q.overlook);
    const b = best(q.bare);
    if (o === undefined || b === undefined) continue;
    L.push(`| ${q.query} | ${reqPerSecond(o)} | ${reqPerSecond(b)} | ${share(o, b)} | ${formatMs(o.latencyMs.p99)} | ${formatMs(b.latencyMs.p99)} | ${cpu(o.serverCpuMsPerRequest)} / ${cpu(b.serverCpuMsPerRequest)} | ${SQL_TARGET} |`);
  }
  for (const q of s.queries) {
    L.push('', `${q.query}:`, '', '| Round | requests | seconds | req/s | p50 | p99 | max | non-2xx | errors | body bytes | server CPU per request |', '| --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |', ...sqlRows(q));
  }
  return L;
}

export function queriesSection(r: QueryResults): string[] {
  return [
    '### 6. Queries through the API (issue 5)',
    '',
    '#### `run_inline_query` vs the same SQL directly on DuckDB',
    '',
    ...inlineSection(r.queriesInline),
    '',
    '#### `POST /queries/run/sql` throughput',
    '',
    ...sqlSection(r.queriesSql),
    '',
    '#### Workspace isolation soak',
    '',
    ...isolationSection(r.queriesIsolation),
  ];
}
