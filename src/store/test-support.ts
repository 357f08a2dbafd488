/**
 * Test scaffolding shared by the store suites: one fresh database per suite on each dialect
 * (a temp dir for SQLite, a new schema for PostgreSQL via `search_path`), and a clock tests
 * can move.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { StoreError, openStore } from './index.ts';
import type { OpenStoreOptions, Store } from './index.ts';

export type TestDialect = 'sqlite' | 'postgres';
export const DIALECTS: readonly TestDialect[] = ['sqlite', 'postgres'];

export interface TestClock {
  readonly now: () => Date;
  advance(seconds: number): void;
}

export function testClock(start = '2024-01-01T00:00:00.000Z'): TestClock {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    advance: (seconds) => {
      current += seconds * 1000;
    },
  };
}

export interface TestDatabase {
  /** Where the DB lives, as `openStore` options (reopen it, or hand it to a child process). */
  readonly location: OpenStoreOptions;
  readonly schema: string | null;
  open(now?: () => Date): Promise<Store>;
  cleanup(): Promise<void>;
}

function pgUrl(): string {
  const url = process.env.OVERLOOK_TEST_PG_URL;
  if (!url) throw new Error('OVERLOOK_TEST_PG_URL is not set (test/global-setup.ts starts PostgreSQL)');
  return url;
}

async function adminQuery(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: pgUrl() });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(dialect: TestDialect, label: string): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dataDir = mkdtempSync(join(tmpdir(), `overlook-store-${label}-`));
    const location = { dataDir };
    return {
      location,
      schema: null,
      open: (now) => openStore({ ...location, ...(now ? { now } : {}) }),
      cleanup: () => {
        rmSync(dataDir, { recursive: true, force: true });
        return Promise.resolve();
      },
    };
  }
  const schema = `store_${label}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await adminQuery(`CREATE SCHEMA "${schema}"`);
  const url = pgUrl();
  const databaseUrl = `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const location = { databaseUrl, maxConnections: 4 };
  return {
    location,
    schema,
    open: (now) => openStore({ ...location, ...(now ? { now } : {}) }),
    cleanup: () => adminQuery(`DROP SCHEMA "${schema}" CASCADE`),
  };
}

/** Awaits a promise that must reject with a StoreError, and returns that error. */
export async function storeError(promise: Promise<unknown>): Promise<StoreError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof StoreError) return error;
    throw error;
  }
  throw new Error('expected a StoreError');
}
