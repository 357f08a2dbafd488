/**
 * Connections (`/connections…`, `/dialect_info`): Looker's DBConnection CRUD, connection tests and
 * dialect infos. Passwords are written, never read back (`has_password` tells whether one is set).
 */
import type { FastifyInstance } from 'fastify';
import { knownDialects } from '../../connections/registry.ts';
import type { ConnectionManager } from '../../connections/manager.ts';
import { dialectNames, getDialect } from '../../sql/dialects/registry.ts';
import type { ConnectionInput, ConnectionPatch, ConnectionRecord, Store } from '../../store/index.ts';
import { requireAuth, requirePermission } from '../auth-context.ts';
import { ApiError, validationFailed } from '../errors.ts';
import { specShape } from '../presenters/spec-shape.ts';
import { registerLookerRoute } from '../route.ts';
import { lookerSpec } from '../spec.ts';
import { found, store as call } from './store-errors.ts';

type Body = Record<string, unknown>;

const COLUMNS = ['host', 'port', 'database', 'username', 'schema', 'query_timezone', 'db_timezone', 'jdbc_additional_params'] as const;
/** DBConnection members kept in their own columns or computed, so never part of `extra`. */
const NOT_EXTRA = new Set<string>(['name', 'dialect', 'dialect_name', 'password', 'max_connections', ...COLUMNS]);
/**
 * Not a DBConnection member: Overlook's default statement timeout in seconds, which
 * connectionConfig (connections/manager.ts) hands to the driver; without it the API could not set it.
 */
const QUERY_TIMEOUT = 'query_timeout';

let extraMembers: ReadonlySet<string> | undefined;

/**
 * The DBConnection members a client may write that have no column: whatever the spec defines as
 * neither read-only nor write-only (write-only ones such as `certificate` have no use here). Anything
 * else in a body is ignored, as Looker does, instead of being stored and echoed back.
 */
function storedMembers(): ReadonlySet<string> {
  if (!extraMembers) {
    const props = lookerSpec().components.schemas.DBConnection?.properties;
    if (!props) throw new Error('DBConnection schema missing from the Looker spec');
    extraMembers = new Set([...Object.entries(props).filter(([k, p]) => p.readOnly !== true && p['x-looker-write-only'] !== true && !NOT_EXTRA.has(k)).map(([k]) => k), QUERY_TIMEOUT]);
  }
  return extraMembers;
}

let overrideKeys: ReadonlySet<string> | undefined;

/** The writable members of DBConnectionOverride; its write-only passwords are kept like the connection's, never shown. */
function overrideMembers(): ReadonlySet<string> {
  if (!overrideKeys) {
    const props = lookerSpec().components.schemas.DBConnectionOverride?.properties;
    if (!props) throw new Error('DBConnectionOverride schema missing from the Looker spec');
    overrideKeys = new Set(Object.entries(props).filter(([, p]) => p.readOnly !== true).map(([k]) => k));
  }
  return overrideKeys;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Tests a connection can run, in the order they run (a failed `connect` skips `query`). */
const CONNECTION_TESTS = ['connect', 'query'] as const;

const DEFAULT_PORTS: Record<string, string | null> = { postgres: '5432', redshift: '5439', trino: '8080', snowflake: '443', duckdb: null, bigquery_standard_sql: null };

/**
 * A written override as DBConnectionOverride: every readable member, write-only passwords as
 * `has_password`. None written: null, as Looker answers for an absent nested object (OpenAPI 3.0
 * cannot mark a `$ref` nullable; see schema-validate.ts).
 */
function overrideJson(stored: unknown): Record<string, unknown> | null {
  if (!isObject(stored)) return null;
  const o = stored;
  const set = (v: unknown): boolean => typeof v === 'string' && v !== '';
  return specShape('DBConnectionOverride', { ...o, context: typeof o.context === 'string' ? o.context : 'pdt', has_password: set(o.password) || set(o.pdt_password) });
}

/** The stored extra members a DBConnection shows: only writable ones (older rows may hold anything); the override is shaped apart. */
function extraJson(extra: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const members = storedMembers();
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(extra)) if (members.has(k) && k !== 'pdt_context_override') out[k] = v;
  return out;
}

