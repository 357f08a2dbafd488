/**
 * Issue 10: three real `overlook serve` processes on one PostgreSQL and one git remote. Per-token
 * workspaces, deploys and the UI's sticky dev mode hold across nodes, and the workspace-isolation
 * load of issue 5, spread over the nodes, gets zero wrong answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushFiles } from '../../src/workspaces/test-support.ts';
import { CLUSTER_ADMIN, clusterOrders, startCluster, within, type Cluster } from './cluster-support.ts';
import { makeLoadUsers, runIsolationLoad, urlTarget } from './isolation-load.ts';

const QUERY = { model: 'shop', view: 'orders', fields: ['orders.label', 'orders.count'], limit: '1' };

describe('a cluster of three nodes', () => {
  let c: Cluster;
  const label = async (node: number, token: string): Promise<string> => {
    const res = await c.http(node, token, 'POST', '/queries/run/json', QUERY);
    if (res.status !== 200) throw new Error(`node ${node}: ${res.status} ${res.text}`);
    return String((res.json as { 'orders.label': string }[])[0]?.['orders.label']);
  };

  beforeAll(async () => {
    c = await startCluster({ nodes: 3, schema: 'e2e_cluster' });
  }, 180_000);

  afterAll(async () => {
    await c.close();
  });

  it('started three nodes at once on an empty database: one migration run, one admin', async () => {
    const migrations = await c.sql<{ name: string }>('SELECT name FROM e2e_cluster.overlook_migration ORDER BY name');
    expect(migrations.length).toBeGreaterThan(8);
    expect(new Set(migrations.map((m) => m.name)).size).toBe(migrations.length);
    const admins = await c.sql<{ n: string }>('SELECT count(*) AS n FROM e2e_cluster.users');
    expect(Number(admins[0]!.n)).toBe(1);
    for (let node = 0; node < 3; node++) expect(await label(node, await c.login(node))).toBe('prod');
  });

  it('a token made on A, switched to dev on B, queries dev on C (and production again after switching back on C)', async () => {
    const editor = await c.login(0);
    expect((await c.http(0, editor, 'PATCH', '/session', { workspace_id: 'dev' })).status).toBe(200);
    expect((await c.http(0, editor, 'PUT', '/projects/shop/ide/file', { path: 'orders.view.lkml', content: clusterOrders(c.warehouse, 'dev-edit') })).status).toBe(200);

    const token = await c.login(0);
    expect(await label(2, token)).toBe('prod');
    const switched = await c.http(1, token, 'PATCH', '/session', { workspace_id: 'dev' });
    expect(switched.json).toMatchObject({ workspace_id: 'dev' });
    expect(await label(2, token)).toBe('dev-edit');
    expect((await c.http(0, token, 'GET', '/session')).json).toMatchObject({ workspace_id: 'dev' });
    expect((await c.http(2, token, 'PATCH', '/session', { workspace_id: 'production' })).status).toBe(200);
    expect(await label(1, token)).toBe('prod');
    expect(await label(0, token)).toBe('prod');
  });

  it('a deploy through A reaches production queries on B and C within a bounded time', async () => {
    const tokens = await Promise.all([0, 1, 2].map((n) => c.login(n)));
    for (let n = 0; n < 3; n++) expect(await label(n, tokens[n]!)).toBe('prod');
    await pushFiles(c.root, c.remote, 'main', { 'orders.view.lkml': clusterOrders(c.warehouse, 'prod-2') });
    const admin = await c.login(0);
    expect((await c.http(0, admin, 'PATCH', '/session', { workspace_id: 'dev' })).status).toBe(200);
    const deployed = await c.http(0, admin, 'POST', '/projects/shop/deploy_ref_to_production?branch=main');
    expect(deployed.status).toBe(204);
    // Node A answers from the new commit at once; B and C as soon as they hear of it (NOTIFY), and at
    // worst when their metadata cache expires (5 s).
    expect(await label(0, await c.login(0))).toBe('prod-2');
    const seen = await Promise.all([1, 2].map((n) => within(6000, async () => (await label(n, tokens[n]!)) === 'prod-2', `node ${n} sees the deploy`)));
    for (const ms of seen) expect(ms).toBeLessThan(6000);
    // Never back: every later answer is the new commit.
    for (let i = 0; i < 20; i++) expect(await label(i % 3, tokens[i % 3]!)).toBe('prod-2');
  });

  it('the UI dev mode set through A is seen by B, for the same browser and a new one', async () => {
    const jar = new Map<string, string>();
    const browser = async (node: number, method: string, path: string, body?: unknown, cookies = jar): Promise<HttpResult> => {
      const headers: Record<string, string> = {};
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (cookies.size > 0) headers.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      const csrf = cookies.get('overlook_csrf');
      if (csrf !== undefined && method !== 'GET') headers['x-csrf-token'] = csrf;
      const res = await fetch(`${c.nodes[node]!.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      for (const line of res.headers.getSetCookie()) {
        const [pair = ''] = line.split(';');
        const eq = pair.indexOf('=');
        cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
      }
      const text = await res.text();
      return { status: res.status, json: text === '' ? null : JSON.parse(text) as unknown, text };
    };
    const who = { email: CLUSTER_ADMIN.OVERLOOK_ADMIN_EMAIL, password: CLUSTER_ADMIN.OVERLOOK_ADMIN_PASSWORD };
    expect((await browser(0, 'POST', '/x-overlook/ui/login', who)).status).toBe(200);
    expect((await browser(0, 'PATCH', '/api/4.0/session', { workspace_id: 'dev' })).json).toMatchObject({ workspace_id: 'dev' });
    expect((await browser(1, 'GET', '/x-overlook/ui/me')).json).toMatchObject({ workspace_id: 'dev' });
    const other = new Map<string, string>();
    expect((await browser(2, 'POST', '/x-overlook/ui/login', who, other)).json).toMatchObject({ workspace_id: 'dev' });
    // API tokens still start in production and do not move the UI's mode.
    const token = await c.login(1);
    expect((await c.http(2, token, 'GET', '/session')).json).toMatchObject({ workspace_id: 'production' });
    expect((await browser(1, 'PATCH', '/api/4.0/session', { workspace_id: 'production' })).status).toBe(200);
    expect((await browser(2, 'GET', '/x-overlook/ui/me', undefined, other)).json).toMatchObject({ workspace_id: 'production' });
  });

  it('keeps every token in its own workspace under load spread over the nodes: zero wrong answers', async () => {
    const target = urlTarget(c.nodes.map((n) => n.url));
    const admin = await c.login(0);
    const users = await makeLoadUsers(target, admin, { project: 'shop', viewPath: 'orders.view.lkml', view: (label) => clusterOrders(c.warehouse, label) }, 6, 'Cluster');
    const production = ((await c.http(0, admin, 'POST', '/queries/run/json', QUERY)).json as { 'orders.label': string }[])[0]!['orders.label'];
    const outcome = await runIsolationLoad(target, users, { tokensPerUser: 8, requests: 4000, query: QUERY, labelField: 'orders.label', productionLabel: production });
    expect(outcome.failures).toEqual([]);
    expect(outcome.wrong).toBe(0);
    expect(outcome.sent).toBeGreaterThanOrEqual(4000);
    expect(outcome.sessionSwitches).toBeGreaterThan(0);
    expect(outcome.branchSwitches).toBeGreaterThan(0);
  }, 300_000);

  it('a project made without a remote lives in the shared hosted folder: written, committed and deployed through different nodes', async () => {
    const dev = await c.login(1);
    expect((await c.http(1, dev, 'PATCH', '/session', { workspace_id: 'dev' })).status).toBe(200);
    const created = await c.http(1, dev, 'POST', '/projects', { name: 'notes' });
    expect(created.status).toBe(200);
    expect((await c.http(2, dev, 'PUT', '/projects/notes/ide/file', { path: 'notes.model.lkml', content: 'connection: "warehouse"\ninclude: "*.view.lkml"\nexplore: notes {}\n' })).status).toBe(200);
    expect((await c.http(0, dev, 'PUT', '/projects/notes/ide/file', {
      path: 'notes.view.lkml', content: `view: notes {\n  sql_table_name: ${c.warehouse}.orders ;;\n  dimension: note { type: string sql: 'hosted' ;; }\n  measure: count { type: count }\n}\n`,
    })).status).toBe(200);
    const committed = await c.http(2, dev, 'POST', '/projects/notes/ide/commit', { message: 'notes through node C' });
    expect(committed.status).toBe(200);
    const branch = ((await c.http(0, dev, 'GET', '/projects/notes/git_branch')).json as { name: string }).name;
    expect((await c.http(0, dev, 'POST', `/projects/notes/deploy_ref_to_production?branch=${encodeURIComponent(branch)}`)).status).toBe(204);
    for (let node = 0; node < 3; node++) {
      const res = await c.http(node, await c.login(node), 'POST', '/queries/run/json', { model: 'notes', view: 'notes', fields: ['notes.note', 'notes.count'] });
      expect(res.json).toEqual([{ 'notes.note': 'hosted', 'notes.count': 100 }]);
    }
  });

  it('a role change made through A takes effect on B and C at once (NOTIFY empties their permission caches)', async () => {
    const admin = await c.login(0);
    const roles = (await c.http(0, admin, 'GET', '/roles')).json as { id: string; name: string }[];
    const developer = roles.find((r) => r.name === 'Developer')!;
    const viewer = roles.find((r) => r.name === 'Viewer')!;
    const user = (await c.http(0, admin, 'POST', '/users', { first_name: 'Role', last_name: 'Change' })).json as { id: string };
    expect((await c.http(0, admin, 'PUT', `/users/${user.id}/roles`, [developer.id])).status).toBe(200);
    const cred = (await c.http(0, admin, 'POST', `/users/${user.id}/credentials_api3`)).json as { client_id: string; client_secret: string };
    const onB = await c.login(1, cred.client_id, cred.client_secret);
    const onC = await c.login(2, cred.client_id, cred.client_secret);
    // Warm both nodes' caches with the Developer grants.
    expect((await c.http(1, onB, 'PATCH', '/session', { workspace_id: 'dev' })).status).toBe(200);
    expect((await c.http(2, onC, 'PATCH', '/session', { workspace_id: 'dev' })).status).toBe(200);
    expect((await c.http(1, onB, 'PATCH', '/session', { workspace_id: 'production' })).status).toBe(200);
    expect((await c.http(2, onC, 'PATCH', '/session', { workspace_id: 'production' })).status).toBe(200);
    expect((await c.http(0, admin, 'PUT', `/users/${user.id}/roles`, [viewer.id])).status).toBe(200);
    // Well inside the 2 s a cache entry may otherwise live.
    for (const [node, token] of [[1, onB], [2, onC]] as const) {
      const ms = await within(1000, async () => (await c.http(node, token, 'PATCH', '/session', { workspace_id: 'dev' })).status === 403, `node ${node} refuses dev`);
      expect(ms).toBeLessThan(1000);
    }
  });

  it('failed logins count on every node: spreading guesses over nodes does not help', async () => {
    let refused = 0;
    for (let i = 0; i < 12; i++) {
      const res = await fetch(`${c.nodes[i % 3]!.url}/api/4.0/login`, {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'client_id=guessme&client_secret=wrong',
      });
      if (res.status === 429) refused++;
      else expect(res.status).toBe(404);
    }
    // Ten failures per client id per minute, counted across the cluster.
    expect(refused).toBe(2);
  });
});

interface HttpResult { status: number; json: unknown; text: string }
