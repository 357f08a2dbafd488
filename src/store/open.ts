/**
 * Opens the metadata DB (SQLite in the data dir, or PostgreSQL) and brings its schema up to
 * date before anything else touches it.
 *
 * SQLite driver choice: `libsql` (a better-sqlite3-compatible API) rather than better-sqlite3.
 * better-sqlite3 12 ships no prebuilt binary reachable offline and compiles SQLite from source
 * at `npm install` (~80 s, needs python3/make/g++ and Node headers); libsql's binary comes
 * inside an npm package (@libsql/<platform>), so installing Overlook never compiles anything.
 * Kysely's SqliteDialect drives it unchanged through the same `prepare/all/run` interface.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Libsql from 'libsql';
import { CompiledQuery, Kysely, Migrator, PostgresDialect, SqliteDialect, SqliteDriver, sql } from 'kysely';
import type { DatabaseConnection, Driver, SqliteDatabase, SqliteDialectConfig, SqliteStatement } from 'kysely';
import pg from 'pg';
import { MIGRATION_LOCK_TABLE, MIGRATION_TABLE, migrationProvider } from './migrations.ts';
import type { StoreDialect } from './migrations.ts';
import type { Database } from './schema.ts';

export interface OpenStoreOptions {
  /** Directory for `overlook.db` (SQLite); created if missing. Ignored when `databaseUrl` is set. */
  readonly dataDir?: string;
  /** A `postgres://` URL (OVERLOOK_DATABASE_URL): use PostgreSQL instead of SQLite. */
  readonly databaseUrl?: string;
  /** The store's clock (created_at, token expiry). Tests inject one; default `new Date()`. */
  readonly now?: () => Date;
  /** PostgreSQL pool size (default 10). */
  readonly maxConnections?: number;
}

export interface OpenedDatabase {
  readonly db: Kysely<Database>;
  readonly dialect: StoreDialect;
}

export const SQLITE_FILE = 'overlook.db';
/**
 * How long a SQLite statement waits for another process's write lock before SQLITE_BUSY.
 * The wait blocks this process's event loop (the driver is synchronous), which is acceptable
 * for SQLite's single-node deployments; scale-out uses PostgreSQL.
 */
export const SQLITE_BUSY_TIMEOUT_MS = 5000;

/**
 * libsql aborts the whole process (a Rust panic) when a JS boolean is bound; SQLite stores
 * booleans as 1/0 anyway, so convert them at the one place every statement passes through.
 */
function sqliteParameters(parameters: ReadonlyArray<unknown>): ReadonlyArray<unknown> {
  // Most statements bind no boolean: hand their parameters over without a copy.
  if (!parameters.some((value) => typeof value === 'boolean')) return parameters;
  return parameters.map((value) => (typeof value === 'boolean' ? (value ? 1 : 0) : value));
}

/** Distinct statements kept prepared; Kysely emits a small, fixed set of SQL texts. */
const STATEMENT_CACHE_SIZE = 500;

function wrapLibsql(database: Libsql.Database): SqliteDatabase {
  // Preparing was the largest single cost on the request path (every query re-prepared its
  // text); statements are reusable, so keep them by SQL text. The wrapper handed to Kysely is
  // kept with them: building it (closures, and `reader`, a native call) on every execution cost
  // more than the statement lookup, and a statement's reader-ness never changes.
  const prepared = new Map<string, SqliteStatement>();
  const wrap = (statement: Libsql.Statement): SqliteStatement => {
    const reader = statement.reader;
    return {
      reader,
      all: (parameters) => statement.all(...sqliteParameters(parameters)),
      run: (parameters) => statement.run(...sqliteParameters(parameters)),
      iterate: (parameters) => statement.iterate(...sqliteParameters(parameters)),
    };
  };
  return {
    close: () => {
      prepared.clear();
      database.close();
    },
    prepare: (source: string): SqliteStatement => {
      let statement = prepared.get(source);
      if (!statement) {
        statement = wrap(database.prepare(source));
        if (prepared.size >= STATEMENT_CACHE_SIZE) prepared.clear();
        prepared.set(source, statement);
      }
      return statement;
    },
  };
}

