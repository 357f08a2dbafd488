/**
 * Comparison 4: the Looker API's per-request cost, `GET` and `PATCH /api/4.0/session` with a
 * token, against a bare Fastify app answering the same bytes on `/bare`.
 *
 * The server runs in a child process (`bench/api-server.ts`) and autocannon runs here, so load
 * generation and serving each get their own event loop (and, on two cores, their own core); the
 * bare app is started and driven exactly the same way. Each route gets a warm-up run that is
 * thrown away, then a timed run.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import type { AutocannonRequest, AutocannonResult } from 'autocannon';
import type { ApiResult, HttpLoad } from '../protocol.ts';
import { startServer } from '../server-process.ts';
import { summarize } from '../stats.ts';

export const API_CONNECTIONS = 10;
export const API_PIPELINING = 1;
export const API_WARMUP_S = 2;
export const API_DURATION_S = 5;

/** One autocannon run; with `latencies`, every response time (ms, fractional) is appended to it. */
function drive(url: string, requests: readonly AutocannonRequest[], durationS: number, latencies?: number[]): Promise<AutocannonResult> {
  return new Promise((resolve, reject) => {
    const options = { url, requests, connections: API_CONNECTIONS, pipelining: API_PIPELINING, duration: durationS, timeout: 10 };
    const instance = autocannon(options, (error, result) => {
      if (error) reject(error);
      else resolve(result);
    });
    if (latencies) instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => latencies.push(ms));
  });
}

async function measure(url: string, route: string, requests: readonly AutocannonRequest[], bodyBytes: number): Promise<HttpLoad> {
  await drive(url, requests, API_WARMUP_S);
  const latencies: number[] = [];
  const result = await drive(url, requests, API_DURATION_S, latencies);
  return {
    route,
    requests: result.requests.total,
    durationS: result.duration,
    perSecond: result.requests.total / result.duration,
    latencyMs: summarize(latencies),
    non2xx: result.non2xx,
    errors: result.errors,
    bodyBytes,
  };
}

interface Target {
  readonly url: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** One request outside the load, checking the status and the workspace answered; returns the body size. */
async function expectWorkspace(target: Target, body: string | undefined, workspace: string): Promise<number> {
  const res = await fetch(`${target.url}${target.path}`, body === undefined
    ? { headers: target.headers }
    : { method: 'PATCH', headers: { ...target.headers, 'content-type': 'application/json' }, body });
  const text = await res.text();
  const parsed = JSON.parse(text) as { workspace_id?: unknown };
  if (res.status !== 200 || parsed.workspace_id !== workspace) {
    throw new Error(`${body === undefined ? 'GET' : 'PATCH'} ${target.path} answered ${res.status} ${text.slice(0, 200)}`);
  }
  return Buffer.byteLength(text);
}

async function loadRoutes(task: ApiResult['task'], target: Target): Promise<ApiResult> {
  const patchTo = (workspace: string): string => JSON.stringify({ workspace_id: workspace });
  const getBytes = await expectWorkspace(target, undefined, 'production');
  await expectWorkspace(target, patchTo('dev'), 'dev');
  const patchBytes = await expectWorkspace(target, patchTo('production'), 'production');
  const get = await measure(target.url, `GET ${target.path}`, [{ method: 'GET', path: target.path, headers: target.headers }], getBytes);
  const json = { ...target.headers, 'content-type': 'application/json' };
  // Alternating makes every PATCH a real switch (and, on Overlook, a real write).
  const patch = await measure(target.url, `PATCH ${target.path}`, [
    { method: 'PATCH', path: target.path, headers: json, body: patchTo('dev') },
    { method: 'PATCH', path: target.path, headers: json, body: patchTo('production') },
  ], patchBytes);
  return { task, connections: API_CONNECTIONS, pipelining: API_PIPELINING, warmupS: API_WARMUP_S, get, patch };
}

async function login(url: string, clientId: string, clientSecret: string): Promise<string> {
  const res = await fetch(`${url}/api/4.0/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: clientId, client_secret: clientSecret }).toString(),
  });
  const body = (await res.json()) as { access_token?: unknown };
  if (res.status !== 200 || typeof body.access_token !== 'string') throw new Error(`login answered ${res.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

export async function apiOverlook(): Promise<ApiResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'overlook-bench-api-'));
  const clientId = `bench-${randomBytes(8).toString('hex')}`;
  const clientSecret = randomBytes(24).toString('base64url');
  try {
    const server = await startServer(['overlook', dataDir], {
      ...process.env,
      OVERLOOK_ADMIN_CLIENT_ID: clientId,
      OVERLOOK_ADMIN_CLIENT_SECRET: clientSecret,
    });
    try {
      const token = await login(server.url, clientId, clientSecret);
      return await loadRoutes('api-overlook', { url: server.url, path: '/api/4.0/session', headers: { authorization: `token ${token}` } });
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function apiBare(): Promise<ApiResult> {
  const server = await startServer(['bare'], process.env);
  try {
    // An unused token of Overlook's length, so both sides parse requests of the same size.
    const headers = { authorization: `token ${randomBytes(32).toString('base64url')}` };
    return await loadRoutes('api-bare', { url: server.url, path: '/bare', headers });
  } finally {
    await server.stop();
  }
}
