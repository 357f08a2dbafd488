/** Markdown for the README: a summary table, then the details and exact sizes of each comparison. */
import type { ApiResult, CompileResult, HttpLoad, ParseOverlookResult, ParsePeerResult, RunResult, TaskFailure, TaskResult } from './protocol.ts';
import { queriesSection, querySummaryRows, type QueryResults } from './report-queries.ts';
import { workspaceSummaryRows, workspacesSection, type WorkspaceResults } from './report-workspaces.ts';
import { formatInt, formatMs, formatRatio, median } from './stats.ts';

export interface Environment {
  readonly date: string;
  readonly node: string;
  readonly cpu: string;
  readonly cores: number;
  /** 1, 5 and 15 minute load averages when the run started. */
  readonly load: string;
  readonly platform: string;
  readonly versions: Readonly<Record<string, string>>;
  readonly elapsedS: number;
}

export interface Results extends WorkspaceResults, QueryResults {
  readonly parseOverlook: ParseOverlookResult | TaskFailure;
  readonly parsePeer: ParsePeerResult | TaskFailure;
  readonly compileOverlook: CompileResult | TaskFailure;
  readonly compileMalloy: CompileResult | TaskFailure;
  readonly run: RunResult | TaskFailure;
  /** Every round of each side, in the order run. */
  readonly apiOverlook: readonly (ApiResult | TaskFailure)[];
  readonly apiBare: readonly (ApiResult | TaskFailure)[];
}

function failed(r: TaskResult | TaskFailure): r is TaskFailure {
  return 'error' in r;
}

function failureCell(r: TaskFailure): string {
  return `failed: ${r.error.replaceAll('|', '\\|').slice(0, 160)}`;
}

function perSecond(count: number, ms: number): string {
  return formatInt(Math.round((count * 1000) / ms));
}

function mb(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(2)} MB`;
}

/** "12×" when Overlook is faster, "0.5× (slower)" otherwise; ratio = peer / Overlook. */
function speedup(peerMs: number, overlookMs: number): string {
  const r = peerMs / overlookMs;
  return r >= 1 ? `${formatRatio(r)} faster` : `${formatRatio(overlookMs / peerMs)} slower`;
}

function summaryRows(r: Results): string[] {
  const rows: string[] = [];
  const po = r.parseOverlook;
  const pp = r.parsePeer;
  if (failed(po) || failed(pp)) {
    rows.push(`| Parse + resolve synthetic project | ${failed(po) ? failureCell(po) : formatMs(median(po.resolveMs))} | ${failed(pp) ? failureCell(pp) : formatMs(median(pp.parseMs))} | n/a | ≥ 10× |`);
  } else {
    const peer = median(pp.parseMs);
    const peerFiles = median(pp.filesMs);
    rows.push(`| Parse + resolve ${formatInt(po.size.files)} files / ${formatInt(po.size.lines)} lines from the folder (Overlook list + read + parse + build vs lookml-parser \`parseFiles\`, parse only) | ${formatMs(median(po.totalMs))} | ${formatMs(peerFiles)} | ${speedup(peerFiles, median(po.totalMs))} | ≥ 10× |`);
    rows.push(`| The same from the texts in memory (Overlook parse + build vs lookml-parser \`parse()\` per text) | ${formatMs(median(po.resolveMs))} | ${formatMs(peer)} | ${speedup(peer, median(po.resolveMs))} | — |`);
    rows.push(`| Parse only, same texts (Overlook \`parseLookml\` vs lookml-parser \`parse()\`) | ${formatMs(median(po.parseMs))} | ${formatMs(peer)} | ${speedup(peer, median(po.parseMs))} | — |`);
  }
  const co = r.compileOverlook;
  const cm = r.compileMalloy;
  const cmCell = failed(cm) ? failureCell(cm) : `${formatMs(cm.summary.p50)} (p99 ${formatMs(cm.summary.p99)})`;
  const coCell = failed(co) ? failureCell(co) : `${formatMs(co.summary.p50)} (p99 ${formatMs(co.summary.p99)})`;
  const cRatio = failed(co) || failed(cm) ? 'n/a' : speedup(cm.summary.p50, co.summary.p50);
  rows.push(`| Query compile, 10 fields / 3 joins / 4 filters, p50 (Overlook vs Malloy) | ${coCell} | ${cmCell} | ${cRatio} | ≥ 20×, p50 ≪ 1 ms |`);
  const run = r.run;
  if (failed(run)) {
    rows.push(`| Compile + run on DuckDB vs same SQL direct | ${failureCell(run)} | | n/a | ≈ 1× |`);
  } else {
    const ratio = run.overlookMs.p50 / run.directMs.p50;
    rows.push(`| Compile + run on DuckDB, ${formatInt(run.orderItems)} order_items (Overlook vs the same SQL on \`@duckdb/node-api\`) | ${formatMs(run.overlookMs.p50)} | ${formatMs(run.directMs.p50)} | ${ratio.toFixed(2)}× the direct time | ≈ 1× |`);
  }
  rows.push(...apiSummaryRows(r));
  rows.push(...workspaceSummaryRows(r));
  rows.push(...querySummaryRows(r));
  return rows;
}

