import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDriver, knownDialects, postgresConfigFromUrl, registerDriver } from './registry.ts';
import { parseAdditionalParams } from './run-control.ts';
import { failure } from './test-support.ts';

const dir = mkdtempSync(join(tmpdir(), 'overlook-registry-test-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('createDriver', () => {
  it('rejects an unknown dialect, listing the known ones', () => {
    expect(() => createDriver({ dialect_name: 'snowflake' })).toThrow('Unknown dialect "snowflake". Known dialects: duckdb, postgres');
    expect(knownDialects()).toEqual(['duckdb', 'postgres']);
  });

  it('builds a DuckDB driver whose query_timeout (seconds) is the default timeout', async () => {
    const driver = createDriver({ dialect_name: 'duckdb', query_timeout: 0.3 });
    try {
      expect(driver.dialect).toBe('duckdb');
      const error = await failure(driver.run('SELECT count(*) FROM range(100000000) a, range(100000) b WHERE a.range + b.range = -1'));
      expect(error.kind).toBe('timeout');
      expect(error.message).toBe('Query timed out after 300 ms and was cancelled (DuckDB: INTERRUPT Error: Interrupted!)');
      // A run's own timeout wins over the connection's.
      expect((await driver.run('SELECT 7 AS n', { timeoutMs: 5000 })).rows).toEqual([{ n: 7 }]);
    } finally {
      await driver.close();
    }
  });

  it('opens a DuckDB file read-only with jdbc_additional_params access_mode=read_only', async () => {
    const path = join(dir, 'registry.duckdb');
    const writer = createDriver({ dialect_name: 'duckdb', database: path });
    await writer.run('CREATE TABLE t AS SELECT 1 AS x');
    await writer.close();
    const reader = createDriver({ dialect_name: 'duckdb', database: path, jdbc_additional_params: 'access_mode=read_only&threads=1' });
    try {
      expect((await reader.run(`SELECT x, current_setting('threads') AS threads FROM t`)).rows).toEqual([{ x: 1, threads: 1 }]);
      const error = await failure(reader.run('INSERT INTO t VALUES (2)'));
      expect(error.kind).toBe('database');
      expect(error.message).toMatch(/read-only/);
    } finally {
      await reader.close();
    }
  });

  it('reads a postgres:// URL into a connection config', () => {
    expect(postgresConfigFromUrl('postgres://ana%40x:p%2Fw@db.local:6543/sales?schema=mart')).toEqual({
      dialect_name: 'postgres', host: 'db.local', port: '6543', database: 'sales', username: 'ana@x', password: 'p/w', schema: 'mart',
    });
    expect(postgresConfigFromUrl('postgres://u@h/d', 'other')).toMatchObject({ port: '5432', schema: 'other' });
  });

  it('builds a PostgreSQL driver from host, port, database, username and query_timeout', async () => {
    const url = new URL(process.env.OVERLOOK_TEST_PG_URL ?? '');
    const driver = createDriver({
      dialect_name: 'postgres', host: url.hostname, port: url.port, database: url.pathname.slice(1),
      username: decodeURIComponent(url.username), query_timeout: 1, jdbc_additional_params: 'application_name=overlook-test',
    });
    try {
      expect(driver.dialect).toBe('postgres');
      expect((await driver.run(`SELECT current_setting('application_name') AS app`)).rows).toEqual([{ app: 'overlook-test' }]);
      const error = await failure(driver.run('SELECT pg_sleep(10)'));
      expect(error.kind).toBe('timeout');
      expect(error.message).toBe('Query timed out after 1000 ms and was cancelled (PostgreSQL: canceling statement due to statement timeout)');
    } finally {
      await driver.close();
    }
  });

  it('rejects a non-numeric port', () => {
    expect(() => createDriver({ dialect_name: 'postgres', port: 'five' })).toThrow('Invalid port for a postgres connection: five');
  });

  it('accepts drivers registered for other dialects', async () => {
    registerDriver('echo', (config) => ({
      dialect: 'echo',
      run: (sql) => Promise.resolve({ columns: ['sql', 'db'], rows: [{ sql, db: config.database ?? null }] }),
      close: () => Promise.resolve(),
    }));
    const driver = createDriver({ dialect_name: 'echo', database: 'x' });
    expect((await driver.run('SELECT 1')).rows).toEqual([{ sql: 'SELECT 1', db: 'x' }]);
    expect(knownDialects()).toEqual(['duckdb', 'echo', 'postgres']);
  });
});

describe('parseAdditionalParams', () => {
  it('splits on & and ;, lower-cases keys and decodes values', () => {
    expect(parseAdditionalParams('Access_Mode=read_only; threads=2&application_name=a%20b&bad')).toEqual({
      access_mode: 'read_only', threads: '2', application_name: 'a b',
    });
    expect(parseAdditionalParams(undefined)).toEqual({});
  });
});
