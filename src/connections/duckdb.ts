/**
 * DuckDB driver (`@duckdb/node-api`): one database instance per driver, a small pool of
 * connections (DuckDB runs statements of different connections in parallel, but one connection
 * runs one statement at a time), timeouts and cancellation by interrupting the connection.
 *
 * Extensions are never downloaded or auto-loaded (the server has no internet); ICU, JSON and
 * Parquet are built into the binary, so `AT TIME ZONE` and `timezone()` work. Sessions run in
 * UTC so zone-aware values convert the same on every machine.
 */
import {
  DuckDBArrayValue, DuckDBDateValue, DuckDBDecimalValue, DuckDBInstance, DuckDBListValue, DuckDBMapValue,
  DuckDBStructValue, DuckDBTimestampTZValue, DuckDBTimestampValue, DuckDBUnionValue, DuckDBVariantValue,
} from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBMaterializedResult, DuckDBPreparedStatement, DuckDBValue } from '@duckdb/node-api';
import { DriverError } from './driver.ts';
import { readColumn } from './duckdb-columns.ts';
import { StatementCache } from './duckdb-statements.ts';
import type { Driver, QueryResult, RunOptions } from './driver.ts';
import { decimalValue, floatValue, integerValue, nestedValue } from './values.ts';
import { RunGuard, errorMessage } from './run-control.ts';

export interface DuckDBDriverOptions {
  /** Database file, or `:memory:`. */
  readonly path: string;
  /** Open the file with `access_mode=READ_ONLY` (other processes may read it at the same time). */
  readonly readOnly?: boolean;
  /** Default schema for unqualified table names (`SET schema`). */
  readonly schema?: string;
  /** Connections in the pool; default 4. */
  readonly maxConnections?: number;
  /** Timeout for runs that do not pass their own. */
  readonly defaultTimeoutMs?: number;
  /** Extra DuckDB config options for the instance (e.g. `threads`, `memory_limit`). */
  readonly config?: Readonly<Record<string, string>>;
}

const DIALECT = 'duckdb';
/** DuckDB's refusal to prepare a text holding more than one statement. */
const MULTIPLE_STATEMENTS = /cannot prepare multiple statements/i;

/** Convert one DuckDB value by the shared rules (values.ts); nested values stay JS values here. */
function jsonValue(value: DuckDBValue): unknown {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return floatValue(value);
  if (typeof value === 'bigint') return integerValue(value);
  if (value instanceof DuckDBDecimalValue) return decimalValue(value.toString());
  // Zone-aware timestamps print in UTC, the same text as a plain timestamp with those micros.
  if (value instanceof DuckDBTimestampTZValue) return new DuckDBTimestampValue(value.micros).toString();
  if (value instanceof DuckDBTimestampValue || value instanceof DuckDBDateValue) return value.toString();
  if (value instanceof DuckDBListValue || value instanceof DuckDBArrayValue) return value.items.map(jsonValue);
  if (value instanceof DuckDBStructValue) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value.entries)) out[key] = jsonValue(item);
    return out;
  }
  if (value instanceof DuckDBMapValue) {
    return value.entries.map((entry) => ({ key: jsonValue(entry.key), value: jsonValue(entry.value) }));
  }
  if (value instanceof DuckDBUnionValue) return jsonValue(value.value);
  if (value instanceof DuckDBVariantValue) return jsonValue(value.value);
  return value.toString();
}

/** A top-level cell: scalars by the value rules, nested values as JSON text. */
export function duckdbCellValue(value: DuckDBValue): unknown {
  const converted = jsonValue(value);
  return converted !== null && typeof converted === 'object' ? nestedValue(converted) : converted;
}

interface Waiter {
  resolve(conn: DuckDBConnection): void;
  reject(error: unknown): void;
}

/** Opens lazily so `createDriver` stays synchronous; an open failure rejects every run. */
class ConnectionPool {
  private instance: Promise<DuckDBInstance> | undefined;
  private readonly idle: DuckDBConnection[] = [];
  private readonly waiters: Waiter[] = [];
  /** Connections lent to runs; close() interrupts their statements. */
  private readonly busy = new Set<DuckDBConnection>();
  private open = 0;
  private closed = false;

  constructor(private readonly options: DuckDBDriverOptions, private readonly max: number) {}

  private getInstance(): Promise<DuckDBInstance> {
    this.instance ??= DuckDBInstance.create(this.options.path, {
      ...this.options.config,
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      ...(this.options.readOnly ? { access_mode: 'READ_ONLY' } : {}),
    });
    return this.instance;
  }

  private async connect(): Promise<DuckDBConnection> {
    const conn = await (await this.getInstance()).connect();
    const setup = [`SET TimeZone = 'UTC'`];
    if (this.options.schema) setup.push(`SET schema = '${this.options.schema.replaceAll("'", "''")}'`);
    await conn.run(setup.join('; '));
    return conn;
  }

  isClosed(): boolean {
    return this.closed;
  }

  idleConnections(): readonly DuckDBConnection[] {
    return this.idle;
  }

  /** An idle connection is handed over synchronously: a promise would cost every run a hop. */
  acquire(guard: RunGuard): DuckDBConnection | Promise<DuckDBConnection> {
    if (this.closed) throw new DriverError('connection', DIALECT, 'The DuckDB driver is closed');
    const ready = this.idle.pop();
    if (ready) {
      this.busy.add(ready);
      return ready;
    }
    return this.take(guard).then((conn) => {
      this.busy.add(conn);
      return conn;
    });
  }