const API_TARGET = 0.5;

function reqPerSecond(load: HttpLoad): string {
  return `${formatInt(Math.round(load.perSecond))} req/s`;
}

/** Overlook's throughput as a share of the bare route's, with a warning when any response failed. */
function apiShare(o: HttpLoad, b: HttpLoad): string {
  const share = `${((o.perSecond / b.perSecond) * 100).toFixed(0)}%`;
  const bad = o.non2xx + o.errors + b.non2xx + b.errors;
  return bad === 0 ? share : `${share} (${formatInt(bad)} failed responses)`;
}

interface ApiRoute {
  readonly label: string;
  readonly overlook: HttpLoad;
  readonly bare: HttpLoad;
}

/** The round with the most requests per second, per route: the one the rest of the machine disturbed least. */
function bestRound(rounds: readonly (ApiResult | TaskFailure)[], pick: (r: ApiResult) => HttpLoad): HttpLoad | undefined {
  let best: HttpLoad | undefined;
  for (const r of rounds) {
    if (failed(r)) continue;
    const load = pick(r);
    if (best === undefined || load.perSecond > best.perSecond) best = load;
  }
  return best;
}

/** Both routes with each side's best round, or the first failure when a side has no round at all. */
function apiRoutes(r: Results): ApiRoute[] | string {
  const routes: ApiRoute[] = [];
  for (const [label, pick] of [['`GET /session`', (x: ApiResult) => x.get], ['`PATCH /session` (dev ⇄ production)', (x: ApiResult) => x.patch]] as const) {
    const overlook = bestRound(r.apiOverlook, pick);
    const bare = bestRound(r.apiBare, pick);
    if (overlook === undefined || bare === undefined) {
      const failure = [...r.apiOverlook, ...r.apiBare].find(failed);
      return failure ? failureCell(failure) : 'failed: no rounds ran';
    }
    routes.push({ label, overlook, bare });
  }
  return routes;
}

function apiSummaryRows(r: Results): string[] {
  const routes = apiRoutes(r);
  if (typeof routes === 'string') return [`| Looker API \`GET\`/\`PATCH /session\` vs a bare Fastify route | ${routes} | | n/a | ≥ ${API_TARGET * 100}% of bare |`];
  return routes.map((x) =>
    `| API ${x.label} with a token, throughput (Overlook on SQLite vs a bare Fastify route) | ${reqPerSecond(x.overlook)} (p99 ${formatMs(x.overlook.latencyMs.p99)}) | ${reqPerSecond(x.bare)} (p99 ${formatMs(x.bare.latencyMs.p99)}) | ${apiShare(x.overlook, x.bare)} of bare | ≥ ${API_TARGET * 100}% of bare |`);
}

