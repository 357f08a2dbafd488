/**
 * For the embed end-to-end suites: an Overlook server over HTTPS (self-signed certificate, made
 * here) with the web UI built from the current sources, a deployed `shop` project over a DuckDB
 * warehouse, and a small HTTPS client that accepts that certificate. Also a cookie-jar browser
 * for the suites that log in through /login/embed without Chromium.
 */
import { request as httpsRequest } from 'node:https';
import { writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { LookerNodeSDK, NodeSettingsIniFile } from '@looker/sdk-node';
import type { Looker40SDK } from '@looker/sdk';
import { generate } from 'selfsigned';
import { build } from 'vite';
import type { RunningServer } from '../../src/api/server.ts';
import { serve } from '../../src/cli/serve.ts';
import { makeRemote } from '../../src/workspaces/git/test-helpers.ts';
import { QUERY_ADMIN, ordersView } from './support.ts';

const MODEL = 'connection: "warehouse"\ninclude: "*.view.lkml"\nexplore: orders {}\n';

export interface HttpsReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTPS request to the test server (its certificate is self-signed). */
export function httpsCall(url: string, method: string, headers: Record<string, string> = {}, body?: string): Promise<HttpsReply> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method, headers, rejectUnauthorized: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export interface TlsFixture {
  readonly root: string;
  readonly server: RunningServer;
  /** `host:port` as the embed SDK is given it. */
  readonly host: string;
  readonly admin: Looker40SDK;
  token(): Promise<string>;
  /** An API call as the admin's token: parsed JSON body. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

export async function startTlsFixture(): Promise<TlsFixture> {
  const root = await mkdtemp(join(tmpdir(), 'overlook-e2e-embed-'));
  const webRoot = join(root, 'web');
  await build({
    configFile: join(import.meta.dirname, '..', '..', 'web', 'vite.config.ts'), logLevel: 'warn',
    build: { outDir: webRoot, emptyOutDir: true, sourcemap: false },
  });
  const duckPath = join(root, 'warehouse.duckdb');
  const instance = await DuckDBInstance.create(duckPath);
  const conn = await instance.connect();
  await conn.run(`CREATE TABLE orders AS SELECT i AS id, CASE i % 3 WHEN 0 THEN 'complete' WHEN 1 THEN 'pending' ELSE 'returned' END AS status,
    (i * 7 % 100) + 0.25 AS amount, TIMESTAMP '2024-01-01 00:00:00' + INTERVAL (i) DAY AS created_at FROM range(1, 101) t(i)`);
  conn.closeSync();
  instance.closeSync();
  await mkdir(join(root, 'remote'));
  const remote = await makeRemote(join(root, 'remote'), { 'shop.model.lkml': MODEL, 'orders.view.lkml': ordersView('prod') });
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], { keySize: 2048, algorithm: 'sha256' });
  const server = await serve({
    port: 0, host: '127.0.0.1', dataDir: join(root, 'data'), adminEnv: QUERY_ADMIN, handleSignals: false, log: () => undefined,
    tls: { cert: pems.cert, key: pems.private }, webRoot,
  });
  const ini = join(root, 'admin.ini');
  writeFileSync(ini, `[Looker]\nbase_url=${server.url}\nclient_id=${QUERY_ADMIN.OVERLOOK_ADMIN_CLIENT_ID}\nclient_secret=${QUERY_ADMIN.OVERLOOK_ADMIN_CLIENT_SECRET}\nverify_ssl=false\n`);
  const admin = LookerNodeSDK.init40(new NodeSettingsIniFile('', ini, 'Looker'));
  const token = async (): Promise<string> => {
    await admin.ok(admin.session());
    return (admin.authSession as unknown as { activeToken: { access_token: string } }).activeToken.access_token;
  };
  const api = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> => {
    const headers: Record<string, string> = { authorization: `token ${await token()}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await httpsCall(`${server.url}/api/4.0${path}`, method, headers, body === undefined ? undefined : JSON.stringify(body));
    return { status: res.status, body: res.body === '' ? null : JSON.parse(res.body) as unknown };
  };
  await admin.ok(admin.update_session({ workspace_id: 'dev' }));
  await admin.ok(admin.create_project({ name: 'shop', git_remote_url: remote }));
  await admin.ok(admin.deploy_ref_to_production({ project_id: 'shop', branch: 'main' }));
  await admin.ok(admin.create_connection({ name: 'warehouse', dialect_name: 'duckdb', database: duckPath }));
  return {
    root, server, host: new URL(server.url).host, admin, token, api,
    close: async () => {
      await server.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

export const UA = 'Mozilla/5.0 (X11; Linux x86_64) EmbedTest/1.0';

/** A browser's cookie jar: what it sends back to the server (same origin). */
export class Browser {
  readonly cookies = new Map<string, string>();
  constructor(private readonly base: string, readonly userAgent = UA) {}

  async fetch(method: string, pathOrUrl: string, body?: unknown): Promise<{ status: number; text: string; headers: Headers; setCookies: string[] }> {
    const headers: Record<string, string> = { 'user-agent': this.userAgent };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (cookie !== '') headers.cookie = cookie;
    const csrf = this.cookies.get('overlook_csrf');
    if (csrf !== undefined && method !== 'GET') headers['x-csrf-token'] = csrf;
    const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${this.base}${pathOrUrl}`;
    const res = await fetch(url, { method, headers, redirect: 'manual', ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const setCookies = res.headers.getSetCookie();
    for (const line of setCookies) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return { status: res.status, text: await res.text(), headers: res.headers, setCookies };
  }

  async json(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await this.fetch(method, path, body);
    return { status: res.status, body: res.text === '' ? {} : JSON.parse(res.text) as Record<string, unknown> };
  }
}
