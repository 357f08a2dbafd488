import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Driver } from './driver.ts';
import { createPostgresDriver } from './postgres.ts';
import { failure } from './test-support.ts';

const url = process.env.OVERLOOK_TEST_PG_URL ?? '';
const SCHEMA = 'conn_postgres_driver_test';

describe('PostgreSQL driver', () => {
  let driver: Driver;
  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE; CREATE SCHEMA ${SCHEMA};
      CREATE TABLE ${SCHEMA}.items AS SELECT g AS id FROM generate_series(1, 3) g`);
    await admin.end();
    driver = createPostgresDriver({ connectionString: url, schema: SCHEMA, maxConnections: 2 });
  });
  afterAll(async () => {
    await driver.close();
  });

  it('returns the same values as the DuckDB driver, never JS Dates', async () => {
    const result = await driver.run(`SELECT
      42::int4 AS i, 9007199254740991::int8 AS safe_big, 9007199254740993::int8 AS unsafe_big,
      12.50::numeric(10, 2) AS dec_exact, 12345678901234567.89::numeric(38, 2) AS dec_big,
      0.12345678901234567890::numeric(38, 20) AS dec_precise,
      1.5::float8 AS dbl, 'NaN'::float8 AS nan,
      DATE '2024-02-29' AS d, TIMESTAMP '2024-01-02 03:04:05' AS ts, TIMESTAMP '2024-01-02 03:04:05.250' AS ts_frac,
      TIMESTAMPTZ '2024-06-01 12:00:00+02' AS tstz, TRUE AS yes, NULL::text AS nothing,
      ARRAY[1, 2, 3] AS list, 'O''Brien \\ ü' AS hostile`);
    expect(result.columns).toEqual([
      'i', 'safe_big', 'unsafe_big', 'dec_exact', 'dec_big', 'dec_precise', 'dbl', 'nan', 'd', 'ts', 'ts_frac',
      'tstz', 'yes', 'nothing', 'list', 'hostile',
    ]);
    expect(result.rows).toEqual([{
      i: 42, safe_big: 9007199254740991, unsafe_big: '9007199254740993',
      dec_exact: 12.5, dec_big: '12345678901234567.89', dec_precise: 0.12345678901234568, dbl: 1.5, nan: 'NaN',
      d: '2024-02-29', ts: '2024-01-02 03:04:05', ts_frac: '2024-01-02 03:04:05.25', tstz: '2024-06-01 10:00:00',
      yes: true, nothing: null, list: '[1,2,3]', hostile: "O'Brien \\ ü",
    }]);
  });

  it('converts arrays element by element and keeps json as text', async () => {
    const result = await driver.run(`SELECT
      ARRAY[TIMESTAMP '2024-01-01 00:00:00', NULL] AS stamps, ARRAY[1.10, 9007199254740993]::numeric[] AS nums,
      ARRAY['a"b', 'c\\d'] AS texts, '{"a": 1}'::json AS doc, 123456789012::int8 AS big_ok`);
    expect(result.rows).toEqual([{
      stamps: '["2024-01-01 00:00:00",null]', nums: '[1.1,"9007199254740993"]', texts: '["a\\"b","c\\\\d"]',
      doc: '{"a": 1}', big_ok: 123456789012,
    }]);
  });

  it('converts time zones in a UTC session', async () => {
    const result = await driver.run(`SELECT
      TIMESTAMP '2024-01-15 12:00:00' AT TIME ZONE 'UTC' AT TIME ZONE 'America/New_York' AS ny,
      current_setting('TimeZone') AS session_zone`);
    expect(result.rows).toEqual([{ ny: '2024-01-15 07:00:00', session_zone: 'UTC' }]);
  });

  it('reads unqualified table names from the configured schema', async () => {
    expect((await driver.run('SELECT count(*) AS n FROM items')).rows).toEqual([{ n: 3 }]);
  });

  it('times out with statement_timeout, with a clear error, and stays usable', async () => {
    const started = performance.now();
    const error = await failure(driver.run('SELECT pg_sleep(30)', { timeoutMs: 300 }));
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(error.kind).toBe('timeout');
    expect(error.dialect).toBe('postgres');
    expect(error.message).toBe('Query timed out after 300 ms and was cancelled (PostgreSQL: canceling statement due to statement timeout)');
    // The next run on a reused connection has no timeout left over.
    expect((await driver.run('SELECT 1 AS done FROM pg_sleep(0.4)')).rows).toEqual([{ done: 1 }]);
  });

  it('times out a CPU-bound cross join', async () => {
    const error = await failure(driver.run(
      'SELECT count(*) FROM generate_series(1, 100000000) a, generate_series(1, 100000) b WHERE a + b < 0', { timeoutMs: 500 },
    ));
    expect(error.kind).toBe('timeout');
    expect(error.message).toBe('Query timed out after 500 ms and was cancelled (PostgreSQL: canceling statement due to statement timeout)');
  });

  it('cancels a running statement with pg_cancel_backend when the AbortSignal fires', async () => {
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => {
      controller.abort();
    }, 300);
    const error = await failure(driver.run('SELECT pg_sleep(30)', { signal: controller.signal }));
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(error.kind).toBe('cancelled');
    expect(error.message).toBe('Query was cancelled (PostgreSQL: canceling statement due to user request)');
    expect((await driver.run('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
  });

  it('reports the database message, hint and SQLSTATE for SQL errors', async () => {
    const missing = await failure(driver.run('SELECT * FROM no_such_table'));
    expect(missing.kind).toBe('database');
    expect(missing.sqlState).toBe('42P01');
    expect(missing.message).toBe('relation "no_such_table" does not exist');
    const typo = await failure(driver.run(`SELECT lenght('x')`));
    expect(typo.sqlState).toBe('42883');
    expect(typo.message).toBe(
      'function lenght(unknown) does not exist\nHint: No function matches the given name and argument types. You might need to add explicit type casts.',
    );
  });

  it('honours max_connections: runs beyond the pool size wait for a connection', async () => {
    const single = createPostgresDriver({ connectionString: url, maxConnections: 1 });
    try {
      const started = performance.now();
      const [a, b] = await Promise.all([
        single.run('SELECT pg_backend_pid() AS pid FROM pg_sleep(0.3)'),
        single.run('SELECT pg_backend_pid() AS pid FROM pg_sleep(0.3)'),
      ]);
      expect(performance.now() - started).toBeGreaterThanOrEqual(600);
      expect(a.rows[0]?.pid).toBe(b.rows[0]?.pid);
    } finally {
      await single.close();
    }
  });

  it('cancels running statements on close instead of waiting for them', async () => {
    const closing = createPostgresDriver({ connectionString: url });
    const running = failure(closing.run('SELECT pg_sleep(30)'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = performance.now();
    await closing.close();
    expect(performance.now() - started).toBeLessThan(5_000);
    const error = await running;
    expect(error.kind).toBe('cancelled');
    expect(error.message).toBe('Query was cancelled (PostgreSQL: canceling statement due to user request)');
  });

  it('reports an unreachable server as a connection error', async () => {
    const nowhere = createPostgresDriver({ host: '127.0.0.1', port: 1, database: 'postgres', user: 'postgres' });
    try {
      const error = await failure(nowhere.run('SELECT 1'));
      expect(error.kind).toBe('connection');
      expect(error.message).toBe('Cannot connect to PostgreSQL: connect ECONNREFUSED 127.0.0.1:1');
    } finally {
      await nowhere.close();
    }
  });
});
