/**
 * Running a query for a caller (DESIGN "Request path"): the model from the caller's workspace (or
 * production with `force_production`), compiled for the connection's dialect with the caller's user
 * attributes, run on the connection's driver (or answered from the result cache), rows keyed by
 * field name. The result is plain data; formatting it is the next stage (`formats/`).
 */
import { DriverError, type CancelSignal, type Driver, type QueryResult } from '../connections/driver.ts';
import type { ConnectionManager } from '../connections/manager.ts';
import { hasDriver } from '../connections/registry.ts';
import type { Explore, Model } from '../model/types.ts';
import { applyPostSql } from '../sql/post-sql.ts';
import { compileQuery } from '../sql/compile.ts';
import { dialectNames, getDialect } from '../sql/dialects/registry.ts';
import { QueryError } from '../sql/errors.ts';
import type { CompiledField, CompiledQuery } from '../sql/query.ts';
import { VersionedCache, type ConnectionRecord, type ModelConfig, type Store } from '../store/index.ts';
import type { Caller, Workspaces, WorkspaceModel } from '../workspaces/index.ts';
import { toLookerQuery, type CanonicalQuery } from './canonical.ts';
import { CompiledCache, type CompileContext } from './compiled-cache.ts';
import { KeyedLimiter, QueueTimeoutError } from './limiter.ts';
import { ResultCache } from './result-cache.ts';

export type RunErrorCode = 'not_found' | 'invalid' | 'bad_request' | 'forbidden' | 'unavailable';

/** The query cannot be run at all (before any SQL reached a database): the API answers 4xx. */
export class QueryRunError extends Error {
  override readonly name = 'QueryRunError';
  readonly code: RunErrorCode;
  readonly field: string | undefined;

  constructor(code: RunErrorCode, message: string, field?: string) {
    super(message);
    this.code = code;
    this.field = field;
  }
}

export interface RunRequest {
  readonly query: CanonicalQuery;
  /** `?limit=` of the run call; overrides the query's own limit. */
  readonly limit?: string | number | null;
  /** false: skip the result cache (Looker's `cache=false`). */
  readonly cache?: boolean;
  /** Production models even from a dev token. */
  readonly forceProduction?: boolean;
  /** Compile only (result format `sql`). */
  readonly sqlOnly?: boolean;
  readonly signal?: CancelSignal;
  /** The model to compile against instead of the caller's workspace's (a commit being deployed). */
  readonly source?: WorkspaceModel;
}

export interface PreparedQuery {
  readonly source: WorkspaceModel;
  readonly model: Model;
  readonly explore: Explore;
  readonly connection: ConnectionRecord | null;
  readonly compiled: CompiledQuery;
}

export interface QueryRows {
  readonly prepared: PreparedQuery;
  /** Row objects keyed by field name (`view.field`): every field, in the fields' order, NULL as null (never undefined). */
  readonly rows: readonly Record<string, unknown>[];
  /** `total: true`: the measures over all rows (no pivots: the one totals row; with pivots: the grand total). */
  readonly totals: Record<string, unknown> | null;
  /** A pivoted query with `total: true`: the measures per pivot value, keyed by field name with the pivot fields. */
  readonly pivotTotals?: readonly Record<string, unknown>[] | null;
  /** A pivoted query with `row_total`: the measures over all pivot values per row, keyed by field name with the row dimensions. */
  readonly rowTotals?: readonly Record<string, unknown>[] | null;
  readonly ranAt: string;
  readonly runtimeSeconds: number;
  readonly fromCache: boolean;
}

/** The database refused or failed the SQL: Looker reports this inside the result, not as an HTTP error. */
export interface QueryDatabaseError {
  readonly prepared: PreparedQuery;
  readonly message: string;
  readonly errorKind: DriverError['kind'] | 'queue';
}

export type RunResult =
  | { readonly kind: 'sql'; readonly prepared: PreparedQuery }
  | ({ readonly kind: 'rows' } & QueryRows)
  | ({ readonly kind: 'error' } & QueryDatabaseError);

/** What the runner reports to metrics (src/api/observability.ts). */
export interface QueryObserver {
  /** A statement ran on a database (result cache hits excluded); `outcome` is `ok` or why it failed. */
  statement(seconds: number, dialect: string, outcome: 'ok' | DriverError['kind'] | 'error'): void;
  /** A lookup in the result cache or in the compiled-SQL cache. */
  cacheLookup(cache: 'result' | 'compiled_sql', hit: boolean): void;
}

