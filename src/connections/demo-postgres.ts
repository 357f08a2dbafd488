/**
 * Copies the demo tables from the cached DuckDB file into a PostgreSQL schema: DuckDB writes
 * each table as CSV (fast, parallel) and PostgreSQL reads it with COPY. A schema that already
 * holds the current generator version is reused unless `replace` is set.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DEMO_GENERATOR_VERSION, DEFAULT_DEMO_DATABASE, ensureDemoDatabase } from './demo-data.ts';
import { DEMO_META_TABLE, DEMO_TABLES } from './demo-sql.ts';
import type { DemoTable } from './demo-sql.ts';
import { copyFrom } from './pg-copy.ts';

export interface DemoLoadOptions {
  /** The DuckDB demo file to copy from (built when missing or stale); default demo/thelook.duckdb. */
  readonly source?: string;
  /** Reload even when the schema already holds this generator version. */
  readonly replace?: boolean;
  readonly log?: (message: string) => void;
}

export interface DemoLoadStats {
  readonly schema: string;
  readonly rowCounts: Readonly<Record<DemoTable, number>>;
  /** True when the schema was already current and nothing was copied. */
  readonly reused: boolean;
  readonly elapsedMs: number;
}

/** Primary keys, added after the load (cheaper than maintaining the index row by row). */
const PRIMARY_KEYS: Readonly<Record<DemoTable, string>> = {
  distribution_centers: 'id',
  products: 'id',
  users: 'id',
  orders: 'order_id',
  order_items: 'id',
  inventory_items: 'id',
};

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function postgresType(duckdbType: string): string {
  const decimal = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(duckdbType);
  if (decimal) return `numeric(${decimal[1] ?? ''}, ${decimal[2] ?? ''})`;
  const known: Readonly<Record<string, string>> = {
    INTEGER: 'integer', BIGINT: 'bigint', VARCHAR: 'text', DOUBLE: 'double precision', BOOLEAN: 'boolean',
    DATE: 'date', TIMESTAMP: 'timestamp',
  };
  const mapped = known[duckdbType];
  if (!mapped) throw new Error(`No PostgreSQL type for the DuckDB type ${duckdbType}`);
  return mapped;
}

async function columnsOf(duck: DuckDBConnection, table: string): Promise<{ name: string; type: string }[]> {
  const rows = (await duck.runAndReadAll(`DESCRIBE ${quoteIdent(table)}`)).getRowObjectsJson();
  return rows.map((row) => {
    const { column_name: name, column_type: type } = row;
    if (typeof name !== 'string' || typeof type !== 'string') throw new Error(`Unexpected DESCRIBE output for ${table}`);
    return { name, type: postgresType(type) };
  });
}

async function currentCounts(client: pg.Client, schema: string): Promise<Record<DemoTable, number> | null> {
  const meta = await client.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [`${quoteIdent(schema)}.${DEMO_META_TABLE}`]);
  if (!meta.rows[0]?.present) return null;
  const version = await client.query<{ generator_version: number }>(`SELECT generator_version FROM ${quoteIdent(schema)}.${DEMO_META_TABLE}`);
  if (version.rows[0]?.generator_version !== DEMO_GENERATOR_VERSION) return null;
  const sql = DEMO_TABLES.map((t) => `SELECT '${t}' AS name, count(*)::integer AS n FROM ${quoteIdent(schema)}.${t}`).join(' UNION ALL ');
  const counts: Partial<Record<DemoTable, number>> = {};
  for (const row of (await client.query<{ name: DemoTable; n: number }>(sql)).rows) counts[row.name] = row.n;
  return counts as Record<DemoTable, number>;
}

interface TableExport {
  readonly columns: readonly { name: string; type: string }[];
  /** Resolves to the CSV file once DuckDB has written it. */
  readonly file: Promise<string>;
}

/**
 * Start writing every table as CSV, one after another on the DuckDB connection, so DuckDB
 * exports the next table while PostgreSQL is still reading the previous one.
 */
