/**
 * PostgreSQL driver (`pg`): a pg.Pool of `max_connections`, per-run `statement_timeout`,
 * cancellation with `pg_cancel_backend`, and type parsers that give the same values as the
 * DuckDB driver (values.ts): no JS Date objects and no local-time shifting anywhere.
 *
 * Every session runs with `TimeZone=UTC` and `DateStyle=ISO`, so timestamptz prints as UTC and
 * dates as `YYYY-MM-DD`.
 */
import pg from 'pg';
import type { CustomTypesConfig, PoolClient, PoolConfig } from 'pg';
import { DriverError } from './driver.ts';
import type { Driver, QueryResult, RunOptions } from './driver.ts';
import { decimalValue, floatValue, integerValue, nestedValue, parsePgArray } from './values.ts';
import { RunGuard, errorMessage } from './run-control.ts';

export interface PostgresDriverOptions {
  /** `postgres://user:pass@host:port/db`; the separate fields below override its parts. */
  readonly connectionString?: string;
  readonly host?: string;
  readonly port?: number;
  readonly database?: string;
  readonly user?: string;
  readonly password?: string;
  /** First entry of `search_path`, so views read unqualified table names from it. */
  readonly schema?: string;
  /** Pool size; default 5. */
  readonly maxConnections?: number;
  readonly defaultTimeoutMs?: number;
  readonly applicationName?: string;
  /** `require` → TLS without certificate checks, `verify-full` → TLS with checks. */
  readonly sslMode?: string;
}

const DIALECT = 'postgres';
/** How long after statement_timeout should have fired the driver cancels the statement itself. */
const TIMEOUT_BACKSTOP_MS = 1000;

type Parser = (text: string) => unknown;
const identity: Parser = (text) => text;

/** Text-format parsers by type OID (pg_type.oid). Unlisted types arrive as their text. */
const SCALAR_PARSERS: Readonly<Record<number, Parser>> = {
  16: (text) => text === 't', // bool
  20: (text) => integerValue(text), // int8
  21: Number, // int2
  23: Number, // int4
  26: Number, // oid
  700: (text) => floatValue(Number(text)), // float4
  701: (text) => floatValue(Number(text)), // float8
  1700: decimalValue, // numeric
  1082: identity, // date
  1114: identity, // timestamp
  // timestamptz: the session is UTC, so only the `+00` suffix differs from a plain timestamp.
  1184: (text) => text.replace(/\+00(?::00)?$/, ''),
  114: identity, // json (already JSON text)
  3802: identity, // jsonb
};

/** Array type OID → element type OID. */
const ARRAY_ELEMENTS: Readonly<Record<number, number>> = {
  1000: 16, 1005: 21, 1007: 23, 1016: 20, 1021: 700, 1022: 701, 1231: 1700, 1009: 25, 1015: 1043,
  1014: 1042, 1182: 1082, 1115: 1114, 1185: 1184, 1183: 1083, 2951: 2950, 199: 114, 3807: 3802,
};

function mapNested(value: unknown, parse: Parser): unknown {
  if (Array.isArray(value)) return value.map((item) => mapNested(item, parse));
  return typeof value === 'string' ? parse(value) : null;
}

function parserFor(oid: number): Parser {
  const scalar = SCALAR_PARSERS[oid];
  if (scalar) return scalar;
  const element = ARRAY_ELEMENTS[oid];
  if (element !== undefined) {
    const parseElement = SCALAR_PARSERS[element] ?? identity;
    return (text) => nestedValue(mapNested(parsePgArray(text), parseElement));
  }
  return identity;
}

/** Per-pool parsers, so the process-wide pg.types defaults stay untouched for other code. */
export const postgresTypes: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) => (format === 'binary' ? identity : parserFor(oid))) as CustomTypesConfig['getTypeParser'],
};

/** A libpq-style identifier quote for `search_path`. */
function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

interface PgError extends Error {
  code?: string;
  position?: string;
  hint?: string;
  detail?: string;
}

function asPgError(error: unknown): PgError {
  return error instanceof Error ? error : new Error(String(error));
}

/** The database's message, with its detail and hint when present. */
function databaseMessage(error: PgError): string {
  const parts = [error.message];
  if (error.detail) parts.push(`Detail: ${error.detail}`);
  if (error.hint) parts.push(`Hint: ${error.hint}`);
  return parts.join('\n');
}

function isConnectionFailure(error: PgError): boolean {
  const code = error.code ?? '';
  // SQLSTATE classes 08 (connection), 28 (authorization), 3D (no such database), or a socket error.
  return /^(08|28|3D)/.test(code) || /^E[A-Z]+$/.test(code) || code === '';
}

