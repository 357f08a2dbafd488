import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDuckDBDriver, type DuckDBDriver } from './duckdb.ts';
import { STATEMENTS_PER_CONNECTION } from './duckdb-statements.ts';
import { Cancellation } from './run-control.ts';
import { failure } from './test-support.ts';

const ENDLESS = 'SELECT count(*) AS n FROM range(100000000) a, range(100000) b WHERE a.range + b.range = -1';
const REUSE = { reusable: true } as const;

describe('DuckDB kept statements (reusable queries)', () => {
  let driver: DuckDBDriver;
  beforeEach(async () => {
    // One connection, so every run meets the statements the previous ones kept.
    driver = createDuckDBDriver({ path: ':memory:', maxConnections: 1 });
    await driver.run(`CREATE TABLE t AS SELECT range AS id, 'row ' || range AS label FROM range(3)`);
    await driver.run(`CREATE VIEW v AS SELECT 1 AS q`);
  });
  afterEach(async () => {
    await driver.close();
  });

  it('prepares a reusable query the second time it runs and answers alike every time', async () => {
    const sql = 'SELECT label, count(*) AS n FROM t GROUP BY 1 ORDER BY 1';
    const expected = { columns: ['label', 'n'], rows: [{ label: 'row 0', n: 1 }, { label: 'row 1', n: 1 }, { label: 'row 2', n: 1 }] };
    expect(await driver.run(sql, REUSE)).toEqual(expected);
    expect(driver.keptStatements()).toBe(0);
    expect(await driver.run(sql, REUSE)).toEqual(expected);
    expect(driver.keptStatements()).toBe(1);
    expect(await driver.run(sql, REUSE)).toEqual(expected);
    expect(driver.keptStatements()).toBe(1);
    // Runs not marked reusable never keep one.
    await driver.run('SELECT 42 AS x');
    await driver.run('SELECT 42 AS x');
    expect(driver.keptStatements()).toBe(0);
  });

  it('drops kept plans when other SQL changes the database (DuckDB would answer a replaced view from the old plan)', async () => {
    const sql = 'SELECT q FROM v';
    await driver.run(sql, REUSE);
    expect((await driver.run(sql, REUSE)).rows).toEqual([{ q: 1 }]);
    expect(driver.keptStatements()).toBe(1);
    await driver.run(`CREATE OR REPLACE VIEW v AS SELECT 'z' AS q`);
    expect((await driver.run(sql, REUSE)).rows).toEqual([{ q: 'z' }]);
    // Kept again from the new definition on.
    expect((await driver.run(sql, REUSE)).rows).toEqual([{ q: 'z' }]);
    expect(driver.keptStatements()).toBe(1);
    await driver.run(`INSERT INTO t VALUES (3, 'row 3')`);
    expect((await driver.run('SELECT count(*) AS n FROM t', REUSE)).rows).toEqual([{ n: 4 }]);
  });

  it('runs several statements marked reusable as given, as SQL that may change the database', async () => {
    await driver.run('SELECT q FROM v', REUSE);
    await driver.run('SELECT q FROM v', REUSE);
    expect(driver.keptStatements()).toBe(1);
    const text = `CREATE OR REPLACE VIEW v AS SELECT 2 AS q; SELECT q FROM v`;
    await driver.run(text, REUSE);
    expect((await driver.run(text, REUSE)).rows).toEqual([{ q: 2 }]);
    expect(driver.keptStatements()).toBe(0);
    expect((await driver.run('SELECT q FROM v', REUSE)).rows).toEqual([{ q: 2 }]);
  });

  it('reports errors of reusable queries in the database words of an unprepared run, every time', async () => {
    const sql = 'SELECT * FROM no_such_table';
    const plain = await failure(driver.run(sql));
    for (let i = 0; i < 3; i++) {
      const error = await failure(driver.run(sql, REUSE));
      expect(error.kind).toBe('database');
      expect(error.message).toBe(plain.message);
    }
    expect(driver.keptStatements()).toBe(0);
    // A kept statement whose table went away fails like an unprepared run, and is dropped.
    await driver.run('CREATE TABLE gone AS SELECT 1 AS a');
    await driver.run('SELECT a FROM gone', REUSE);
    await driver.run('SELECT a FROM gone', REUSE);
    expect(driver.keptStatements()).toBe(1);
    await driver.run('DROP TABLE gone');
    const gone = await failure(driver.run('SELECT a FROM gone', REUSE));
    expect(gone.message).toMatch(/^Catalog Error: Table with name gone does not exist!/);
    expect(driver.keptStatements()).toBe(0);
  });

  it('cancels a run of a prepared statement like any other, and answers on', async () => {
    await driver.run(ENDLESS, { ...REUSE, signal: AbortSignal.abort() }).catch(() => undefined);
    const first = new Cancellation();
    setTimeout(() => { first.abort(); }, 100);
    // Seen before (the run above was refused before reaching the database, so this is its first run).
    expect((await failure(driver.run(ENDLESS, { ...REUSE, signal: first }))).kind).toBe('cancelled');
    const second = new Cancellation();
    setTimeout(() => { second.abort(); }, 100);
    const error = await failure(driver.run(ENDLESS, { ...REUSE, signal: second }));
    expect(error.kind).toBe('cancelled');
    expect(error.message).toBe('Query was cancelled (DuckDB: INTERRUPT Error: Interrupted!)');
    expect((await driver.run('SELECT count(*) AS n FROM t', REUSE)).rows).toEqual([{ n: 3 }]);
  });

  it('keeps at most a bounded number of statements per connection', async () => {
    for (let n = 0; n <= STATEMENTS_PER_CONNECTION; n++) {
      await driver.run(`SELECT ${n} AS n`, REUSE);
      expect((await driver.run(`SELECT ${n} AS n`, REUSE)).rows).toEqual([{ n }]);
    }
    expect(driver.keptStatements()).toBe(STATEMENTS_PER_CONNECTION);
    // The oldest went first; the newest still answers.
    expect((await driver.run(`SELECT ${STATEMENTS_PER_CONNECTION} AS n`, REUSE)).rows).toEqual([{ n: STATEMENTS_PER_CONNECTION }]);
  });
});