export function connectionJson(c: ConnectionRecord, canManage: boolean): Record<string, unknown> {
  const dialect = dialectNames().includes(c.dialect_name) ? getDialect(c.dialect_name) : null;
  return {
    can: { index: true, show: true, cost_estimate: false, access_data: true, explore: true, refresh_schemas: canManage, destroy: canManage, test: canManage, create: canManage, update: canManage },
    name: c.name,
    dialect: dialect ? { name: dialect.name, label: dialect.label, supports_cost_estimate: false, cost_estimate_style: null, persistent_table_indexes: '', persistent_table_sortkeys: '', persistent_table_distkey: '', supports_streaming: true, automatically_run_sql_runner_snippets: true, connection_tests: [...CONNECTION_TESTS], supports_inducer: false, supports_multiple_databases: false, supports_persistent_derived_tables: false, has_ssl_support: c.dialect_name === 'postgres' } : null,
    snippets: [],
    pdts_enabled: false,
    named_driver_version_requested: null,
    named_driver_version_actual: null,
    host: c.host, port: c.port, username: c.username,
    has_password: c.password !== null && c.password !== '',
    uses_oauth: false, uses_key_pair_auth: false, uses_instance_oauth: false, uses_service_auth: false,
    database: c.database, db_timezone: c.db_timezone, query_timezone: c.query_timezone, schema: c.schema,
    max_connections: c.max_connections, max_queries: null, max_queries_per_user: null, max_billing_gigabytes: null,
    ssl: false, verify_ssl: false, tmp_db_name: null, tmp_db_host: null,
    jdbc_additional_params: c.jdbc_additional_params, pool_timeout: null,
    dialect_name: c.dialect_name,
    supports_data_studio_link: false,
    created_at: c.created_at,
    user_id: c.user_id,
    example: false,
    user_db_credentials: false, user_attribute_fields: [], maintenance_cron: null, last_regen_at: null, last_reap_at: null,
    sql_runner_precache_tables: false, sql_writing_with_info_schema: false, after_connect_statements: null,
    pdt_context_override: overrideJson(c.extra.pdt_context_override), managed: false, custom_local_port: null, tunnel_id: null, uses_tns: false, pdt_concurrency: null,
    disable_context_comment: false, oauth_application_id: null, always_retry_failed_builds: false,
    uses_application_default_credentials: false, impersonated_service_account: null, cost_estimate_enabled: false,
    pdt_api_control_enabled: false, connection_pooling: true, default_bq_connection: false, bq_storage_project_id: null,
    bq_roles_verified: false, p4sa_name: null, query_holding_disabled: false, service_name: null,
    ...extraJson(c.extra),
  };
}

function text(body: Body, key: string): string | null | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (v === null) return null;
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') throw validationFailed([{ field: key, code: 'invalid', message: `${key} must be a string.` }]);
  return v;
}

function checkDialect(name: string): void {
  if (!dialectNames().includes(name)) {
    throw validationFailed([{ field: 'dialect_name', code: 'invalid', message: `Unknown dialect "${name}". Supported: ${dialectNames().join(', ')}.` }]);
  }
}

function extraOf(body: Body): Record<string, unknown> {
  const members = storedMembers();
  const extra = Object.fromEntries(Object.entries(body).filter(([k]) => members.has(k)));
  const override = extra.pdt_context_override;
  if (isObject(override)) extra.pdt_context_override = Object.fromEntries(Object.entries(override).filter(([k]) => overrideMembers().has(k)));
  const timeout = extra[QUERY_TIMEOUT];
  if (timeout !== undefined && timeout !== null && (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout < 0)) {
    throw validationFailed([{ field: QUERY_TIMEOUT, code: 'invalid', message: `${QUERY_TIMEOUT} must be a number of seconds.` }]);
  }
  return extra;
}

/**
 * An update's extra members on top of the stored ones (a PATCH leaves unmentioned members alone).
 * The override merges member by member so its write-only passwords survive a read-modify-write.
 */
function mergedExtra(stored: Readonly<Record<string, unknown>>, patch: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const members = storedMembers();
  const out: Record<string, unknown> = Object.fromEntries(Object.entries(stored).filter(([k]) => members.has(k)));
  for (const [k, v] of Object.entries(patch)) {
    const before = out[k];
    out[k] = k === 'pdt_context_override' && isObject(before) && isObject(v) ? { ...before, ...v } : v;
  }
  return out;
}

