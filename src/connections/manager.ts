/**
 * This node's open drivers, one per named connection, created on first use and replaced when the
 * connection's settings change (the settings live in the metadata DB; a fingerprint of them decides
 * whether the open driver is still the right one, so an update made on another node is picked up).
 */
import type { ConnectionRecord } from '../store/index.ts';
import type { ConnectionConfig, Driver } from './driver.ts';
import { createDriver } from './registry.ts';

export function connectionConfig(c: ConnectionRecord): ConnectionConfig {
  const timeout = c.extra.query_timeout;
  return {
    dialect_name: c.dialect_name,
    ...(c.database !== null ? { database: c.database } : {}),
    ...(c.host !== null ? { host: c.host } : {}),
    ...(c.port !== null ? { port: c.port } : {}),
    ...(c.username !== null ? { username: c.username } : {}),
    ...(c.password !== null ? { password: c.password } : {}),
    ...(c.schema !== null ? { schema: c.schema } : {}),
    ...(c.max_connections !== null ? { max_connections: c.max_connections } : {}),
    ...(typeof timeout === 'number' ? { query_timeout: timeout } : {}),
    ...(c.jdbc_additional_params !== null ? { jdbc_additional_params: c.jdbc_additional_params } : {}),
  };
}

export class ConnectionManager {
  readonly #open = new Map<string, { fingerprint: string; driver: Driver }>();
  /**
   * Fingerprints by record: the metadata caches hand out the same record object until the
   * connection changes, so a run does not rebuild and serialize its settings every time.
   */
  readonly #fingerprints = new WeakMap<ConnectionRecord, string>();

  /** The driver for this connection record, reusing the open one while its settings are unchanged. */
  driver(connection: ConnectionRecord): Driver {
    let fingerprint = this.#fingerprints.get(connection);
    if (fingerprint === undefined) {
      fingerprint = JSON.stringify(connectionConfig(connection));
      this.#fingerprints.set(connection, fingerprint);
    }
    const open = this.#open.get(connection.name);
    if (open?.fingerprint === fingerprint) return open.driver;
    const driver = createDriver(connectionConfig(connection));
    this.#open.set(connection.name, { fingerprint, driver });
    // The replaced driver may still be running queries; close it once they are done.
    if (open) void open.driver.close().catch(() => undefined);
    return driver;
  }

  /** Closes the open driver of a deleted or changed connection. */
  async forget(name: string): Promise<void> {
    const open = this.#open.get(name);
    this.#open.delete(name);
    await open?.driver.close();
  }

  async close(): Promise<void> {
    const all = [...this.#open.values()];
    this.#open.clear();
    await Promise.all(all.map((o) => o.driver.close().catch(() => undefined)));
  }
}
