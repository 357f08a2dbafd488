/**
 * Issue 5's soak (`queries-isolation`): the workspace-isolation load of the end-to-end test
 * (test/e2e/isolation-load.ts), five times as long and with twice the tokens, against
 * `overlook serve` in its own process. 400 tokens of 16 developer users run a query whose answer
 * names the workspace it came from, each token flipping between production and dev while one more
 * token per user keeps switching that user's checked-out branch. Correctness is the result: wrong
 * answers must be zero. Throughput and latency are reported, not compared: the load generator and
 * the server share this machine's cores.
 */
import type { QueriesIsolationResult } from '../protocol.ts';
import { summarize } from '../stats.ts';
import { makeLoadUsers, runIsolationLoad, urlTarget } from '../../test/e2e/isolation-load.ts';
import { startBench } from './queries.ts';

const USERS = 16;
const TOKENS_PER_USER = 25;
const REQUESTS = 100_000;

/** A second model in the bench project: one view whose only dimension is a label each dev copy rewrites. */
const SOAK_MODEL = 'connection: "bench"\ninclude: "/soak/*.view.lkml"\nexplore: marker {}\n';
const markerView = (label: string): string => `view: marker {
  sql_table_name: main.tiny ;;
  dimension: label { type: string sql: '${label}' ;; }
}
`;
const QUERY = { model: 'soak', view: 'marker', fields: ['marker.label'], limit: '1' } as const;

const started = performance.now();

function progress(message: string): void {
  process.stderr.write(`[bench] isolation: ${message} at ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

export async function queriesIsolation(): Promise<QueriesIsolationResult> {
  // The load needs no data beyond `tiny`'s one row.
  const bench = await startBench(1000, { 'soak.model.lkml': SOAK_MODEL, 'soak/marker.view.lkml': markerView('prod') });
  try {
    const target = urlTarget([bench.url]);
    const setupStarted = performance.now();
    const users = await makeLoadUsers(target, bench.token, { project: 'bench', viewPath: 'soak/marker.view.lkml', view: markerView }, USERS, 'Soak');
    const setupS = (performance.now() - setupStarted) / 1000;
    progress(`${USERS} users with two edited branches each`);
    const outcome = await runIsolationLoad(target, users, {
      tokensPerUser: TOKENS_PER_USER, requests: REQUESTS, query: QUERY, labelField: 'marker.label', productionLabel: 'prod',
      onProgress: (sent) => { progress(`${sent} calls`); },
      progressEvery: 20_000,
    });
    return { task: 'queries-isolation', users: USERS, ...outcome, queryMs: summarize(outcome.queryMs), setupS };
  } finally {
    await bench.close();
  }
}