function patchOf(body: Body): ConnectionPatch {
  const patch: { -readonly [K in keyof ConnectionPatch]: ConnectionPatch[K] } = {};
  for (const key of COLUMNS) {
    const v = text(body, key);
    if (v !== undefined) patch[key] = v;
  }
  const password = text(body, 'password');
  if (password !== undefined) patch.password = password;
  const dialect = text(body, 'dialect_name');
  if (dialect !== undefined && dialect !== null) {
    checkDialect(dialect);
    patch.dialect_name = dialect;
  }
  const max = body.max_connections;
  if (max !== undefined) {
    if (max !== null && (typeof max !== 'number' || !Number.isInteger(max) || max < 1)) {
      throw validationFailed([{ field: 'max_connections', code: 'invalid', message: 'max_connections must be a positive integer.' }]);
    }
    patch.max_connections = max;
  }
  const extra = extraOf(body);
  if (Object.keys(extra).length > 0) patch.extra = extra;
  return patch;
}

export function registerConnectionRoutes(app: FastifyInstance, store: Store, drivers: ConnectionManager): void {
  const canManage = (request: { auth: { permissions: ReadonlySet<string> } | null }): boolean => request.auth?.permissions.has('administer') === true;

  registerLookerRoute(app, {
    operationId: 'all_connections',
    handler: async (request) => {
      requireAuth(request);
      return (await store.connections.allConnections()).map((c) => connectionJson(c, canManage(request)));
    },
  });

  registerLookerRoute<{ Params: { connection_name: string } }>(app, {
    operationId: 'connection',
    handler: async (request) => {
      requireAuth(request);
      return connectionJson(found(await store.connections.connection(request.params.connection_name)), canManage(request));
    },
  });

  registerLookerRoute<{ Body: Body }>(app, {
    operationId: 'create_connection',
    handler: async (request) => {
      const auth = requirePermission(request, 'administer');
      const name = text(request.body, 'name');
      if (name === undefined || name === null || name === '') throw validationFailed([{ field: 'name', code: 'missing_field', message: 'A connection name is required.' }]);
      const dialect = text(request.body, 'dialect_name');
      if (dialect === undefined || dialect === null) throw validationFailed([{ field: 'dialect_name', code: 'missing_field', message: 'dialect_name is required.' }]);
      const patch = patchOf(request.body);
      const input: ConnectionInput = {
        name, dialect_name: dialect, host: patch.host ?? null, port: patch.port ?? DEFAULT_PORTS[dialect] ?? null, database: patch.database ?? null,
        username: patch.username ?? null, password: patch.password ?? null, schema: patch.schema ?? null, max_connections: patch.max_connections ?? null,
        query_timezone: patch.query_timezone ?? null, db_timezone: patch.db_timezone ?? null, jdbc_additional_params: patch.jdbc_additional_params ?? null,
        extra: patch.extra ?? {},
      };
      return connectionJson(await call(() => store.connections.createConnection(input, auth.userId)), true);
    },
  });

  registerLookerRoute<{ Params: { connection_name: string }; Body: Body }>(app, {
    operationId: 'update_connection',
    handler: async (request) => {
      requirePermission(request, 'administer');
      const name = request.params.connection_name;
      const before = found(await store.connections.connection(name));
      const patch = patchOf(request.body);
      const merged = patch.extra === undefined ? patch : { ...patch, extra: mergedExtra(before.extra, patch.extra) };
      const updated = found(await call(() => store.connections.updateConnection(name, merged)));
      await drivers.forget(name);
      return connectionJson(updated, true);
    },
  });

  registerLookerRoute<{ Params: { connection_name: string } }>(app, {
    operationId: 'delete_connection',
    handler: async (request, reply) => {
      requirePermission(request, 'administer');
      if (!(await store.connections.deleteConnection(request.params.connection_name))) throw new ApiError('not_found');
      await drivers.forget(request.params.connection_name);
      return reply.code(204).send();
    },
  });

  registerLookerRoute<{ Params: { connection_name: string }; Querystring: { tests?: unknown } }>(app, {
    operationId: 'test_connection',
    handler: async (request) => {
      requirePermission(request, 'administer');
      const c = found(await store.connections.connection(request.params.connection_name));
      const wanted = requestedTests(request.query.tests);
      const results: Record<string, unknown>[] = [];
      if (!knownDialects().includes(c.dialect_name)) {
        return wanted.map((name) => ({ can: {}, connection_string: null, message: `Overlook has no driver for ${c.dialect_name}: queries can be compiled (SQL) but not run.`, name, status: 'error' }));
      }
      let ok = true;
      for (const name of wanted) {
        // DBConnectionTestResult: the connection string is "only populated in the 'connect' test".
        const connection_string = name === 'connect' ? connectionString(c) : null;
        if (!ok) {
          results.push({ can: {}, connection_string, message: 'Skipped: an earlier test failed.', name, status: 'skipped' });
          continue;
        }
        try {
          await drivers.driver(c).run('SELECT 1 AS ok', { timeoutMs: 10_000 });
          results.push({ can: {}, connection_string, message: name === 'connect' ? 'Can connect' : 'Can run a query', name, status: 'success' });
        } catch (error) {
          ok = false;
          results.push({ can: {}, connection_string, message: error instanceof Error ? error.message : String(error), name, status: 'error' });
        }
      }
      return results;
    },
  });

  registerLookerRoute(app, {
    operationId: 'all_dialect_infos',
    handler: (request) => {
      requireAuth(request);
      const installed = new Set(knownDialects());
      return dialectNames().map((name) => {
        const d = getDialect(name);
        return {
          can: {}, default_max_connections: '10', default_port: DEFAULT_PORTS[name] ?? null, default_max_queries: '75',
          default_max_queries_per_user: '15', installed: installed.has(name), label: d.label,
          label_for_database_equivalent: name === 'duckdb' ? 'File' : 'Database', label_for_schema_equivalent: 'Schema',
          name, supported_driver_name: installed.has(name) ? name : null, supported_driver_versions: [], supported_options: supportedOptions(name, installed.has(name)),
        };
      });
    },
  });
}

