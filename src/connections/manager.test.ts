import { describe, expect, it } from 'vitest';
import type { ConnectionRecord } from '../store/index.ts';
import type { ConnectionConfig, Driver } from './driver.ts';
import { ConnectionManager } from './manager.ts';
import { registerDriver } from './registry.ts';

const made: { config: ConnectionConfig; closed: boolean }[] = [];
registerDriver('counting', (config) => {
  const entry = { config, closed: false };
  made.push(entry);
  const driver: Driver = {
    dialect: 'counting',
    run: () => Promise.resolve({ columns: [], rows: [] }),
    close: () => {
      entry.closed = true;
      return Promise.resolve();
    },
  };
  return driver;
});

function record(database: string, extra: Readonly<Record<string, unknown>> = {}): ConnectionRecord {
  return {
    name: 'warehouse', dialect_name: 'counting', host: null, port: null, database, username: null, password: null, schema: null,
    max_connections: null, query_timezone: null, db_timezone: null, jdbc_additional_params: null, extra, user_id: null, created_at: '2024-01-01T00:00:00Z',
  };
}

describe('ConnectionManager', () => {
  it('reuses the open driver while the settings stay the same, whichever record object carries them', async () => {
    made.length = 0;
    const manager = new ConnectionManager();
    const first = record('a.duckdb');
    const driver = manager.driver(first);
    expect(manager.driver(first)).toBe(driver);
    expect(manager.driver(record('a.duckdb'))).toBe(driver);
    expect(made).toHaveLength(1);

    // Changed settings (here the query timeout kept in `extra`) open a new driver and close the old one.
    const changed = manager.driver(record('a.duckdb', { query_timeout: 30 }));
    expect(changed).not.toBe(driver);
    expect(made.map((m) => m.config.query_timeout)).toEqual([undefined, 30]);
    await Promise.resolve();
    expect(made.map((m) => m.closed)).toEqual([true, false]);

    await manager.close();
    expect(made.map((m) => m.closed)).toEqual([true, true]);
  });
});
