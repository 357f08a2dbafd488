/**
 * Comparison 2, Malloy's side: the same query on the equivalent Malloy source. The model is
 * translated once and its table schemas fetched from the demo database before timing, so
 * each timed call is only "query text + loaded model → SQL" (no connection round trips).
 */
import { SingleConnectionRuntime } from '@malloydata/malloy';
import { DuckDBConnection } from '@malloydata/db-duckdb';
import type { CompileResult } from '../protocol.ts';
import { summarize, timeAsync } from '../stats.ts';
import { MALLOY_QUERY, MALLOY_SOURCE } from '../thelook.ts';

const MALLOY_WARMUP = 100;
const MALLOY_ITERATIONS = 2000;
/** Malloy takes milliseconds per compile; cap its share of the run (the report shows the count reached). */
const MALLOY_BUDGET = { budgetMs: 40_000, minIterations: 500 };

export async function compileMalloy(databasePath: string): Promise<CompileResult> {
  const connection = new DuckDBConnection({
    name: 'duckdb',
    databasePath,
    readOnly: true,
    // No internet here: keep DuckDB from trying to download httpfs.
    enableExternalAccess: false,
  });
  try {
    const runtime = new SingleConnectionRuntime({ connection });
    const model = runtime.loadModel(MALLOY_SOURCE);
    await model.getModel();
    const sql = await model.loadQuery(MALLOY_QUERY).getSQL();
    const samples = await timeAsync(() => model.loadQuery(MALLOY_QUERY).getSQL(), MALLOY_ITERATIONS, MALLOY_WARMUP, MALLOY_BUDGET);
    return { task: 'compile-malloy', summary: summarize(samples), warmup: MALLOY_WARMUP, sql };
  } finally {
    await connection.close();
  }
}