function apiSection(r: Results): string[] {
  const L = ['### 4. Looker API throughput', ''];
  const shape = [...r.apiOverlook, ...r.apiBare].find((x): x is ApiResult => !failed(x));
  if (shape) {
    L.push(
      `autocannon on loopback, ${shape.connections} connections, pipelining ${shape.pipelining}, ${shape.warmupS} s warm-up (not counted) then a timed run per route. The server runs in its own process and autocannon in another, so the load generator never takes the server's event loop. Overlook: \`overlook serve\` on the SQLite store in a fresh data dir, one admin login, then \`Authorization: token …\` on every request (token and workspace read from the store each time). Bare: Fastify with \`logger: false\` and no plugins, \`GET /bare\` answering the same JSON and \`PATCH /bare\` parsing the same JSON body. \`PATCH\` alternates \`{"workspace_id":"dev"}\` and \`{"workspace_id":"production"}\`, so on Overlook every request writes. Latencies are per response, measured by the load generator. Each side runs ${Math.max(r.apiOverlook.length, r.apiBare.length)} rounds in ABBA order (a fresh server each); the comparison takes each side's best round per route.`,
      '',
    );
  }
  const routes = apiRoutes(r);
  if (typeof routes !== 'string') {
    L.push('| Route | Overlook | Bare Fastify | Overlook / bare | Overlook p99 | Bare p99 | Target |', '| --- | --: | --: | --: | --: | --: | --: |');
    for (const x of routes) {
      L.push(`| ${x.label} | ${reqPerSecond(x.overlook)} | ${reqPerSecond(x.bare)} | ${apiShare(x.overlook, x.bare)} | ${formatMs(x.overlook.latencyMs.p99)} | ${formatMs(x.bare.latencyMs.p99)} | ≥ ${API_TARGET * 100}% |`);
    }
    L.push('');
  }
  L.push('| Round | requests | seconds | req/s | p50 | p99 | max | non-2xx | errors | body bytes |', '| --- | --: | --: | --: | --: | --: | --: | --: | --: | --: |');
  for (const [side, rounds] of [['Overlook', r.apiOverlook], ['Bare', r.apiBare]] as const) {
    rounds.forEach((round, i) => {
      const name = `${side} ${i + 1}`;
      if (failed(round)) {
        L.push(`| ${name} | ${failureCell(round)} | | | | | | | | |`);
        return;
      }
      for (const l of [round.get, round.patch]) {
        L.push(`| ${name} \`${l.route}\` | ${formatInt(l.requests)} | ${l.durationS.toFixed(1)} | ${formatInt(Math.round(l.perSecond))} | ${formatMs(l.latencyMs.p50)} | ${formatMs(l.latencyMs.p99)} | ${formatMs(l.latencyMs.max)} | ${formatInt(l.non2xx)} | ${formatInt(l.errors)} | ${l.bodyBytes} |`);
      }
    });
  }
  return L;
}

function parseSection(po: ParseOverlookResult | TaskFailure, pp: ParsePeerResult | TaskFailure): string[] {
  const L = ['### 1. Parse + resolve a synthetic LookML project', ''];
  const size = failed(po) ? (failed(pp) ? undefined : pp.size) : po.size;
  if (size) {
    L.push(`Generated by \`bench/synthetic.ts\` (deterministic): ${formatInt(size.files)} files, of which ${formatInt(size.viewFiles)} view files, ${formatInt(size.lines)} lines, ${mb(size.bytes)}.`);
  }
  if (!failed(po)) {
    L.push(`Overlook resolves it to ${formatInt(po.views)} views, ${formatInt(po.explores)} explores, ${formatInt(po.joins)} joins and ${formatInt(po.fields)} fields with ${formatInt(po.diagnostics)} diagnostics.`);
    if (po.firstDiagnostics.length > 0) L.push('', 'First diagnostics:', '', ...po.firstDiagnostics.map((d) => `- \`${d}\``));
  }
  L.push('', '| | median | files/s | lines/s | iterations |', '| --- | --: | --: | --: | --: |');
  if (failed(po)) {
    L.push(`| Overlook | ${failureCell(po)} | | | |`);
  } else {
    const n = po.totalMs.length;
    L.push(`| Overlook: list + read + \`parseLookml\` + \`buildProject\` | ${formatMs(median(po.totalMs))} | ${perSecond(po.size.files, median(po.totalMs))} | ${perSecond(po.size.lines, median(po.totalMs))} | ${n} |`);
    L.push(`| ↳ list + read files | ${formatMs(median(po.readMs))} | | | ${n} |`);
    L.push(`| ↳ \`parseLookml\` + \`buildProject\` (texts in memory) | ${formatMs(median(po.resolveMs))} | ${perSecond(po.size.files, median(po.resolveMs))} | ${perSecond(po.size.lines, median(po.resolveMs))} | ${n} |`);
    L.push(`| ↳ \`parseLookml\` (parse only) | ${formatMs(median(po.parseMs))} | ${perSecond(po.size.files, median(po.parseMs))} | ${perSecond(po.size.lines, median(po.parseMs))} | ${n} |`);
    L.push(`| ↳ \`buildProject\` | ${formatMs(median(po.buildMs))} | | | ${n} |`);
  }
  if (failed(pp)) {
    L.push(`| lookml-parser | ${failureCell(pp)} | | | |`);
  } else {
    L.push(`| lookml-parser \`parseFiles\` on the folder (glob + read + parse + assemble models; transformations off) | ${formatMs(median(pp.filesMs))} | ${perSecond(pp.size.files, median(pp.filesMs))} | ${perSecond(pp.size.lines, median(pp.filesMs))} | ${pp.filesMs.length} |`);
    L.push(`| lookml-parser \`parse()\` per file text (parse only) | ${formatMs(median(pp.parseMs))} | ${perSecond(pp.size.files, median(pp.parseMs))} | ${perSecond(pp.size.lines, median(pp.parseMs))} | ${pp.parseMs.length} |`);
    if (pp.errors > 0) L.push('', `lookml-parser rejected ${pp.errors} files: ${pp.firstErrors.join('; ')}`);
  }
  L.push(
    '',
    'Two warm-up iterations each; every side runs in its own process. The headline compares the two tools the way a project is loaded: from its folder. '
      + 'lookml-parser\'s API for that, `parseFiles`, always assembles models from the includes; its extends/refinements transformations are turned off, so it does less than Overlook, which also resolves extends, refinements, fields and explores. '
      + 'The second comparison takes file reading and the peer\'s model assembly out: Overlook parse + build against the peer\'s bare `parse()` of each text in memory.',
  );
  return L;
}

