/**
 * The `render` benchmark (issue 8) for `npm run bench`: runs bench/render-task.ts in its own process
 * and formats its result as a markdown section of the report. Targets: a warm 6-tile dashboard
 * renders to PNG in ≤ 1 s and to PDF in ≤ 1.5 s; ≥ 4 renders at once.
 *
 * Standalone: `node --import tsx bench/render.ts` prints the section.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RESULT_PREFIX } from './protocol.ts';
import type { RenderBenchResult, RenderTiming } from './render-task.ts';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const TIMEOUT_MS = 180_000;
export const RENDER_TARGETS = { pngMs: 1000, pdfMs: 1500, concurrent: 4 } as const;

function ms(n: number): string {
  return `${Math.round(n)} ms`;
}

function timingRow(label: string, t: RenderTiming, targetMs: number): string {
  const verdict = t.totalMs.p50 <= targetMs ? 'meets' : 'misses';
  return `| ${label} | ${ms(t.totalMs.p50)} | ${ms(t.totalMs.p95)} | ${ms(t.totalMs.min)} | ${ms(t.queryMs.p50)} | ${ms(t.captureMs.p50)} | ${(t.bytes / 1024).toFixed(0)} KB | ≤ ${ms(targetMs)}: ${verdict} |`;
}

export function renderSection(r: RenderBenchResult | { error: string }): string {
  const lines = ['## Rendering (issue 8)', ''];
  if ('error' in r) return [...lines, `The render benchmark failed: ${r.error}`, ''].join('\n');
  lines.push(
    `A user-defined dashboard of ${r.tiles} query tiles (grid, single value, column, bar, line, pie) over a 20,000-row DuckDB table,`,
    'rendered through the API as a client sees it: create_dashboard_render_task, render_task polled every 10 ms, render_task_results.',
    `Warm: the browser is up and the tiles' results are cached. The server renders up to ${r.serverConcurrency} at once.`,
    '',
    '| render (1200×900) | p50 | p95 | min | page until tiles done (p50) | capture (p50) | size | target |',
    '|---|---|---|---|---|---|---|---|',
    timingRow('PNG', r.png, RENDER_TARGETS.pngMs),
    timingRow('PDF (letter, landscape)', r.pdf, RENDER_TARGETS.pdfMs),
    '',
    '| clients rendering the PNG in a loop | renders | renders/s | latency p50 | latency p95 |',
    '|---|---|---|---|---|',
    ...r.throughput.map((t) => `| ${t.clients} | ${t.renders} | ${t.perSecond.toFixed(2)} | ${ms(t.latencyMs.p50)} | ${ms(t.latencyMs.p95)} |`),
    '',
  );
  return lines.join('\n');
}

/** Runs the benchmark process and returns the report section (a failure is reported, not thrown). */
export function runRenderBench(log: (message: string) => void): string {
  log('render…');
  const started = performance.now();
  const child = spawnSync(process.execPath, [...process.execArgv, join(BENCH_DIR, 'render-task.ts')], {
    cwd: dirname(BENCH_DIR), encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024,
  });
  log(`render done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const line = child.stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
  if (line === undefined) return renderSection({ error: `no result from the render benchmark (${child.error ? child.error.message : `exit ${String(child.status ?? child.signal)}`})` });
  return renderSection(JSON.parse(line.slice(RESULT_PREFIX.length)) as RenderBenchResult | { error: string });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(runRenderBench((m) => { process.stderr.write(`[bench] ${m}\n`); }));
}
