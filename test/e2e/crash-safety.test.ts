/**
 * Issue 4 crash safety: the real `overlook serve` process is killed with SIGKILL in the middle of a
 * commit, a deploy, a branch switch and a rename, then restarted on the same data dir. Afterwards the
 * mirrors pass `git fsck`, no overlay is half-applied, production serves a commit that was validly
 * deployed, and the interrupted operation can simply be retried.
 */
import { readdir } from 'node:fs/promises';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git } from '../../src/workspaces/git/run.ts';
import { makeRemote } from '../../src/workspaces/git/test-helpers.ts';
import { ServerProcess } from './server-process.ts';

const ADMIN = { OVERLOOK_ADMIN_EMAIL: 'root@example.com', OVERLOOK_ADMIN_PASSWORD: 'correct horse battery', OVERLOOK_ADMIN_CLIENT_ID: 'crashadmin', OVERLOOK_ADMIN_CLIENT_SECRET: 'crash-secret-0123456789' };
const MODEL = 'connection: "demo"\ninclude: "*.view.lkml"\nexplore: t {}\n';
const view = (value: string): string => `view: t {\n  sql_table_name: t ;;\n  dimension: ws {\n    sql: '${value}' ;;\n  }\n}\n`;

describe('crash safety of workspace operations (kill -9, restart)', () => {
  let root: string;
  let remote: string;
  let server: ServerProcess;
  let dataDir: string;
  let token = '';

  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> => {
    const res = await fetch(`${server.url}/api/4.0${path}`, {
      method,
      headers: { authorization: `token ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (res.status >= 500) throw new Error(`${method} ${path} → ${res.status} ${text}\n${server.output}`);
    return { status: res.status, body: text ? JSON.parse(text) as unknown : null };
  };
  const login = async (dev: boolean): Promise<void> => {
    const res = await fetch(`${server.url}/api/4.0/login`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `client_id=${ADMIN.OVERLOOK_ADMIN_CLIENT_ID}&client_secret=${ADMIN.OVERLOOK_ADMIN_CLIENT_SECRET}`,
    });
    token = ((await res.json()) as { access_token: string }).access_token;
    if (dev) expect((await call('PATCH', '/session', { workspace_id: 'dev' })).status).toBe(200);
  };
  const wsValue = async (): Promise<string | null> => {
    const res = await call('GET', '/lookml_models/ws/explores/t?fields=fields');
    expect(res.status).toBe(200);
    const dims = (res.body as { fields: { dimensions: { name: string; sql: string }[] } }).fields.dimensions;
    return dims.find((d) => d.name === 't.ws')?.sql ?? null;
  };
  /** Fires a request, kills the server a random moment later, restarts it and logs in again. */
  const crashDuring = async (method: string, path: string, body: unknown, maxDelayMs: number): Promise<void> => {
    const inFlight = call(method, path, body).catch(() => null);
    await new Promise((r) => setTimeout(r, Math.floor(Math.random() * maxDelayMs)));
    await server.kill();
    await inFlight;
    await server.start();
    await login(true);
  };
  const fsckMirrors = async (): Promise<void> => {
    const mirrors = join(dataDir, 'mirrors');
    for (const name of await readdir(mirrors)) {
      if (!name.endsWith('.git')) continue;
      await git(['fsck', '--no-dangling', '--no-progress'], { gitDir: join(mirrors, name) });
    }
    await git(['fsck', '--no-dangling', '--no-progress'], { gitDir: remote });
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'overlook-crash-'));
    await mkdir(join(root, 'remote-root'));
    remote = await makeRemote(join(root, 'remote-root'), { 'ws.model.lkml': MODEL, 't.view.lkml': view('v0') });
    dataDir = join(root, 'data');
    server = await ServerProcess.create(dataDir, ADMIN);
    await server.start();
    await login(true);
    expect((await call('POST', '/projects', { name: 'shop', git_remote_url: remote })).status).toBe(200);
    expect((await call('POST', '/projects/shop/deploy_ref_to_production?branch=main')).status).toBe(204);
  }, 180_000);

  afterAll(async () => {
    await server.kill();
    await rm(root, { recursive: true, force: true });
  });

  it('commit + deploy interrupted at random moments: retrying completes them, production is always a deployed commit', async () => {
    const deployed = new Set(["'v0'"]);
    for (let i = 1; i <= 3; i++) {
      const value = `v${i}`;
      expect((await call('PUT', '/projects/shop/ide/file', { path: 't.view.lkml', content: view(value) })).status).toBe(200);
      await crashDuring('POST', '/projects/shop/ide/commit', { message: `set ${value}` }, 120);
      await fsckMirrors();
      // The overlay is either still there (commit not recorded) or gone with the commit recorded — never half.
      const changes = (await call('GET', '/projects/shop/ide/changes')).body as unknown[];
      if (changes.length > 0) expect((await call('POST', '/projects/shop/ide/commit', { message: `set ${value}` })).status).toBe(200);
      expect((await call('GET', '/projects/shop/ide/changes')).body).toEqual([]);
      expect(await wsValue()).toBe(`'${value}'`);

      await crashDuring('POST', '/projects/shop/deploy_to_production', undefined, 150);
      await fsckMirrors();
      await login(false);
      const prod = await wsValue();
      expect(prod === `'${value}'` || deployed.has(prod ?? '')).toBe(true);
      await login(true);
      expect((await call('POST', '/projects/shop/deploy_to_production')).status).toBe(204);
      deployed.add(`'${value}'`);
      await login(false);
      expect(await wsValue()).toBe(`'${value}'`);
      await login(true);
    }
  }, 400_000);

  it('branch switch and rename interrupted: the dev copy is on one branch and each file at exactly one path', async () => {
    const personal = ((await call('GET', '/projects/shop/git_branch')).body as { name: string }).name;
    expect((await call('POST', '/projects/shop/git_branch', { name: 'side' })).status).toBe(200);
    expect((await call('PUT', '/projects/shop/git_branch', { name: personal })).status).toBe(200);
    for (let i = 0; i < 3; i++) {
      const target = i % 2 === 0 ? 'side' : personal;
      const other = i % 2 === 0 ? personal : 'side';
      await crashDuring('PUT', '/projects/shop/git_branch', { name: target }, 60);
      await fsckMirrors();
      const now = ((await call('GET', '/projects/shop/git_branch')).body as { name: string }).name;
      expect([target, other]).toContain(now);
      expect((await call('PUT', '/projects/shop/git_branch', { name: target })).status).toBe(200);
      expect(((await call('GET', '/projects/shop/git_branch')).body as { name: string }).name).toBe(target);
    }
    expect((await call('PUT', '/projects/shop/git_branch', { name: 'side' })).status).toBe(200);
    for (let i = 0; i < 3; i++) {
      const from = i % 2 === 0 ? 't.view.lkml' : 'renamed.view.lkml';
      const to = i % 2 === 0 ? 'renamed.view.lkml' : 't.view.lkml';
      await crashDuring('POST', '/projects/shop/ide/rename', { path: from, new_path: to }, 40);
      const files = ((await call('GET', '/projects/shop/files')).body as { path: string; git_status: { action: string } | null }[])
        .filter((f) => f.git_status?.action !== 'delete').map((f) => f.path);
      const present = [from, to].filter((p) => files.includes(p));
      expect(present).toHaveLength(1);
      if (present[0] === from) expect((await call('POST', '/projects/shop/ide/rename', { path: from, new_path: to })).status).toBe(204);
    }
  }, 400_000);
});