export interface QueryRunnerOptions {
  /** Queries running at once per user (Looker: 15); more wait in a queue. */
  readonly maxRunningPerUser?: number;
  readonly queueTimeoutMs?: number;
  readonly cache?: ResultCache;
  /** Statement timeout when the connection sets none (ms). */
  readonly defaultTimeoutMs?: number;
  readonly observer?: QueryObserver;
}

/** What #execute ran: the main statement's result and those of the totals statements the query has. */
interface Executed {
  readonly result: QueryResult;
  readonly totals: QueryResult | null;
  readonly pivotTotals: QueryResult | null;
  readonly rowTotals: QueryResult | null;
  readonly fromCache: boolean;
}

const DIALECT_NAMES: ReadonlySet<string> = new Set(dialectNames());

function isMeasure(f: CompiledField): boolean {
  return f.category === 'measure';
}

/** Rows keyed by field name instead of result alias, in `fields` order (NULL for a missing column). */
function keyRows(rows: readonly Record<string, unknown>[], fields: readonly CompiledField[]): Record<string, unknown>[] {
  return rows.map((r) => {
    const out: Record<string, unknown> = {};
    for (const f of fields) out[f.name] = r[f.alias] ?? null;
    return out;
  });
}

/** Whether result `columns` are exactly the fields' names, in the fields' order (so keyRows would copy rows as they are). */
function keyedAlready(columns: readonly string[], fields: readonly CompiledField[]): boolean {
  if (columns.length !== fields.length) return false;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    if (columns[i] !== f.name || f.alias !== f.name) return false;
  }
  return true;
}

/**
 * The member of the query body a compilation error is about, for the 422's `errors[].field`: the
 * limits, sorts, time zone and custom filter are members of their own; other errors name the field
 * they are about, or the field list.
 */
function requestMember(error: QueryError): string {
  switch (error.code) {
    case 'query/bad-limit': return 'limit';
    case 'query/bad-column-limit': return 'column_limit';
    case 'query/bad-sort': return 'sorts';
    case 'query/bad-timezone': return 'query_timezone';
    case 'query/bad-expression': return 'filter_expression';
    case 'query/unknown-explore': return 'view';
    default: return error.field ?? 'fields';
  }
}

/** How long a compiled query is reused (Liquid could read the clock; nothing else in compilation does). */
const COMPILED_MAX_AGE_MS = 60_000;
const COMPILED_PER_WORKSPACE = 500;

/**
 * Records which user attributes a compilation reads. Most queries read none: then the SQL is the same
 * for every user and is cached with the workspace; the attributes are fetched only when read.
 */
function attributeRecorder(used: Set<string>): Readonly<Record<string, string>> {
  return new Proxy(Object.create(null) as Record<string, string>, {
    get(_target, key) {
      if (typeof key === 'string') used.add(key);
      return undefined;
    },
    has(_target, key) {
      if (typeof key === 'string') used.add(key);
      return false;
    },
  });
}

export class QueryRunner {
  readonly #store: Store;
  readonly #connections: VersionedCache<ConnectionRecord | null>;
  readonly #modelConfigs: VersionedCache<ModelConfig | null>;
  /** Per assembled workspace (shared by every caller seeing the same content): compiled SQL by query. */
  readonly #compiled = new CompiledCache({ maxAgeMs: COMPILED_MAX_AGE_MS, perWorkspace: COMPILED_PER_WORKSPACE });
  readonly #workspaces: Workspaces;
  readonly #drivers: ConnectionManager;
  readonly #limiter: KeyedLimiter;
  readonly #cache: ResultCache;
  readonly #timeoutMs: number;
  readonly #observer: QueryObserver | undefined;

  constructor(store: Store, workspaces: Workspaces, drivers: ConnectionManager, options: QueryRunnerOptions = {}) {
    this.#store = store;
    this.#connections = new VersionedCache(store.changes, ['connections']);
    this.#modelConfigs = new VersionedCache(store.changes, ['model_configs']);
    this.#workspaces = workspaces;
    this.#drivers = drivers;
    this.#limiter = new KeyedLimiter(options.maxRunningPerUser ?? 15, options.queueTimeoutMs ?? 600_000);
    this.#cache = options.cache ?? new ResultCache();
    this.#timeoutMs = options.defaultTimeoutMs ?? 3600_000;
    this.#observer = options.observer;
  }

