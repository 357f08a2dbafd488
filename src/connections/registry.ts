/** Builds a driver from a Looker-style connection config, keyed by `dialect_name`. */
import type { ConnectionConfig, Driver } from './driver.ts';
import { createDuckDBDriver } from './duckdb.ts';
import { createPostgresDriver } from './postgres.ts';
import { parseAdditionalParams, secondsToMs } from './run-control.ts';

export type DriverFactory = (config: ConnectionConfig) => Driver;

function duckdbFromConfig(config: ConnectionConfig): Driver {
  const params = parseAdditionalParams(config.jdbc_additional_params);
  const { access_mode: accessMode, ...rest } = params;
  return createDuckDBDriver({
    path: config.database ?? ':memory:',
    readOnly: accessMode?.toLowerCase() === 'read_only',
    ...(config.schema ? { schema: config.schema } : {}),
    ...(config.max_connections ? { maxConnections: config.max_connections } : {}),
    ...(config.query_timeout ? { defaultTimeoutMs: secondsToMs(config.query_timeout) } : {}),
    config: rest,
  });
}

function postgresFromConfig(config: ConnectionConfig): Driver {
  const params = parseAdditionalParams(config.jdbc_additional_params);
  const port = config.port === undefined || config.port === '' ? undefined : Number(config.port);
  if (port !== undefined && !Number.isInteger(port)) {
    throw new Error(`Invalid port for a postgres connection: ${String(config.port)}`);
  }
  return createPostgresDriver({
    ...(config.host ? { host: config.host } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(config.database ? { database: config.database } : {}),
    ...(config.username ? { user: config.username } : {}),
    ...(config.password !== undefined ? { password: config.password } : {}),
    ...(config.schema ? { schema: config.schema } : {}),
    ...(config.max_connections ? { maxConnections: config.max_connections } : {}),
    ...(config.query_timeout ? { defaultTimeoutMs: secondsToMs(config.query_timeout) } : {}),
    ...(params.application_name ? { applicationName: params.application_name } : {}),
    ...(params.sslmode ? { sslMode: params.sslmode } : {}),
  });
}

const factories = new Map<string, DriverFactory>([
  ['duckdb', duckdbFromConfig],
  ['postgres', postgresFromConfig],
]);

/**
 * A `postgres://user:pass@host:port/db?schema=s` URL as a Looker-style connection config
 * (`schema` from the argument, else the URL's `schema` parameter).
 */
export function postgresConfigFromUrl(text: string, schema?: string): ConnectionConfig {
  const url = new URL(text);
  const s = schema ?? url.searchParams.get('schema') ?? undefined;
  return {
    dialect_name: 'postgres', host: url.hostname, port: url.port || '5432', database: url.pathname.slice(1) || 'postgres',
    username: decodeURIComponent(url.username), password: decodeURIComponent(url.password),
    ...(s ? { schema: s } : {}),
  };
}

/** Dialect names that have a driver, sorted. */
export function knownDialects(): string[] {
  return [...factories.keys()].sort();
}

/** Whether a dialect has a driver (Overlook can run its SQL, not only compile it). */
export function hasDriver(dialectName: string): boolean {
  return factories.has(dialectName);
}

/** Add (or replace) the driver for a dialect, e.g. for a plugin or a test double. */
export function registerDriver(dialectName: string, factory: DriverFactory): void {
  factories.set(dialectName, factory);
}

/** A driver for the config's dialect. Opening is lazy: connection problems surface on the first run. */
export function createDriver(config: ConnectionConfig): Driver {
  const factory = factories.get(config.dialect_name);
  if (!factory) {
    throw new Error(`Unknown dialect "${config.dialect_name}". Known dialects: ${knownDialects().join(', ')}`);
  }
  return factory(config);
}
