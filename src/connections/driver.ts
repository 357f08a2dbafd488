/**
 * A database connection driver: runs SQL that `src/sql` compiled for its dialect.
 *
 * Drivers return rows as plain JSON-able objects with values as Looker returns them:
 * integers that fit a JS number as numbers, bigint/numeric beyond 2^53 as strings,
 * DATE as `YYYY-MM-DD`, TIMESTAMP as `YYYY-MM-DD HH:MM:SS`, booleans as booleans,
 * NULL as null. Column order follows the SELECT list. The exact rules (decimals, fractional
 * seconds, zone-aware timestamps, lists/structs as JSON text) are in `values.ts`.
 *
 * Failures reject with a `DriverError`: `kind` tells a timeout or cancellation from an error
 * the database reported, and `message` carries the database's own message.
 */

export interface QueryResult {
  readonly columns: readonly string[];
  readonly rows: readonly Record<string, unknown>[];
}

/**
 * What a run needs of a cancellation signal. An `AbortSignal` is one; so is the cheaper
 * `Cancellation` (run-control.ts), for request paths that pay for every allocation.
 */
export interface CancelSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { readonly once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

export interface RunOptions {
  /** Abort the statement after this many milliseconds (the driver cancels it on the server). */
  readonly timeoutMs?: number;
  /** Cancel from outside (e.g. the client went away). */
  readonly signal?: CancelSignal;
  /**
   * The SQL is one read-only query that is likely to run again (a compiled Looker query): the
   * driver may keep it prepared and reuse the plan for as long as nothing else ran on the database.
   * Anything else (SQL Runner text, DDL, several statements) must leave it unset.
   */
  readonly reusable?: boolean;
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
  /**
   * Extra settings as `key=value` pairs joined by `&` or `;`, as Looker's field of that name.
   * DuckDB passes them as database config (e.g. `access_mode=read_only`); PostgreSQL reads
   * `application_name` and `sslmode`.
   */
  readonly jdbc_additional_params?: string;
}

export type DriverErrorKind = 'timeout' | 'cancelled' | 'database' | 'connection';

/** Why a run failed; `message` starts with the database's own message for `database` errors. */
export class DriverError extends Error {
  override readonly name = 'DriverError';
  readonly kind: DriverErrorKind;
  readonly dialect: string;
  /** PostgreSQL SQLSTATE (e.g. `42P01`), when the database gave one. */
  readonly sqlState: string | undefined;

  constructor(kind: DriverErrorKind, dialect: string, message: string, options?: { cause?: unknown; sqlState?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.dialect = dialect;
    this.sqlState = options?.sqlState;
  }
}