function compileSection(co: CompileResult | TaskFailure, cm: CompileResult | TaskFailure): string[] {
  const L = [
    '### 2. Query compile',
    '',
    'The query (`bench/thelook.ts`): 6 dimensions + 4 measures (one on a joined view, so symmetric/distinct), joins users, inventory_items and products, filters on status, country, sale_price and created date; same query written for Malloy on an equivalent source. Malloy compiles against a model loaded once (schemas fetched before timing): each timed call is `model.loadQuery(text).getSQL()`.',
    '',
    '| | p50 | p99 | min | iterations (after warm-up) |',
    '| --- | --: | --: | --: | --: |',
  ];
  for (const [label, r] of [['Overlook `compileQuery` (duckdb)', co], ['Malloy `loadQuery().getSQL()` (duckdb)', cm]] as const) {
    if (failed(r)) L.push(`| ${label} | ${failureCell(r)} | | | |`);
    else L.push(`| ${label} | ${formatMs(r.summary.p50)} | ${formatMs(r.summary.p99)} | ${formatMs(r.summary.min)} | ${formatInt(r.summary.n)} (${r.warmup}) |`);
  }
  return L;
}

function runSection(run: RunResult | TaskFailure): string[] {
  const L = ['### 3. Compile + run on DuckDB', ''];
  if (failed(run)) return [...L, failureCell(run)];
  L.push(
    `Data: ${run.data}, ${formatInt(run.orderItems)} order_items; the query of section 2, ${formatInt(run.rows)} rows back (direct: ${formatInt(run.directRows)}). Runs alternate between the two sides.`,
    '',
    '| | median | p99 | iterations |',
    '| --- | --: | --: | --: |',
    `| Overlook: \`compileQuery\` + DuckDB driver \`run\` | ${formatMs(run.overlookMs.p50)} | ${formatMs(run.overlookMs.p99)} | ${run.overlookMs.n} |`,
    `| Same SQL, \`runAndReadAll\` + \`getRowObjectsJson\` | ${formatMs(run.directMs.p50)} | ${formatMs(run.directMs.p99)} | ${run.directMs.n} |`,
    '',
    `Ratio of medians: ${(run.overlookMs.p50 / run.directMs.p50).toFixed(2)}× (Overlook / direct).`,
    '',
    `Same answer check (section 2's SQL run once): Overlook ${run.check.overlook}; Malloy ${run.check.malloy ?? 'n/a (did not compile)'}.`,
  );
  return L;
}

export function renderReport(r: Results, env: Environment): string {
  const versions = Object.entries(env.versions).map(([k, v]) => `${k} ${v}`).join(', ');
  const L = [
    '## Benchmarks',
    '',
    `\`npm run bench\` on ${env.date}: ${env.cpu}, ${env.cores} cores (load average ${env.load} at the start), ${env.platform}, Node ${env.node}; ${versions}. Whole run: ${env.elapsedS.toFixed(0)} s.`,
    '',
    '| Comparison | Overlook | Peer | Overlook is | Target |',
    '| --- | --: | --: | --: | --: |',
    ...summaryRows(r),
    '',
    ...parseSection(r.parseOverlook, r.parsePeer),
    '',
    ...compileSection(r.compileOverlook, r.compileMalloy),
    '',
    ...runSection(r.run),
    '',
    ...apiSection(r),
    '',
    ...workspacesSection(r),
    '',
    ...queriesSection(r),
    '',
  ];
  return L.join('\n');
}