/**
 * Write transactions take SQLite's write lock up front (`BEGIN IMMEDIATE`), so a second
 * writer waits in busy_timeout instead of failing with SQLITE_BUSY when its read lock cannot
 * be upgraded (which a plain deferred `BEGIN` does under concurrent writers).
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class LibsqlDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

const SLEEPER = new Int32Array(new SharedArrayBuffer(4));

/**
 * Switching a fresh file to WAL needs an exclusive lock, and SQLite answers SQLITE_BUSY at
 * once (without the busy handler, which could deadlock there) while another process holds any
 * lock on it, e.g. the first opener migrating. Retry until the busy timeout, as a wait would.
 */
function switchToWal(database: Libsql.Database): void {
  const deadline = Date.now() + SQLITE_BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      database.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw error;
      Atomics.wait(SLEEPER, 0, 0, 10);
    }
  }
}

function openSqlite(dataDir: string): Kysely<Database> {
  mkdirSync(dataDir, { recursive: true });
  const database = new Libsql(join(dataDir, SQLITE_FILE));
  try {
    // busy_timeout first: switching to WAL needs a lock another process may hold.
    database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    switchToWal(database);
    // WAL + NORMAL is durable across application crashes; only an OS crash may lose the
    // last commits, never corrupt the file.
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
  } catch (error) {
    database.close();
    throw error;
  }
  return new Kysely<Database>({ dialect: new LibsqlDialect({ database: wrapLibsql(database) }) });
}

function openPostgres(url: string, maxConnections: number): Kysely<Database> {
  const pool = new pg.Pool({ connectionString: url, max: maxConnections });
  // An idle pooled connection that dies (server restart, network) emits 'error' on the pool;
  // with no listener Node would crash the server. The next query gets a fresh connection or
  // a rejected promise, which is where the failure belongs.
  pool.on('error', () => undefined);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * The schema unqualified names resolve to (the first existing one on search_path). Kysely's
 * migrator must be told: without it, it looks for its tables in every schema of the database
 * and takes another schema's `overlook_migration` for its own.
 */
async function postgresSchema(db: Kysely<Database>): Promise<string> {
  const result = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const schema = result.rows[0]?.schema;
  if (!schema) throw new Error('PostgreSQL search_path names no existing schema to hold the metadata tables');
  return schema;
}

/**
 * Runs pending migrations, safely when several processes open the same DB at once:
 * - PostgreSQL: Kysely's migrator takes a session advisory lock (`pg_advisory_lock`) and
 *   migrates inside one transaction; a second process waits, then finds nothing to do.
 * - SQLite: Kysely runs SQLite migrations without a transaction or lock, so two processes
 *   could both apply 0001. Holding `BEGIN IMMEDIATE` on the store's single connection around
 *   the whole run serializes them (the other waits in busy_timeout) and makes the run
 *   all-or-nothing (SQLite DDL is transactional).
 */
async function migrate(db: Kysely<Database>, dialect: StoreDialect): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: migrationProvider(dialect),
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
    ...(dialect === 'postgres' ? { migrationTableSchema: await postgresSchema(db) } : {}),
  });
  if (dialect === 'sqlite') await db.executeQuery(CompiledQuery.raw('begin immediate'));
  const { error } = await migrator.migrateToLatest();
  if (dialect === 'sqlite') await db.executeQuery(CompiledQuery.raw(error ? 'rollback' : 'commit'));
  if (error) {
    throw error instanceof Error ? error : new Error('metadata DB migration failed', { cause: error });
  }
}

export async function openDatabase(options: OpenStoreOptions): Promise<OpenedDatabase> {
  let opened: OpenedDatabase;
  if (options.databaseUrl) {
    opened = { db: openPostgres(options.databaseUrl, options.maxConnections ?? 10), dialect: 'postgres' };
  } else if (options.dataDir) {
    opened = { db: openSqlite(options.dataDir), dialect: 'sqlite' };
  } else {
    throw new Error('openStore needs a dataDir (SQLite) or a databaseUrl (PostgreSQL)');
  }
  try {
    await migrate(opened.db, opened.dialect);
  } catch (error) {
    await opened.db.destroy();
    throw error;
  }
  return opened;
}
