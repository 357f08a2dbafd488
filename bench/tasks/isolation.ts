/**
 * Issue 5's soak (`queries-isolation`): the workspace-isolation load of the end-to-end test
 * (test/e2e/isolation-load.ts), longer (100,000 calls on SQLite, 50,000 on PostgreSQL) and with twice the tokens, against
 * `overlook serve` in its own process, once with its metadata in SQLite and once in PostgreSQL
 * (where every request reads its token's row, as a cluster does). 400 tokens of 16 developer users run a query whose answer
 * names the workspace it came from, each token flipping between production and dev while one more
 * token per user keeps switching that user's checked-out branch. Correctness is the result: wrong
 * answers must be zero. Throughput and latency are reported, not compared: the load generator and
 * the server share this machine's cores.
 */
import type { QueriesIsolationResult } from '../protocol.ts';
import { summarize } from '../stats.ts';
import { makeLoadUsers, runIsolationLoad, urlTarget } from '../../test/e2e/isolation-load.ts';
import { pgSchemaUrl } from '../../test/e2e/support.ts';
import { startPostgres } from '../postgres.ts';
import { startBench } from './queries.ts';

const USERS = 16;
const TOKENS_PER_USER = 25;
/**
 * Calls per store. PostgreSQL metadata answers about a third as many calls a second here (each reads its
 * token's row; PostgreSQL shares the two cores), so its soak is shorter to stay within the task's time.
 */
const REQUESTS = { sqlite: 100_000, postgres: 50_000 } as const;

/** A second model in the bench project: one view whose only dimension is a label each dev copy rewrites. */
const SOAK_MODEL = 'connection: "bench"\ninclude: "/soak/*.view.lkml"\nexplore: marker {}\n';
const markerView = (label: string): string => `view: marker {
  sql_table_name: main.tiny ;;
  dimension: label { type: string sql: '${label}' ;; }
}
`;
const QUERY = { model: 'soak', view: 'marker', fields: ['marker.label'], limit: '1' } as const;

const started = performance.now();

export type MetadataStore = 'sqlite' | 'postgres';

function progress(message: string): void {
  process.stderr.write(`[bench] isolation: ${message} at ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

export async function queriesIsolation(store: MetadataStore): Promise<QueriesIsolationResult> {
  const postgres = store === 'postgres' ? startPostgres() : undefined;
  try {
    // A schema of its own, so a shared PostgreSQL (OVERLOOK_TEST_PG_URL) keeps nothing of earlier runs.
    const databaseUrl = postgres && await pgSchemaUrl('bench_isolation', postgres.url);
    return await soak(store, databaseUrl);
  } finally {
    postgres?.stop();
  }
}

async function soak(store: MetadataStore, databaseUrl: string | undefined): Promise<QueriesIsolationResult> {
  // The load needs no data beyond `tiny`'s one row.
  const bench = await startBench(1000, { 'soak.model.lkml': SOAK_MODEL, 'soak/marker.view.lkml': markerView('prod') }, databaseUrl);
  try {
    const target = urlTarget([bench.url]);
    const setupStarted = performance.now();
    const users = await makeLoadUsers(target, bench.token, { project: 'bench', viewPath: 'soak/marker.view.lkml', view: markerView }, USERS, 'Soak');
    const setupS = (performance.now() - setupStarted) / 1000;
    progress(`${store}: ${USERS} users with two edited branches each`);
    const outcome = await runIsolationLoad(target, users, {
      tokensPerUser: TOKENS_PER_USER, requests: REQUESTS[store], query: QUERY, labelField: 'marker.label', productionLabel: 'prod',
      onProgress: (sent) => { progress(`${store}: ${sent} calls`); },
      progressEvery: 20_000,
    });
    return { task: 'queries-isolation', store, users: USERS, ...outcome, queryMs: summarize(outcome.queryMs), setupS };
  } finally {
    await bench.close();
  }
}
