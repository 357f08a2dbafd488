/**
 * A database connection driver: runs SQL that `src/sql` compiled for its dialect.
 *
 * Drivers return rows as plain JSON-able objects with values as Looker returns them:
 * integers that fit a JS number as numbers, bigint/numeric beyond 2^53 as strings,
 * DATE as `YYYY-MM-DD`, TIMESTAMP as `YYYY-MM-DD HH:MM:SS`, booleans as booleans,
 * NULL as null. Column order follows the SELECT list.
 */

export interface QueryResult {
  readonly columns: readonly string[];
  readonly rows: readonly Record<string, unknown>[];
}

export interface RunOptions {
  /** Abort the statement after this many milliseconds (the driver cancels it on the server). */
  readonly timeoutMs?: number;
  /** Cancel from outside (e.g. the client went away). */
  readonly signal?: AbortSignal;
}

export interface Driver {
  /** Registry key; equals the dialect name the driver's SQL is compiled for. */
  readonly dialect: string;
  run(sql: string, options?: RunOptions): Promise<QueryResult>;
  close(): Promise<void>;
}

/** Connection settings as Looker's `DBConnection` carries them (subset the drivers use). */
export interface ConnectionConfig {
  readonly dialect_name: string;
  /** DuckDB: file path (or `:memory:`); PostgreSQL: database name. */
  readonly database?: string;
  readonly host?: string;
  readonly port?: number | string;
  readonly username?: string;
  readonly password?: string;
  readonly schema?: string;
  readonly max_connections?: number;
  /** Seconds, as in Looker. */
  readonly query_timeout?: number;
}
