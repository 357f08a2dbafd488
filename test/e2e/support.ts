/** Shared by the end-to-end suites: a fresh PostgreSQL schema (on the test cluster) per suite. */
import pg from 'pg';

/** A URL whose connections use `schema` (dropped and recreated empty) as their search_path. */
export async function pgSchemaUrl(schema: string): Promise<string> {
  const base = process.env.OVERLOOK_TEST_PG_URL;
  if (base === undefined) throw new Error('OVERLOOK_TEST_PG_URL is not set (test/global-setup.ts starts PostgreSQL)');
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.query(`CREATE SCHEMA ${schema}`);
  await client.end();
  const u = new URL(base);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}
