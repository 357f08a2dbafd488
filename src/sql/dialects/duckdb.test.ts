import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe } from 'vitest';
import { duckdbDialect } from './duckdb.ts';
import { executionSuite } from './exec-suite.ts';
import type { Row } from './exec-suite.ts';

let conn: DuckDBConnection | undefined;

beforeAll(async () => {
  const db = await DuckDBInstance.create(':memory:');
  conn = await db.connect();
  await conn.run('SET autoinstall_known_extensions=false');
  await conn.run("SET TimeZone='UTC'");
});

afterAll(() => {
  conn?.closeSync();
});

function text(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

describe('duckdb dialect on DuckDB', () => {
  executionSuite({
    dialect: duckdbDialect,
    async run(sql) {
      if (!conn) throw new Error('no connection');
      const reader = await conn.runAndReadAll(sql);
      return reader.getRowObjectsJson().map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, text(v)])) as Row);
    },
    series: (n, alias, col) => `range(1, ${n + 1}) AS ${alias}(${col})`,
  });
});
