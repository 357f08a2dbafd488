import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { executionSuite } from './exec-suite.ts';
import { postgresDialect } from './postgres.ts';

let client: pg.Client | undefined;

beforeAll(async () => {
  const url = process.env.OVERLOOK_TEST_PG_URL;
  if (!url) throw new Error('OVERLOOK_TEST_PG_URL is not set (test/global-setup.ts starts PostgreSQL)');
  // Every value as the server's text, so results compare exactly with DuckDB's.
  client = new pg.Client({ connectionString: url, types: { getTypeParser: () => (v: string) => v } });
  await client.connect();
  await client.query("SET TIME ZONE 'UTC'");
});

afterAll(async () => {
  await client?.end();
});

describe('postgres dialect on PostgreSQL', () => {
  executionSuite({
    dialect: postgresDialect,
    async run(sql) {
      if (!client) throw new Error('no connection');
      const res = await client.query<Record<string, string | null>>(sql);
      return res.rows;
    },
    series: (n, alias, col) => `generate_series(1, ${n}) AS ${alias}(${col})`,
  });
});
