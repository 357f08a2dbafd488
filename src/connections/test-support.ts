/** Shared by the connection and warehouse value tests. */
import { DriverError, type Driver } from './driver.ts';
import { createDriver, postgresConfigFromUrl } from './registry.ts';

/** The DriverError a run is expected to fail with. */
export async function failure(promise: Promise<unknown>): Promise<DriverError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DriverError) return error;
    throw error;
  }
  throw new Error('expected the run to fail');
}

/**
 * A driver on a fresh warehouse for value tests, with `ddl` run on it: an in-memory DuckDB, or
 * schema `schema` (dropped and made again) on the test harness's PostgreSQL.
 */
export async function openTestWarehouse(dialect: 'duckdb' | 'postgres', schema: string, ddl: readonly string[]): Promise<Driver> {
  let driver: Driver;
  if (dialect === 'duckdb') {
    driver = createDriver({ dialect_name: 'duckdb', database: ':memory:', max_connections: 1 });
  } else {
    const url = process.env.OVERLOOK_TEST_PG_URL;
    if (url === undefined) throw new Error('OVERLOOK_TEST_PG_URL is not set: run the tests through vitest (test/global-setup.ts starts PostgreSQL)');
    const admin = createDriver(postgresConfigFromUrl(url));
    try {
      await admin.run(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.run(`CREATE SCHEMA ${schema}`);
    } finally {
      await admin.close();
    }
    driver = createDriver(postgresConfigFromUrl(url, schema));
  }
  for (const stmt of ddl) await driver.run(stmt);
  return driver;
}