export function createPostgresDriver(options: PostgresDriverOptions): Driver {
  const sslMode = options.sslMode?.toLowerCase();
  const config: PoolConfig = {
    ...(options.connectionString ? { connectionString: options.connectionString } : {}),
    ...(options.host ? { host: options.host } : {}),
    ...(options.port ? { port: options.port } : {}),
    ...(options.database ? { database: options.database } : {}),
    ...(options.user ? { user: options.user } : {}),
    ...(options.password !== undefined ? { password: options.password } : {}),
    ...(options.applicationName ? { application_name: options.applicationName } : {}),
    ...(sslMode === 'require' ? { ssl: { rejectUnauthorized: false } } : {}),
    ...(sslMode === 'verify-full' || sslMode === 'verify-ca' ? { ssl: true } : {}),
    max: Math.max(1, options.maxConnections ?? 5),
    types: postgresTypes,
  };
  const pool = new pg.Pool(config);
  // An idle connection that dies (server restart) is dropped by the pool; the next run reconnects.
  pool.on('error', () => undefined);

  const sessionSetup = [
    `SET TimeZone TO 'UTC'`,
    `SET DateStyle TO ISO`,
    ...(options.schema ? [`SET search_path TO ${quoteIdent(options.schema)}, public`] : []),
    'SELECT pg_backend_pid() AS pid',
  ].join('; ');
  const backendPids = new WeakMap<PoolClient, number>();
  /** Runs in progress; close() cancels their statements instead of waiting for them. */
  const running = new Set<RunGuard>();
  const sessionTimeouts = new WeakMap<PoolClient, number>();

  async function prepare(client: PoolClient, timeoutMs: number): Promise<number> {
    let pid = backendPids.get(client);
    if (pid === undefined) {
      const results = (await client.query(sessionSetup)) as unknown as pg.QueryResult[];
      const row = results.at(-1)?.rows[0] as { pid?: unknown } | undefined;
      pid = Number(row?.pid);
      backendPids.set(client, pid);
    }
    if (sessionTimeouts.get(client) !== timeoutMs) {
      await client.query(`SET statement_timeout TO ${timeoutMs}`);
      sessionTimeouts.set(client, timeoutMs);
    }
    return pid;
  }

  /** Cancel from a separate connection: the pool may be full, and this one is busy. */
  async function cancelBackend(pid: number): Promise<void> {
    const client = new pg.Client(config);
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT pg_cancel_backend($1)', [pid]);
    } catch {
      // The statement may have finished, or the server be gone; the run reports its own outcome.
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  async function run(sql: string, runOptions?: RunOptions): Promise<QueryResult> {
    const guard = new RunGuard(runOptions, options.defaultTimeoutMs, TIMEOUT_BACKSTOP_MS);
    running.add(guard);
    let client: PoolClient | undefined;
    // A client whose statement was cancelled is discarded, so a late cancel can hit no other query.
    let discard = false;
    try {
      if (guard.isStopped()) throw guard.error(DIALECT);
      client = await pool.connect().catch((error: unknown) => {
        throw new DriverError('connection', DIALECT, `Cannot connect to PostgreSQL: ${errorMessage(error)}`, { cause: error });
      });
      if (guard.isStopped()) throw guard.error(DIALECT, 'while waiting for a free connection');
      const active = client;
      const pid = await prepare(active, guard.remainingMs() ?? 0);
      if (guard.isStopped()) throw guard.error(DIALECT);
      const statement = { settled: false };
      const isSettled = (): boolean => statement.settled;
      let cancelling: Promise<void> | undefined;
      guard.onStop(() => {
        discard = true;
        cancelling = (async () => {
          // A cancel that overtakes the statement on its way to the server finds it idle: retry.
          for (let attempt = 1; attempt <= 5 && !isSettled(); attempt++) {
            await cancelBackend(pid);
            if (!isSettled()) await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
          }
        })();
      });
      try {
        const raw = (await active.query({ text: sql, rowMode: 'array' })) as unknown as pg.QueryResult<unknown[]> | pg.QueryResult<unknown[]>[];
        if (guard.isStopped()) throw guard.error(DIALECT);
        const result = Array.isArray(raw) ? raw.at(-1) : raw;
        const columns = (result?.fields ?? []).map((field) => field.name);
        const rows = (result?.rows ?? []).map((values) => {
          const row: Record<string, unknown> = {};
          columns.forEach((name, i) => {
            row[name] = values[i] ?? null;
          });
          return row;
        });
        return { columns, rows };
      } catch (error) {
        if (error instanceof DriverError) throw error;
        const pgError = asPgError(error);
        if (pgError.code === '57014' || guard.isStopped()) {
          if (!guard.isStopped()) guard.reason = pgError.message.includes('statement timeout') ? 'timeout' : 'cancelled';
          discard = true;
          throw guard.error(DIALECT, `PostgreSQL: ${pgError.message}`, error);
        }
        if (isConnectionFailure(pgError)) {
          discard = true;
          throw new DriverError('connection', DIALECT, `PostgreSQL connection failed: ${pgError.message}`, { cause: error });
        }
        throw new DriverError('database', DIALECT, databaseMessage(pgError), { cause: error, ...(pgError.code ? { sqlState: pgError.code } : {}) });
      } finally {
        statement.settled = true;
        guard.onStop(undefined);
        await cancelling;
      }
    } finally {
      running.delete(guard);
      guard.dispose();
      client?.release(discard);
    }
  }

  return {
    dialect: DIALECT,
    run,
    close: async () => {
      for (const guard of running) guard.stop('cancelled');
      await pool.end();
    },
  };
}