async function exportTables(duck: DuckDBConnection, dir: string): Promise<Map<DemoTable, TableExport>> {
  const exports = new Map<DemoTable, TableExport>();
  let previous: Promise<unknown> = Promise.resolve();
  for (const table of DEMO_TABLES) {
    const columns = await columnsOf(duck, table);
    const path = join(dir, `${table}.csv`);
    // NULL is an unquoted empty field and '' a quoted one in both DuckDB's and PostgreSQL's CSV.
    const sql = `COPY ${quoteIdent(table)} TO '${path.replaceAll("'", "''")}' (FORMAT csv, HEADER false)`;
    const file = previous.then(() => duck.run(sql)).then(() => path);
    // A failure is reported where the file is awaited; this keeps the chain itself from rejecting unobserved.
    file.catch(() => undefined);
    previous = file.catch(() => undefined);
    exports.set(table, { columns, file });
  }
  return exports;
}

async function copyTable(client: pg.Client, schema: string, table: DemoTable, source: TableExport): Promise<number> {
  const target = `${quoteIdent(schema)}.${quoteIdent(table)}`;
  await client.query(`DROP TABLE IF EXISTS ${target} CASCADE`);
  await client.query(`CREATE TABLE ${target} (${source.columns.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(', ')})`);
  const file = await source.file;
  await copyFrom(client, `COPY ${target} FROM STDIN WITH (FORMAT csv)`, readFileSync(file));
  rmSync(file, { force: true });
  await client.query(`ALTER TABLE ${target} ADD PRIMARY KEY (${quoteIdent(PRIMARY_KEYS[table])})`);
  const count = await client.query<{ n: number }>(`SELECT count(*)::integer AS n FROM ${target}`);
  return count.rows[0]?.n ?? 0;
}

/**
 * Load the demo tables into `schema` (created when missing) of the database at `url`. Concurrent
 * loads of the same schema wait for each other (an advisory lock), so test files can share one.
 */
export async function loadDemoIntoPostgres(url: string, schema: string, options: DemoLoadOptions = {}): Promise<DemoLoadStats> {
  const started = performance.now();
  const source = await ensureDemoDatabase(options.log, options.source ?? DEFAULT_DEMO_DATABASE);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`overlook-demo:${schema}`]);
    if (!options.replace) {
      const existing = await currentCounts(client, schema);
      if (existing) {
        await client.query('COMMIT');
        return { schema, rowCounts: existing, reused: true, elapsedMs: performance.now() - started };
      }
    }
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    const dir = mkdtempSync(join(tmpdir(), 'overlook-demo-'));
    const instance = await DuckDBInstance.create(source, {
      access_mode: 'READ_ONLY', autoinstall_known_extensions: 'false', autoload_known_extensions: 'false',
    });
    const counts: Partial<Record<DemoTable, number>> = {};
    try {
      const duck = await instance.connect();
      const exports = await exportTables(duck, dir);
      try {
        for (const [table, source] of exports) counts[table] = await copyTable(client, schema, table, source);
      } finally {
        // Let DuckDB finish any export still running before the connection closes.
        await Promise.allSettled([...exports.values()].map((e) => e.file));
        duck.closeSync();
      }
    } finally {
      instance.closeSync();
      rmSync(dir, { recursive: true, force: true });
    }
    const meta = `${quoteIdent(schema)}.${DEMO_META_TABLE}`;
    await client.query(`DROP TABLE IF EXISTS ${meta}`);
    await client.query(`CREATE TABLE ${meta} AS SELECT ${DEMO_GENERATOR_VERSION}::integer AS generator_version`);
    await client.query('COMMIT');
    // Planner statistics, so the first test queries get sensible plans.
    await client.query(`ANALYZE ${DEMO_TABLES.map((t) => `${quoteIdent(schema)}.${t}`).join(', ')}`);
    const rowCounts = counts as Record<DemoTable, number>;
    options.log?.(`Loaded the demo data into PostgreSQL schema ${schema} in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
    return { schema, rowCounts, reused: false, elapsedMs: performance.now() - started };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}