describe('DuckDB kept statements over files', () => {
  it('see files change under them: DuckDB binds file scans again on every run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'overlook-kept-files-'));
    const driver = createDuckDBDriver({ path: ':memory:', maxConnections: 1 });
    try {
      writeFileSync(join(dir, 'a.csv'), 'x,y\n1,a\n');
      const sql = `SELECT count(*) AS n, sum(x) AS total, max(y) AS y FROM read_csv('${dir}/*.csv')`;
      await driver.run(sql, REUSE);
      expect((await driver.run(sql, REUSE)).rows).toEqual([{ n: 1, total: 1, y: 'a' }]);
      expect(driver.keptStatements()).toBe(1);
      writeFileSync(join(dir, 'a.csv'), 'x,y\n1,a\n5,b\n');
      expect((await driver.run(sql, REUSE)).rows).toEqual([{ n: 2, total: 6, y: 'b' }]);
      writeFileSync(join(dir, 'b.csv'), 'x,y\n100,c\n');
      expect((await driver.run(sql, REUSE)).rows).toEqual([{ n: 3, total: 106, y: 'c' }]);
      writeFileSync(join(dir, 'a.csv'), 'x\n1\n');
      writeFileSync(join(dir, 'b.csv'), 'x\n2\n');
      const error = await failure(driver.run(sql, REUSE));
      expect(error.message).toBe((await failure(driver.run(sql))).message);
    } finally {
      await driver.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('DuckDB kept statements while other SQL runs', () => {
  it('neither keeps nor reuses plans while SQL that may change the database is running', async () => {
    const driver = createDuckDBDriver({ path: ':memory:', maxConnections: 2 });
    try {
      const sql = 'SELECT 7 AS seven';
      const cancel = new Cancellation();
      const other = failure(driver.run(ENDLESS, { signal: cancel }));
      await driver.run(sql, REUSE);
      await driver.run(sql, REUSE);
      await driver.run(sql, REUSE);
      expect(driver.keptStatements()).toBe(0);
      cancel.abort();
      expect((await other).kind).toBe('cancelled');
      await driver.run(sql, REUSE);
      expect(driver.keptStatements()).toBe(1);
    } finally {
      await driver.close();
    }
  });
});
