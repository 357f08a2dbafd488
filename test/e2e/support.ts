/** Shared by the end-to-end suites: fresh PostgreSQL schemas and a running server over a DuckDB warehouse. */
import pg from 'pg';
import { writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { LookerNodeSDK, NodeSettingsIniFile } from '@looker/sdk-node';
import type { Looker40SDK } from '@looker/sdk';
import type { RunningServer } from '../../src/api/server.ts';
import { serve } from '../../src/cli/serve.ts';
import { makeRemote } from '../../src/workspaces/git/test-helpers.ts';

/** A URL whose connections use `schema` (dropped and recreated empty) as their search_path, on the tests' PostgreSQL unless `base` names another. */
export async function pgSchemaUrl(schema: string, base = process.env.OVERLOOK_TEST_PG_URL): Promise<string> {
  if (base === undefined) throw new Error('OVERLOOK_TEST_PG_URL is not set (test/global-setup.ts starts PostgreSQL)');
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.query(`CREATE SCHEMA ${schema}`);
  await client.end();
  const u = new URL(base);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}


export const QUERY_ADMIN = { OVERLOOK_ADMIN_EMAIL: 'root@example.com', OVERLOOK_ADMIN_PASSWORD: 'correct horse battery', OVERLOOK_ADMIN_CLIENT_ID: 'queryadmin', OVERLOOK_ADMIN_CLIENT_SECRET: 'query-secret-0123456789' };

export const SHOP_MODEL = 'connection: "warehouse"\ninclude: "*.view.lkml"\nexplore: orders {}\nexplore: broken {}\nexplore: slow {}\n';
/** A query DuckDB takes many seconds for: what kill_query must really cancel. */
export const SLOW_VIEW = 'view: slow {\n  derived_table: { sql: SELECT sum(a.range * b.range) AS x FROM range(300000) a, range(300000) b ;; }\n  dimension: x { type: number sql: ${TABLE}.x ;; }\n}\n';
export const ordersView = (label: string): string => `view: orders {
  sql_table_name: main.orders ;;
  dimension: id { primary_key: yes type: number sql: \${TABLE}.id ;; }
  dimension: status { type: string sql: \${TABLE}.status ;; }
  dimension: label { type: string sql: '${label}' ;; }
  dimension_group: created { type: time timeframes: [date, month] sql: \${TABLE}.created_at ;; }
  measure: count { type: count }
  measure: total_amount { type: sum sql: \${TABLE}.amount ;; value_format_name: usd }
}
`;
export const BROKEN_VIEW = 'view: broken {\n  sql_table_name: main.no_such_table ;;\n  dimension: x { sql: ${TABLE}.x ;; }\n}\n';

/** A running server with a deployed `shop` project over a real DuckDB file `warehouse` (100 orders). */
export interface QueryFixture {
  readonly root: string;
  readonly server: RunningServer;
  readonly duckPath: string;
  readonly remote: string;
  sdk(): Looker40SDK;
  /** An SDK logged in with other API3 credentials. */
  sdkFor(clientId: string, clientSecret: string): Looker40SDK;
  token(s: Looker40SDK): Promise<string>;
  raw(s: Looker40SDK, method: string, path: string, body?: unknown): Promise<Response>;
  /** Rows of `sql` run directly on the warehouse file. */
  direct(sql: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export async function startQueryFixture(metadata: 'sqlite' | 'postgres', schema: string, options: { connection?: boolean } = {}): Promise<QueryFixture> {
  const root = await mkdtemp(join(tmpdir(), 'overlook-e2e-q-'));
  const duckPath = join(root, 'warehouse.duckdb');
  const instance = await DuckDBInstance.create(duckPath);
  const conn = await instance.connect();
  await conn.run(`CREATE TABLE orders AS SELECT i AS id, CASE i % 3 WHEN 0 THEN 'complete' WHEN 1 THEN 'pending' ELSE 'it''s "odd", ok' END AS status,
    (i * 7 % 100) + 0.25 AS amount, TIMESTAMP '2024-01-01 00:00:00' + INTERVAL (i) DAY AS created_at FROM range(1, 101) t(i)`);
  conn.closeSync();
  instance.closeSync();
  await mkdir(join(root, 'remote'));
  const remote = await makeRemote(join(root, 'remote'), { 'shop.model.lkml': SHOP_MODEL, 'orders.view.lkml': ordersView('prod'), 'broken.view.lkml': BROKEN_VIEW, 'slow.view.lkml': SLOW_VIEW });
  const databaseUrl = metadata === 'postgres' ? await pgSchemaUrl(schema) : undefined;
  const server = await serve({ port: 0, host: '127.0.0.1', dataDir: join(root, 'data'), adminEnv: QUERY_ADMIN, handleSignals: false, log: () => undefined, ...(databaseUrl ? { databaseUrl } : {}) });
  let n = 0;
  const sdkFor = (clientId: string, clientSecret: string): Looker40SDK => {
    const ini = join(root, `sdk-${n++}.ini`);
    writeFileSync(ini, `[Looker]\nbase_url=${server.url}\nclient_id=${clientId}\nclient_secret=${clientSecret}\nverify_ssl=false\n`);
    return LookerNodeSDK.init40(new NodeSettingsIniFile('', ini, 'Looker'));
  };
  const sdk = (): Looker40SDK => sdkFor(QUERY_ADMIN.OVERLOOK_ADMIN_CLIENT_ID, QUERY_ADMIN.OVERLOOK_ADMIN_CLIENT_SECRET);
  const token = async (s: Looker40SDK): Promise<string> => {
    await s.ok(s.session());
    return (s.authSession as unknown as { activeToken: { access_token: string } }).activeToken.access_token;
  };
  const raw = async (s: Looker40SDK, method: string, path: string, body?: unknown): Promise<Response> => fetch(`${server.url}/api/4.0${path}`, {
    method,
    headers: { authorization: `token ${await token(s)}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const direct = async (sql: string): Promise<Record<string, unknown>[]> => {
    const db = await DuckDBInstance.create(duckPath, { access_mode: 'READ_ONLY' });
    const c = await db.connect();
    try {
      return (await c.runAndReadAll(sql)).getRowObjectsJson();
    } finally {
      c.closeSync();
      db.closeSync();
    }
  };
  const admin = sdk();
  await admin.ok(admin.update_session({ workspace_id: 'dev' }));
  await admin.ok(admin.create_project({ name: 'shop', git_remote_url: remote }));
  await admin.ok(admin.deploy_ref_to_production({ project_id: 'shop', branch: 'main' }));
  if (options.connection === true) await admin.ok(admin.create_connection({ name: 'warehouse', dialect_name: 'duckdb', database: duckPath }));
  return {
    root, server, duckPath, remote, sdk, sdkFor, token, raw, direct,
    close: async () => {
      await server.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