  /** Resolves model, explore and connection in the caller's workspace and compiles the query. */
  async prepare(caller: Caller, request: RunRequest): Promise<PreparedQuery> {
    const q = request.query;
    const who: Caller = request.forceProduction === true ? { ...caller, workspace: 'production' } : caller;
    // Production models answer synchronously once assembled: no promise hops on the hot path.
    const peeked = request.source ?? this.#workspaces.peekModel(who, q.model);
    const source = peeked !== undefined ? peeked : await this.#workspaces.model(who, q.model);
    if (!source) {
      const hint = who.workspace === 'production' && (await this.#workspaces.model({ ...who, workspace: 'dev' }, q.model).catch(() => null))
        ? ' It exists only in development mode; switch the session to dev to use it.' : '';
      throw new QueryRunError('not_found', `Model "${q.model}" not found.${hint}`, 'model');
    }
    const explore = source.model.explores[q.view];
    if (!explore || explore.extension) throw new QueryRunError('not_found', `Explore "${q.view}" not found in model "${q.model}".`, 'view');
    const connectionName = source.model.connection;
    let connection: ConnectionRecord | null = null;
    if (connectionName !== undefined) {
      // Cached answers are taken synchronously: each await costs every request a promise hop.
      const cached = this.#connections.peek(connectionName);
      connection = cached !== undefined ? cached : await this.#connections.get(connectionName, () => this.#store.connections.connection(connectionName));
    }
    if (!request.sqlOnly) {
      if (connectionName === undefined) throw new QueryRunError('invalid', `Model "${q.model}" has no connection.`, 'model');
      if (!connection) throw new QueryRunError('invalid', `Connection "${connectionName}" used by model "${q.model}" does not exist. Create it with create_connection.`, 'model');
    }
    const cachedConfig = this.#modelConfigs.peek(q.model);
    const config = cachedConfig !== undefined ? cachedConfig : await this.#modelConfigs.get(q.model, () => this.#store.projects.modelConfig(q.model));
    if (connection && config && !config.unlimited_db_connections && !config.allowed_db_connection_names.includes(connection.name)) {
      throw new QueryRunError('forbidden', `Model "${q.model}" is not allowed to use connection "${connection.name}" (see update_lookml_model).`, 'model');
    }
    const dialectName = connection?.dialect_name ?? 'duckdb';
    if (!DIALECT_NAMES.has(dialectName)) throw new QueryRunError('invalid', `Connection "${connection?.name ?? ''}" has unknown dialect ${dialectName}.`);
    const databaseTimezone = connection?.db_timezone || undefined;
    const defaultQueryTimezone = connection?.query_timezone || undefined;
    const context: CompileContext = { dialect: dialectName, databaseTimezone, queryTimezone: defaultQueryTimezone };
    const hit = this.#compiled.get(source.loaded, q, request.limit, context);
    this.#observer?.cacheLookup('compiled_sql', hit !== undefined);
    if (hit !== undefined) return { source, model: source.model, explore, connection, compiled: hit };
    const lookerQuery = toLookerQuery(q, request.limit);
    const options = {
      dialect: getDialect(dialectName),
      ...(databaseTimezone ? { databaseTimezone } : {}),
      ...(defaultQueryTimezone ? { defaultQueryTimezone } : {}),
    };
    const compile = (userAttributes: Readonly<Record<string, string>>): CompiledQuery => {
      try {
        return compileQuery(source.model, lookerQuery, { ...options, userAttributes });
      } catch (error) {
        if (error instanceof QueryError) throw new QueryRunError(error.code === 'query/no-fields' ? 'bad_request' : 'invalid', error.message, requestMember(error));
        throw error;
      }
    };
    const used = new Set<string>();
    let compiled: CompiledQuery;
    try {
      compiled = compile(attributeRecorder(used));
    } catch (error) {
      if (used.size === 0) throw error;
    }
    if (used.size > 0) compiled = compile(await this.#store.attributes.attributeValuesForUser(caller.userId));
    else this.#compiled.set(source.loaded, q, request.limit, context, compiled!);
    return { source, model: source.model, explore, connection, compiled: compiled! };
  }

  async run(caller: Caller, request: RunRequest): Promise<RunResult> {
    const prepared = await this.prepare(caller, request);
    if (request.sqlOnly === true) return { kind: 'sql', prepared };
    const connection = prepared.connection;
    if (!connection) throw new QueryRunError('invalid', 'The model has no connection.');
    if (!hasDriver(connection.dialect_name)) {
      throw new QueryRunError('unavailable', `Overlook cannot run queries on ${connection.dialect_name} connections (no driver); result_format "sql" returns the SQL.`);
    }
    const ranAt = new Date();
    const started = performance.now();
    try {
      const { result, fromCache, totals, pivotTotals, rowTotals } = await this.#limiter.run(caller.userId, () => this.#execute(connection, prepared.compiled, request));
      const fields = prepared.compiled.fields;
      // Post-SQL measures need the rows keyed by alias; without them the rows are re-keyed straight away.
      const byAlias = fields.some((f) => f.postSql) ? applyPostSql(result.rows, fields, (f) => f.alias) : result.rows;
      // The driver's rows already are what re-keying would make when their columns are the fields' names in order.
      const rows = byAlias === result.rows && keyedAlready(result.columns, fields) ? result.rows : keyRows(byAlias, fields);
      const totalsRow = totals ? keyRows([totals.rows[0] ?? {}], fields.filter(isMeasure))[0]! : null;
      return {
        kind: 'rows', prepared, rows, totals: totalsRow,
        ...(pivotTotals ? { pivotTotals: keyRows(pivotTotals.rows, fields.filter((f) => f.isPivot || isMeasure(f))) } : {}),
        ...(rowTotals ? { rowTotals: keyRows(rowTotals.rows, fields.filter((f) => !f.isPivot)) } : {}),
        ranAt: ranAt.toISOString(), runtimeSeconds: (performance.now() - started) / 1000, fromCache,
      };
    } catch (error) {
      if (error instanceof DriverError) return { kind: 'error', prepared, message: error.message, errorKind: error.kind };
      if (error instanceof QueueTimeoutError) return { kind: 'error', prepared, message: error.message, errorKind: 'queue' };
      throw error;
    }
  }

  async #execute(connection: ConnectionRecord, compiled: CompiledQuery, request: RunRequest): Promise<Executed> {
    const driver = this.#drivers.driver(connection);
    const main = await this.#runOne(driver, connection, compiled.sql, request);
    // Most queries have no totals: answer without the extra promise hops below.
    if (compiled.totalsSql === undefined && compiled.pivotTotalsSql === undefined && compiled.rowTotalsSql === undefined) {
      return { result: main.result, totals: null, pivotTotals: null, rowTotals: null, fromCache: main.fromCache };
    }
    // The totals statements only once the main one succeeded; they are independent of each other.
    const extra = async (sql: string | undefined): Promise<QueryResult | null> => (sql === undefined ? null : (await this.#runOne(driver, connection, sql, request)).result);
    const [totals, pivotTotals, rowTotals] = await Promise.all([extra(compiled.totalsSql), extra(compiled.pivotTotalsSql), extra(compiled.rowTotalsSql)]);
    return { result: main.result, totals, pivotTotals, rowTotals, fromCache: main.fromCache };
  }

  async #runOne(driver: Driver, connection: ConnectionRecord, sql: string, request: RunRequest): Promise<{ result: QueryResult; fromCache: boolean }> {
    const useCache = request.cache !== false;
    const key = ResultCache.key(connection.name, sql);
    if (useCache) {
      const hit = this.#cache.get(key);
      this.#observer?.cacheLookup('result', hit !== null);
      if (hit) return { result: hit.result, fromCache: true };
    }
    const started = performance.now();
    let result: QueryResult;
    try {
      result = await driver.run(sql, { timeoutMs: this.#timeoutMs, reusable: true, ...(request.signal ? { signal: request.signal } : {}) });
    } catch (error) {
      this.#observer?.statement((performance.now() - started) / 1000, connection.dialect_name, error instanceof DriverError ? error.kind : 'error');
      throw error;
    }
    this.#observer?.statement((performance.now() - started) / 1000, connection.dialect_name, 'ok');
    this.#cache.set(key, result);
    return { result, fromCache: false };
  }
}
