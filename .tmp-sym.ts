import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import { duckdbDialect as d } from './src/sql/dialects/duckdb.ts';
import { postgresDialect as p } from './src/sql/dialects/postgres.ts';
const db = await DuckDBInstance.create(':memory:'); const c = await db.connect();
const client = new pg.Client({ connectionString: process.env.PGURL, types: { getTypeParser: () => (v: string) => v } }); await client.connect();
const gen = (series: string, name: string) => `WITH o AS (SELECT i AS id, CASE WHEN i % 97 = 0 THEN NULL ELSE CAST(((CAST(i AS BIGINT) * 7919 * 1000003) % 2000000000001) - 1000000000000 AS DECIMAL(18,0)) * 0.000001 END AS amount FROM ${series}), j AS (SELECT o.*, k FROM o JOIN ${name === 'duck' ? 'range(1, 6) s(k)' : 'generate_series(1, 5) AS s(k)'} ON k <= o.id % 5 + 1)`;
for (const [name, dia] of [['duck', d], ['pg', p]] as const) {
  const series = name === 'duck' ? 'range(1, 100001) t(i)' : 'generate_series(1, 100000) AS t(i)';
  const sql = `${gen(series, name)} SELECT SUM(amount) AS naive, ${dia.symmetricSum('amount', 'id')} AS sym, ${dia.symmetricSum('CAST(amount AS DOUBLE PRECISION)', 'id')} AS symf, (SELECT SUM(amount) FROM o) AS truth, COUNT(*) AS n FROM j`;
  const t0 = Date.now();
  try {
    if (name === 'duck') { const r = await c.runAndReadAll(sql); console.log(name, r.getRowObjectsJson()[0], r.columnTypes().map(String)); }
    else { const r = await client.query(sql); console.log(name, r.rows[0]); }
  } catch (e) { console.log(name, (e as Error).message); console.log(sql); }
  console.log(Date.now() - t0, 'ms');
}
await client.end();
