import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Driver } from './driver.ts';
import { createDuckDBDriver } from './duckdb.ts';
import { Cancellation } from './run-control.ts';
import { failure } from './test-support.ts';

/** A statement that would run for hours: every pair of 10^8 × 10^5 rows is compared. */
const ENDLESS = 'SELECT count(*) AS n FROM range(100000000) a, range(100000) b WHERE a.range + b.range = -1';

describe('DuckDB driver', () => {
  let driver: Driver;
  beforeAll(() => {
    driver = createDuckDBDriver({ path: ':memory:', maxConnections: 2 });
  });
  afterAll(async () => {
    await driver.close();
  });

  it('returns values by the shared rules, columns in SELECT order', async () => {
    const result = await driver.run(`SELECT
      42::INTEGER AS i, 9007199254740991::BIGINT AS safe_big, 9007199254740993::BIGINT AS unsafe_big,
      170141183460469231731687303715884105727::HUGEINT AS huge,
      12.50::DECIMAL(10, 2) AS dec_exact, 12345678901234567.89::DECIMAL(38, 2) AS dec_big,
      0.12345678901234567890::DECIMAL(38, 20) AS dec_precise,
      1.5::DOUBLE AS dbl, 'NaN'::DOUBLE AS nan,
      DATE '2024-02-29' AS d, TIMESTAMP '2024-01-02 03:04:05' AS ts, TIMESTAMP '2024-01-02 03:04:05.250' AS ts_frac,
      TIMESTAMPTZ '2024-06-01 12:00:00+02' AS tstz, TRUE AS yes, NULL::VARCHAR AS nothing,
      [1, 2, 3] AS list, {'a': 1, 'b': 'x'} AS struct, 'O''Brien \\ ü' AS hostile`);
    expect(result.columns).toEqual([
      'i', 'safe_big', 'unsafe_big', 'huge', 'dec_exact', 'dec_big', 'dec_precise', 'dbl', 'nan', 'd', 'ts', 'ts_frac',
      'tstz', 'yes', 'nothing', 'list', 'struct', 'hostile',
    ]);
    expect(result.rows).toEqual([{
      i: 42, safe_big: 9007199254740991, unsafe_big: '9007199254740993', huge: '170141183460469231731687303715884105727',
      dec_exact: 12.5, dec_big: '12345678901234567.89', dec_precise: 0.12345678901234568, dbl: 1.5, nan: 'NaN',
      d: '2024-02-29', ts: '2024-01-02 03:04:05', ts_frac: '2024-01-02 03:04:05.25', tstz: '2024-06-01 10:00:00',
      yes: true, nothing: null, list: '[1,2,3]', struct: '{"a":1,"b":"x"}', hostile: "O'Brien \\ ü",
    }]);
  });

  it('converts time zones with the built-in ICU (no extension download)', async () => {
    const result = await driver.run(`SELECT
      TIMESTAMP '2024-01-15 12:00:00' AT TIME ZONE 'UTC' AT TIME ZONE 'America/New_York' AS ny,
      timezone('Asia/Tokyo', TIMESTAMPTZ '2024-01-15 00:00:00+00') AS tokyo,
      current_setting('TimeZone') AS session_zone`);
    expect(result.rows).toEqual([{ ny: '2024-01-15 07:00:00', tokyo: '2024-01-15 09:00:00', session_zone: 'UTC' }]);
  });

  it('times out a long query by interrupting it, with a clear error, and stays usable', async () => {
    const started = performance.now();
    const error = await failure(driver.run(ENDLESS, { timeoutMs: 300 }));
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(error.kind).toBe('timeout');
    expect(error.dialect).toBe('duckdb');
    expect(error.message).toBe('Query timed out after 300 ms and was cancelled (DuckDB: INTERRUPT Error: Interrupted!)');
    expect((await driver.run('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('cancels a running query when the AbortSignal fires', async () => {
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => {
      controller.abort();
    }, 200);
    const error = await failure(driver.run(ENDLESS, { signal: controller.signal }));
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(error.kind).toBe('cancelled');
    expect(error.message).toBe('Query was cancelled (DuckDB: INTERRUPT Error: Interrupted!)');
  });

  it('cancels a running query when a Cancellation aborts', async () => {
    const cancel = new Cancellation();
    setTimeout(() => {
      cancel.abort();
    }, 200);
    const error = await failure(driver.run(ENDLESS, { signal: cancel }));
    expect(error.kind).toBe('cancelled');
    expect(error.message).toBe('Query was cancelled (DuckDB: INTERRUPT Error: Interrupted!)');
    // A spent Cancellation refuses further runs, as an aborted AbortSignal does.
    expect((await failure(driver.run('SELECT 1 AS one', { signal: cancel }))).message).toBe('Query was cancelled');
    expect((await driver.run('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('reads every chunk of a result of several chunks, in order', async () => {
    // DuckDB hands results over in chunks of 2,048 rows: 5,000 rows span three.
    const result = await driver.run(`SELECT range AS i, 'row ' || range AS label, range * 0.5 AS half FROM range(5000) ORDER BY range`);
    expect(result.columns).toEqual(['i', 'label', 'half']);
    expect(result.rows).toHaveLength(5000);
    expect(result.rows[0]).toEqual({ i: 0, label: 'row 0', half: 0 });
    expect(result.rows[2047]).toEqual({ i: 2047, label: 'row 2047', half: 1023.5 });
    expect(result.rows[2048]).toEqual({ i: 2048, label: 'row 2048', half: 1024 });
    expect(result.rows[4999]).toEqual({ i: 4999, label: 'row 4999', half: 2499.5 });
    expect(result.rows.every((row, n) => row.i === n)).toBe(true);
  });

  it('answers a statement that returns no rows with its columns and no rows', async () => {
    expect(await driver.run('SELECT 1 AS a, 2 AS b WHERE false')).toEqual({ columns: ['a', 'b'], rows: [] });
  });

  it('does not start a query whose signal is already aborted', async () => {
    const error = await failure(driver.run('SELECT 1', { signal: AbortSignal.abort() }));
    expect(error.kind).toBe('cancelled');
    expect(error.message).toBe('Query was cancelled');
  });

  it('reports the database message for SQL errors', async () => {
    const error = await failure(driver.run('SELECT * FROM no_such_table'));
    expect(error.kind).toBe('database');
    expect(error.message).toMatch(/^Catalog Error: Table with name no_such_table does not exist!/);
  });

  it('queues runs beyond max_connections and a queued run can time out', async () => {
    const busy = [driver.run(ENDLESS, { timeoutMs: 1500 }), driver.run(ENDLESS, { timeoutMs: 1500 })];
    const queued = await failure(driver.run('SELECT 1', { timeoutMs: 200 }));
    expect(queued.kind).toBe('timeout');
    expect(queued.message).toBe('Query timed out after 200 ms and was cancelled (while waiting for a free connection)');
    const outcomes = await Promise.allSettled(busy);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    // Both connections went back to the pool: three quick runs now all succeed.
    const quick = await Promise.all([1, 2, 3].map((n) => driver.run(`SELECT ${n} AS n`)));
    expect(quick.map((r) => r.rows[0])).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  });
});

describe('DuckDB driver on a file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'overlook-duckdb-test-'));
    const writer = createDuckDBDriver({ path: join(dir, 'store.duckdb') });
    await writer.run(`CREATE SCHEMA shop; CREATE TABLE shop.items AS SELECT range AS id FROM range(3)`);
    await writer.close();
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens read-only on request, reads unqualified names from the schema, and refuses writes', async () => {
    const reader = createDuckDBDriver({ path: join(dir, 'store.duckdb'), readOnly: true, schema: 'shop' });
    try {
      expect((await reader.run('SELECT count(*) AS n FROM items')).rows).toEqual([{ n: 3 }]);
      const error = await failure(reader.run('CREATE TABLE shop.more (x INTEGER)'));
      expect(error.kind).toBe('database');
      expect(error.message).toMatch(/read-only/);
    } finally {
      await reader.close();
    }
  });

  it('reports a database that cannot be opened as a connection error', async () => {
    const missing = createDuckDBDriver({ path: join(dir, 'missing.duckdb'), readOnly: true });
    const error = await failure(missing.run('SELECT 1'));
    expect(error.kind).toBe('connection');
    expect(error.message).toContain(`Cannot open DuckDB database ${join(dir, 'missing.duckdb')}`);
    await missing.close();
  });

  it('interrupts running statements on close', async () => {
    const closing = createDuckDBDriver({ path: ':memory:' });
    const running = failure(closing.run(ENDLESS));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await closing.close();
    const error = await running;
    expect(error.kind).toBe('connection');
    expect(error.message).toBe('The DuckDB driver was closed while the query ran');
  });

  it('rejects runs after close', async () => {
    const closed = createDuckDBDriver({ path: ':memory:' });
    await closed.run('SELECT 1');
    await closed.close();
    const error = await failure(closed.run('SELECT 1'));
    expect(error.message).toBe('The DuckDB driver is closed');
  });
});
