/**
 * The bundled demo dataset: builds it in DuckDB (demo-sql.ts), caches it as a file, and tells
 * whether a cached file is current. `loadDemoIntoPostgres` (demo-postgres.ts) copies it onward.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { DEMO_META_TABLE, DEMO_TABLES, demoStatements } from './demo-sql.ts';
import type { DemoTable } from './demo-sql.ts';

export { DEMO_SIZES, DEMO_TABLES } from './demo-sql.ts';
export type { DemoTable } from './demo-sql.ts';

/** Bump whenever the generated data changes: cached files of another version are rebuilt. */
export const DEMO_GENERATOR_VERSION = 2;
export const DEMO_DEFAULT_SEED = 20_220_101;
/** `demo/thelook.duckdb` in the package (gitignored, built on demand). */
export const DEFAULT_DEMO_DATABASE = fileURLToPath(new URL('../../demo/thelook.duckdb', import.meta.url));

export interface DemoDataOptions {
  readonly seed?: number;
}

export interface DemoDataStats {
  readonly rowCounts: Readonly<Record<DemoTable, number>>;
  readonly elapsedMs: number;
}

const INSTANCE_OPTIONS = { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' } as const;

async function countRows(conn: DuckDBConnection): Promise<Record<DemoTable, number>> {
  const sql = DEMO_TABLES.map((t) => `SELECT '${t}' AS name, count(*)::INTEGER AS n FROM ${t}`).join(' UNION ALL ');
  const rows = (await conn.runAndReadAll(sql)).getRowObjectsJson();
  const counts: Partial<Record<DemoTable, number>> = {};
  for (const row of rows) counts[row.name as DemoTable] = Number(row.n);
  return counts as Record<DemoTable, number>;
}

async function buildInto(conn: DuckDBConnection, seed: number): Promise<Record<DemoTable, number>> {
  for (const statement of demoStatements(seed, DEMO_GENERATOR_VERSION)) await conn.run(statement);
  return countRows(conn);
}

let tempCounter = 0;

/**
 * Build the demo tables. `target` is a DuckDB connection (tables go into its current schema)
 * or a file path: the file is written beside the target under a temporary name and renamed into
 * place when complete, so readers never see a half-built database.
 */
export async function generateDemoData(target: string | DuckDBConnection, options: DemoDataOptions = {}): Promise<DemoDataStats> {
  const started = performance.now();
  const seed = options.seed ?? DEMO_DEFAULT_SEED;
  if (target instanceof DuckDBConnection) {
    const rowCounts = await buildInto(target, seed);
    return { rowCounts, elapsedMs: performance.now() - started };
  }
  const temp = target.replace(/(\.duckdb)?$/, `.tmp-${process.pid}-${tempCounter++}.duckdb`);
  rmSync(temp, { force: true });
  rmSync(`${temp}.wal`, { force: true });
  const instance = await DuckDBInstance.create(temp, INSTANCE_OPTIONS);
  let rowCounts: Record<DemoTable, number>;
  try {
    const conn = await instance.connect();
    try {
      rowCounts = await buildInto(conn, seed);
      await conn.run('CHECKPOINT');
    } finally {
      conn.closeSync();
    }
  } catch (error) {
    instance.closeSync();
    rmSync(temp, { force: true });
    rmSync(`${temp}.wal`, { force: true });
    throw error;
  }
  instance.closeSync();
  renameSync(temp, target);
  rmSync(`${target}.wal`, { force: true });
  return { rowCounts, elapsedMs: performance.now() - started };
}

/** The generator version recorded in a demo file; null when missing, unreadable or not a demo file. */
export async function readDemoVersion(path: string): Promise<number | null> {
  if (!existsSync(path)) return null;
  try {
    const instance = await DuckDBInstance.create(path, { ...INSTANCE_OPTIONS, access_mode: 'READ_ONLY' });
    try {
      const conn = await instance.connect();
      try {
        const rows = (await conn.runAndReadAll(`SELECT generator_version FROM ${DEMO_META_TABLE}`)).getRows();
        const version = rows[0]?.[0];
        return typeof version === 'number' ? version : null;
      } finally {
        conn.closeSync();
      }
    } finally {
      instance.closeSync();
    }
  } catch {
    return null;
  }
}

/**
 * The path of a current demo database, building it first when it is missing or was made by
 * another generator version. `log` hears about a (re)build, which takes a few seconds.
 */
export async function ensureDemoDatabase(log?: (message: string) => void, path: string = DEFAULT_DEMO_DATABASE): Promise<string> {
  if ((await readDemoVersion(path)) === DEMO_GENERATOR_VERSION) return path;
  log?.(`Building the demo database ${path} (generator v${DEMO_GENERATOR_VERSION})…`);
  const stats = await generateDemoData(path);
  const total = Object.values(stats.rowCounts).reduce((a, b) => a + b, 0);
  log?.(`Demo database ready: ${total} rows in ${(stats.elapsedMs / 1000).toFixed(1)} s.`);
  return path;
}
