/**
 * A cluster on loopback for the issue 10 suites: N real `overlook serve` processes sharing one
 * PostgreSQL metadata schema and one git remote, each with its own data dir (mirrors, caches), over a
 * PostgreSQL warehouse schema every node can reach (a DuckDB file can be opened by one process only).
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { makeRemote } from '../../src/workspaces/git/test-helpers.ts';
import { ServerProcess } from './server-process.ts';
import { pgSchemaUrl } from './support.ts';

export const CLUSTER_ADMIN = {
  OVERLOOK_ADMIN_EMAIL: 'root@example.com', OVERLOOK_ADMIN_PASSWORD: 'correct horse battery',
  OVERLOOK_ADMIN_CLIENT_ID: 'clusteradmin', OVERLOOK_ADMIN_CLIENT_SECRET: 'cluster-secret-0123456789',
};

export const clusterModel = 'connection: "warehouse"\ninclude: "*.view.lkml"\nexplore: orders {}\nexplore: slow {}\n';
export const clusterOrders = (warehouse: string, label: string): string => `view: orders {
  sql_table_name: ${warehouse}.orders ;;
  dimension: id { primary_key: yes type: number sql: \${TABLE}.id ;; }
  dimension: status { type: string sql: \${TABLE}.status ;; }
  dimension: label { type: string sql: '${label}' ;; }
  measure: count { type: count }
  measure: total_amount { type: sum sql: \${TABLE}.amount ;; }
}
`;
/** A query PostgreSQL takes ~`seconds` for, whose answer is still checkable (count = 100). */
export const clusterSlow = (warehouse: string, seconds: number): string => `view: slow {
  derived_table: { sql: SELECT o.id, (SELECT 1 FROM pg_sleep(${seconds})) AS one FROM ${warehouse}.orders o ;; }
  dimension: id { primary_key: yes type: number sql: \${TABLE}.id ;; }
  measure: count { type: count }
}
`;

export interface HttpResult { status: number; json: unknown; text: string }

export interface Cluster {
  readonly root: string;
  readonly nodes: ServerProcess[];
  readonly metadataUrl: string;
  readonly warehouse: string;
  readonly remote: string;
  /** A raw API call with a token to one node. */
  http(node: number, token: string, method: string, path: string, body?: unknown): Promise<HttpResult>;
  /** POST /login on one node with API3 credentials. */
  login(node: number, clientId?: string, secret?: string): Promise<string>;
  /** A direct query on the test PostgreSQL (metadata schema or warehouse). */
  sql<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
  close(): Promise<void>;
}

export interface ClusterOptions {
  readonly nodes: number;
  /** Schema names: metadata and warehouse are dropped and made fresh. */
  readonly schema: string;
  /** Extra env for every node (e.g. short leases). */
  readonly env?: Readonly<Record<string, string>>;
  /** Seconds the `slow` explore sleeps. */
  readonly slowSeconds?: number;
}

/**
 * Starts the nodes at once on an empty metadata schema (migrations and the first admin race, as in
 * a real rollout), then through node 0: the warehouse connection, the `shop` project on the shared
 * remote, deployed.
 */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const root = await mkdtemp(join(tmpdir(), 'overlook-cluster-'));
  const base = process.env.OVERLOOK_TEST_PG_URL;
  if (base === undefined) throw new Error('OVERLOOK_TEST_PG_URL is not set (test/global-setup.ts starts PostgreSQL)');
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  const warehouse = `${options.schema}_wh`;
  await client.query(`DROP SCHEMA IF EXISTS ${warehouse} CASCADE`);
  await client.query(`CREATE SCHEMA ${warehouse}`);
  await client.query(`CREATE TABLE ${warehouse}.orders AS SELECT i AS id, CASE i % 3 WHEN 0 THEN 'complete' WHEN 1 THEN 'pending' ELSE 'cancelled' END AS status,
    ((i * 7 % 100) + 0.25)::numeric(10,2) AS amount FROM generate_series(1, 100) AS t(i)`);
  const metadataUrl = await pgSchemaUrl(options.schema);
  await mkdir(join(root, 'remote'));
  const remote = await makeRemote(join(root, 'remote'), {
    'shop.model.lkml': clusterModel, 'orders.view.lkml': clusterOrders(warehouse, 'prod'), 'slow.view.lkml': clusterSlow(warehouse, options.slowSeconds ?? 1),
  });
  // Projects made without a remote keep their repository in a folder every node shares (NFS in real life).
  const env = { ...CLUSTER_ADMIN, OVERLOOK_DATABASE_URL: metadataUrl, OVERLOOK_HOSTED_GIT_DIR: join(root, 'hosted'), ...(options.env ?? {}) };
  // Named nodes: the workers' lease holders read `node-<i>.<random>`, so tests can tell whose a task is.
  const nodes = await Promise.all(Array.from({ length: options.nodes }, (_, i) => ServerProcess.create(join(root, `node-${i}`), { ...env, OVERLOOK_NODE_ID: `node-${i}` })));
  await Promise.all(nodes.map((n) => n.start()));

  const http = async (node: number, token: string, method: string, path: string, body?: unknown): Promise<HttpResult> => {
    const res = await fetch(`${nodes[node]!.url}/api/4.0${path}`, {
      method,
      headers: { authorization: `token ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text === '' ? null : JSON.parse(text);
    } catch {
      json = null;
    }
    return { status: res.status, json, text };
  };
  const login = async (node: number, clientId = CLUSTER_ADMIN.OVERLOOK_ADMIN_CLIENT_ID, secret = CLUSTER_ADMIN.OVERLOOK_ADMIN_CLIENT_SECRET): Promise<string> => {
    const res = await fetch(`${nodes[node]!.url}/api/4.0/login`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `client_id=${clientId}&client_secret=${secret}`,
    });
    if (res.status !== 200) throw new Error(`login on node ${node}: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { access_token: string }).access_token;
  };
  const sql = async <R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> => (await client.query<R>(text, values)).rows;

  const admin = await login(0);
  const must = async (r: Promise<HttpResult>, what: string): Promise<unknown> => {
    const res = await r;
    if (res.status >= 300) throw new Error(`${what}: ${res.status} ${res.text}`);
    return res.json;
  };
  const u = new URL(base);
  await must(http(0, admin, 'POST', '/connections', {
    name: 'warehouse', dialect_name: 'postgres', host: u.hostname, port: u.port, database: u.pathname.slice(1),
    username: decodeURIComponent(u.username), password: decodeURIComponent(u.password),
  }), 'create connection');
  await must(http(0, admin, 'PATCH', '/session', { workspace_id: 'dev' }), 'dev session');
  await must(http(0, admin, 'POST', '/projects', { name: 'shop', git_remote_url: remote }), 'create project');
  await must(http(0, admin, 'POST', '/projects/shop/deploy_ref_to_production?branch=main'), 'deploy');

  return {
    root, nodes, metadataUrl, warehouse, remote, http, login, sql,
    close: async () => {
      await Promise.all(nodes.map((n) => n.stop()));
      await client.query(`DROP SCHEMA IF EXISTS ${warehouse} CASCADE`);
      await client.end();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Polls `probe` until it returns true or `ms` pass; returns the milliseconds it took. */
export async function within(ms: number, probe: () => Promise<boolean>, what: string): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await probe()) return performance.now() - started;
    if (performance.now() - started > ms) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