/**
 * The tests a request names, in the order they run. The validator hands `tests` over as a list (the
 * SDK's comma-joined text, JSON text or a repeated parameter), but an item may still hold commas when
 * forms are mixed. Naming none runs them all; unsupported names are ignored, as the spec says.
 */
function requestedTests(tests: unknown): string[] {
  const items = tests === undefined || tests === null ? [] : Array.isArray(tests) ? (tests as unknown[]) : [tests];
  const named = new Set(items.flatMap((t) => String(t).split(',')).map((t) => t.trim()).filter((t) => t !== ''));
  return named.size === 0 ? [...CONNECTION_TESTS] : CONNECTION_TESTS.filter((t) => named.has(t));
}

const NETWORK_DIALECTS = new Set(['postgres', 'redshift', 'snowflake', 'trino']);

/**
 * DialectInfoOptions: which connection settings take effect for the dialect on this server. A driver
 * reads host/port/username (network databases), schema, jdbc_additional_params and max_connections
 * (its pool); the compiler reads the time zones for every dialect. Dialects without a driver keep
 * their network settings (shown in the connection string) but nothing runs against them. Settings
 * Overlook never acts on are false: `ssl` (TLS goes through `sslmode` in jdbc_additional_params),
 * after-connect statements, PDTs (tmp_table), cost estimates, context comments and the
 * cloud-specific credentials.
 */
function supportedOptions(dialect: string, installed: boolean): Record<string, boolean> {
  const network = NETWORK_DIALECTS.has(dialect);
  return specShape('DialectInfoOptions', {
    additional_params: installed, auth: network, host: network, port: network, schema: true, timezone: true,
    username: network, supports_connection_pooling: installed,
  }) as Record<string, boolean>;
}

function connectionString(c: ConnectionRecord): string {
  if (c.dialect_name === 'duckdb') return `duckdb:${c.database ?? ':memory:'}`;
  return `${c.dialect_name}://${c.username ?? ''}@${c.host ?? ''}:${c.port ?? ''}/${c.database ?? ''}`;
}