  private async take(guard: RunGuard): Promise<DuckDBConnection> {
    if (this.open < this.max) {
      this.open++;
      try {
        return await this.connect();
      } catch (error) {
        this.open--;
        throw new DriverError('connection', DIALECT, `Cannot open DuckDB database ${this.options.path}: ${errorMessage(error)}`, { cause: error });
      }
    }
    return new Promise<DuckDBConnection>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject };
      this.waiters.push(waiter);
      // A run that stops while queued leaves the queue; nothing runs on the server yet.
      guard.onStop(() => {
        const at = this.waiters.indexOf(waiter);
        if (at >= 0) this.waiters.splice(at, 1);
        reject(guard.error(DIALECT, 'while waiting for a free connection'));
      });
    });
  }

  release(conn: DuckDBConnection): void {
    this.busy.delete(conn);
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve(conn);
    else if (this.closed) conn.closeSync();
    else this.idle.push(conn);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) {
      waiter.reject(new DriverError('connection', DIALECT, 'The DuckDB driver was closed'));
    }
    for (const conn of this.idle.splice(0)) conn.closeSync();
    for (const conn of this.busy) conn.interrupt();
    if (this.instance) {
      const instance = await this.instance.catch(() => undefined);
      instance?.closeSync();
    }
  }
}

/**
 * Row objects from a materialized result. `query` already ran the whole statement, so its chunks
 * are read synchronously (a fetch per chunk would cost every run more round trips to the thread
 * pool), column by column, converting each cell once.
 */
function materializedRows(result: DuckDBMaterializedResult, columns: readonly string[]): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  const types = columns.map((_, col) => result.columnTypeId(col));
  const chunkCount = result.chunkCount;
  for (let c = 0; c < chunkCount; c++) {
    const chunk = result.getChunk(c);
    const size = chunk.rowCount;
    const base = rows.length;
    for (let r = 0; r < size; r++) rows.push({});
    for (let col = 0; col < columns.length; col++) readColumn(chunk, col, types[col]!, columns[col] ?? '', rows, base, duckdbCellValue);
  }
  return rows;
}

/** What a driver exposes to tests besides `Driver`: its kept statements. */
export interface DuckDBDriver extends Driver {
  /** Prepared statements kept across all connections' caches that are idle now (tests). */
  keptStatements(): number;
}

export function createDuckDBDriver(options: DuckDBDriverOptions): DuckDBDriver {
  const pool = new ConnectionPool(options, Math.max(1, options.maxConnections ?? 4));
  const statements = new StatementCache();

  function failed(guard: RunGuard, error: unknown): DriverError {
    if (guard.isStopped()) return guard.error(DIALECT, `DuckDB: ${errorMessage(error)}`, error);
    if (pool.isClosed()) return new DriverError('connection', DIALECT, 'The DuckDB driver was closed while the query ran', { cause: error });
    return new DriverError('database', DIALECT, errorMessage(error), { cause: error });
  }

  /** SQL that may change the database: kept plans are dropped around it. */
  async function runOther(conn: DuckDBConnection, sql: string): Promise<DuckDBMaterializedResult> {
    statements.otherStarted();
    try {
      return await conn.run(sql);
    } finally {
      statements.otherFinished();
    }
  }

  /** A reusable query: from its kept statement, prepared the second time it runs, else as it is. */
  async function runReusable(conn: DuckDBConnection, sql: string, guard: RunGuard): Promise<DuckDBMaterializedResult> {
    const kept = statements.kept(conn, sql);
    if (kept !== undefined) {
      try {
        return await kept.run();
      } catch (error) {
        statements.drop(conn, sql);
        throw error;
      }
    }
    const generation = statements.shouldPrepare(sql);
    if (generation === null) return conn.run(sql);
    let statement: DuckDBPreparedStatement;
    try {
      statement = await conn.prepare(sql);
    } catch (error) {
      // Several statements: run as given, as SQL that may change things. Any other failure is the
      // query's own (parser, binder and catalog errors read the same as from an unprepared run).
      if (!guard.isStopped() && MULTIPLE_STATEMENTS.test(errorMessage(error))) return runOther(conn, sql);
      throw error;
    }
    const keptNow = statements.keep(conn, sql, statement, generation);
    try {
      return await statement.run();
    } catch (error) {
      if (keptNow) statements.drop(conn, sql);
      throw error;
    } finally {
      if (!keptNow) statement.destroySync();
    }
  }

  async function run(sql: string, runOptions?: RunOptions): Promise<QueryResult> {
    const guard = new RunGuard(runOptions, options.defaultTimeoutMs);
    const reusable = runOptions?.reusable === true;
    // Counted from the call on: a statement waiting for a connection may change the database too.
    if (!reusable) statements.otherStarted();
    try {
      if (guard.isStopped()) throw guard.error(DIALECT);
      const acquired = pool.acquire(guard);
      const conn = acquired instanceof Promise ? await acquired : acquired;
      try {
        if (guard.isStopped()) throw guard.error(DIALECT);
        guard.onStop(() => {
          conn.interrupt();
        });
        // One round trip: `run` materializes the whole result (as `runAndReadAll` did, in three).
        let result: DuckDBMaterializedResult;
        try {
          result = reusable ? await runReusable(conn, sql, guard) : await conn.run(sql);
        } catch (error) {
          throw failed(guard, error);
        }
        // The deadline passed while the result was being built: still a timeout, for predictability.
        if (guard.isStopped()) throw guard.error(DIALECT);
        const columns = result.columnNames();
        return { columns, rows: materializedRows(result, columns) };
      } finally {
        guard.onStop(undefined);
        pool.release(conn);
      }
    } finally {
      guard.dispose();
      if (!reusable) statements.otherFinished();
    }
  }

  return { dialect: DIALECT, run, close: () => pool.close(), keptStatements: () => pool.idleConnections().reduce((n, c) => n + statements.size(c), 0) };
}
