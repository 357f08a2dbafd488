import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from './index.ts';
import { openStore } from './index.ts';
import { migrationProvider } from './migrations.ts';
import { DIALECTS, createTestDatabase } from './test-support.ts';
import type { TestDatabase } from './test-support.ts';

const run = promisify(execFile);
/** Every migration the package ships, in order: each must have run exactly once. */
const MIGRATIONS = Object.keys(await migrationProvider('sqlite').getMigrations()).sort();
const child = fileURLToPath(new URL('./test-fixtures/open-store.ts', import.meta.url));

async function migrationNames(store: Store): Promise<string[]> {
  const result = await sql<{ name: string }>`select name from overlook_migration order by name`.execute(store.db);
  return result.rows.map((row) => row.name);
}

async function count(store: Store, table: string): Promise<number> {
  const result = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(store.db);
  return Number(result.rows[0]?.n);
}

describe.each(DIALECTS)('opening the store on %s', (dialect) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(dialect, 'open');
  });
  afterAll(async () => {
    await database.cleanup();
  });

  it('migrates on first open and is a no-op on the next (seeds are not duplicated)', async () => {
    const first = await database.open();
    expect(first.dialect).toBe(dialect);
    expect(await migrationNames(first)).toEqual(MIGRATIONS);
    expect(await count(first, 'roles')).toBe(4);
    await first.close();
    const second = await database.open();
    expect(await migrationNames(second)).toEqual(MIGRATIONS);
    expect(await count(second, 'roles')).toBe(4);
    expect(await count(second, 'permission_sets')).toBe(4);
    expect(await count(second, 'model_sets')).toBe(1);
    expect(await count(second, 'user_attributes')).toBe(5);
    await second.close();
  });

  it('survives several processes opening the same fresh database at once', async () => {
    const fresh = await createTestDatabase(dialect, 'race');
    try {
      const startAt = Date.now() + 2500;
      // allSettled: every child must have exited before cleanup removes the directory.
      const outputs = await Promise.allSettled([0, 1, 2].map(() => run(process.execPath,
        ['--import', 'tsx', child, JSON.stringify(fresh.location), String(startAt)], { encoding: 'utf8' })));
      for (const output of outputs) {
        if (output.status === 'rejected') throw output.reason;
        expect(JSON.parse(output.value.stdout)).toEqual({
          migrations: MIGRATIONS, roles: ['Admin', 'Developer', 'User', 'Viewer'],
        });
      }
      const store = await fresh.open();
      expect(await count(store, 'overlook_migration')).toBe(MIGRATIONS.length);
      expect(await count(store, 'roles')).toBe(4);
      expect(await count(store, 'permission_set_permissions')).toBe(55 + 24 + 19 + 13);
      await store.close();
    } finally {
      await fresh.cleanup();
    }
  });

  it('keeps id sequences past the seeded rows', async () => {
    const store = await database.open();
    const set = await store.roles.createPermissionSet({ name: 'Seq check', permissions: ['see_looks'] });
    const role = await store.roles.createRole({ name: 'Seq role', permission_set_id: set.id, model_set_id: '1' });
    expect([set.id, role.id]).toEqual(['5', '6']);
    await store.close();
  });
});

describe('SQLite specifics', () => {
  let database: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    database = await createTestDatabase('sqlite', 'pragmas');
    store = await database.open();
  });
  afterAll(async () => {
    await store.close();
    await database.cleanup();
  });

  it('puts overlook.db in the data dir, in WAL mode with a busy timeout and foreign keys on', async () => {
    expect(existsSync(join(database.location.dataDir ?? '', 'overlook.db'))).toBe(true);
    expect((await sql`pragma journal_mode`.execute(store.db)).rows).toEqual([{ journal_mode: 'wal' }]);
    expect((await sql`pragma busy_timeout`.execute(store.db)).rows).toEqual([{ timeout: 5000 }]);
    expect((await sql`pragma foreign_keys`.execute(store.db)).rows).toEqual([{ foreign_keys: 1 }]);
  });

  it('creates the data dir when it does not exist', async () => {
    const nested = join(database.location.dataDir ?? '', 'a', 'b');
    const other = await openStore({ dataDir: nested });
    expect(existsSync(join(nested, 'overlook.db'))).toBe(true);
    await other.close();
  });

  it('opens a fresh file another process holds a write lock on (the WAL switch waits instead of SQLITE_BUSY)', async () => {
    const dataDir = join(database.location.dataDir ?? '', 'locked');
    mkdirSync(dataDir);
    // A plain rollback-journal file with a writer inside BEGIN IMMEDIATE: SQLite refuses the
    // switch to WAL at once, without its busy handler, until that writer commits.
    const holder = spawn(process.execPath, ['-e', `
      const Libsql = require('libsql');
      const db = new Libsql(${JSON.stringify(join(dataDir, 'overlook.db'))});
      db.exec('begin immediate'); db.exec('create table held (x)');
      process.stdout.write('locked');
      setTimeout(() => { db.exec('commit'); db.close(); }, 400);`], { cwd: process.cwd() });
    const exited = new Promise((resolve) => holder.on('exit', resolve));
    await new Promise((resolve) => holder.stdout.once('data', resolve));
    const started = Date.now();
    const other = await openStore({ dataDir });
    expect(Date.now() - started).toBeGreaterThan(100);
    expect((await sql`pragma journal_mode`.execute(other.db)).rows).toEqual([{ journal_mode: 'wal' }]);
    expect(await migrationNames(other)).toEqual(MIGRATIONS);
    await other.close();
    await exited;
  });

  it('binds booleans (libsql would abort the process on a raw JS boolean)', async () => {
    const user = await store.users.createUser({ is_disabled: true, ui_dev_mode: true });
    expect([user.is_disabled, user.ui_dev_mode]).toEqual([true, true]);
    const raw = await sql<{ n: number }>`select count(*) as n from users where is_disabled = ${true}`.execute(store.db);
    expect(raw.rows).toEqual([{ n: 1 }]);
  });
});

describe('PostgreSQL specifics', () => {
  it('creates every table in the schema named by search_path, none in public', async () => {
    const database = await createTestDatabase('postgres', 'schema');
    try {
      const store = await database.open();
      const tables = await sql<{ table_schema: string; table_name: string }>`
        select table_schema, table_name from information_schema.tables
        where table_name in ('users', 'access_tokens', 'overlook_migration') order by table_schema, table_name`
        .execute(store.db);
      expect(tables.rows.filter((row) => row.table_schema === database.schema).map((row) => row.table_name))
        .toEqual(['access_tokens', 'overlook_migration', 'users']);
      expect(tables.rows.filter((row) => row.table_schema === 'public')).toEqual([]);
      await store.close();
    } finally {
      await database.cleanup();
    }
  });

  it('fails to open with a clear error when the server is unreachable', async () => {
    await expect(openStore({ databaseUrl: 'postgres://nobody@127.0.0.1:1/none' })).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('openStore options', () => {
  it('needs a data dir or a database URL', async () => {
    await expect(openStore({})).rejects.toThrow('openStore needs a dataDir (SQLite) or a databaseUrl (PostgreSQL)');
  });
});
