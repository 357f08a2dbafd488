/**
 * Comparison 3: Overlook compile + run through its DuckDB driver, against the same SQL run
 * directly with `@duckdb/node-api`, both on the demo database opened read-only. Iterations
 * alternate between the two so drift (other load, cache warmth) hits both alike.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { createDuckDBDriver } from '../../src/connections/duckdb.ts';
import { getDialect } from '../../src/sql/dialects/registry.ts';
import { compileQuery } from '../../src/sql/index.ts';
import type { RunResult } from '../protocol.ts';
import { summarize } from '../stats.ts';
import { LOOKER_QUERY } from '../thelook.ts';
import { loadThelook } from './compile.ts';

const RUN_WARMUP = 5;
const RUN_ITERATIONS = 40;

/** Row count and summed `total_sale_price` of a result: enough to tell two compilers' SQL agree. */
async function fingerprint(conn: DuckDBConnection, sql: string, column: string): Promise<string> {
  const rows = (await conn.runAndReadAll(sql)).getRowObjectsJson();
  const total = rows.reduce((sum, row) => sum + Number(row[column]), 0);
  return `${rows.length} rows, Σ total_sale_price ${total.toFixed(2)}`;
}

export async function runDuckDB(databasePath: string, malloySql?: string): Promise<RunResult> {
  const model = loadThelook();
  const options = { dialect: getDialect('duckdb') };
  const driver = createDuckDBDriver({ path: databasePath, readOnly: true, maxConnections: 1 });
  const instance = await DuckDBInstance.create(databasePath, {
    access_mode: 'READ_ONLY',
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  });
  const direct = await instance.connect();
  try {
    // Same session setting as the driver, so both sides run the identical statement the same way.
    await direct.run(`SET TimeZone = 'UTC'`);
    const sql = compileQuery(model, LOOKER_QUERY, options).sql;
    const counted = await direct.runAndReadAll('SELECT count(*)::INTEGER AS n FROM order_items');
    const orderItems = Number(counted.getRowObjectsJson()[0]?.n);
    const check = {
      overlook: await fingerprint(direct, sql, 'order_items.total_sale_price'),
      ...(malloySql === undefined ? {} : { malloy: await fingerprint(direct, malloySql, 'total_sale_price') }),
    };
    const overlook = async (): Promise<number> => (await driver.run(compileQuery(model, LOOKER_QUERY, options).sql)).rows.length;
    const plain = async (): Promise<number> => (await direct.runAndReadAll(sql)).getRowObjectsJson().length;
    const overlookMs: number[] = [];
    const directMs: number[] = [];
    let rows = 0;
    let directRows = 0;
    const timed = async (fn: () => Promise<number>): Promise<[number, number]> => {
      const start = performance.now();
      const n = await fn();
      return [performance.now() - start, n];
    };
    for (let i = 0; i < RUN_WARMUP + RUN_ITERATIONS; i++) {
      // Swap the order every iteration so neither side always runs on a just-warmed cache.
      const first = i % 2 === 0;
      const a = first ? await timed(overlook) : undefined;
      const b = await timed(plain);
      const c = a ?? (await timed(overlook));
      rows = c[1];
      directRows = b[1];
      if (i < RUN_WARMUP) continue;
      overlookMs.push(c[0]);
      directMs.push(b[0]);
    }
    return {
      task: 'run-duckdb',
      orderItems,
      overlookMs: summarize(overlookMs),
      directMs: summarize(directMs),
      rows,
      directRows,
      data: 'demo database (src/connections/demo-data.ts)',
      check,
    };
  } finally {
    direct.closeSync();
    instance.closeSync();
    await driver.close();
  }
}
