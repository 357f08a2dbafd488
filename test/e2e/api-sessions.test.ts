/**
 * Issue 3 end to end: `overlook serve` driven by the unmodified official @looker/sdk-node over
 * real HTTP, on the SQLite store and on PostgreSQL. Tokens, per-token workspaces, sudo, logout,
 * expiry and restarts, with response bodies checked against Looker's spec.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LookerNodeSDK, NodeSettingsIniFile } from '@looker/sdk-node';
import type { Looker40SDK } from '@looker/sdk';
import type { RunningServer } from '../../src/api/server.ts';
import { assertResponseMatchesSpec } from '../../src/api/spec-validate.ts';
import { serve } from '../../src/cli/serve.ts';
import { pgSchemaUrl } from './support.ts';

const ADMIN = { OVERLOOK_ADMIN_EMAIL: 'root@example.com', OVERLOOK_ADMIN_PASSWORD: 'correct horse battery', OVERLOOK_ADMIN_CLIENT_ID: 'adminclient', OVERLOOK_ADMIN_CLIENT_SECRET: 'admin-secret-0123456789' };

interface Target {
  readonly name: 'sqlite' | 'postgres';
  databaseUrl?: string;
}

const targets: Target[] = [{ name: 'sqlite' }, { name: 'postgres' }];

describe.each(targets)('Looker API sessions on $name', (target) => {
  const dir = mkdtempSync(join(tmpdir(), `overlook-e2e-${target.name}-`));
  let server: RunningServer;
  let n = 0;

  const start = async (api = {}): Promise<RunningServer> => serve({
    port: 0, host: '127.0.0.1', dataDir: dir, adminEnv: ADMIN, handleSignals: false, log: () => undefined, api,
    ...(target.databaseUrl ? { databaseUrl: target.databaseUrl } : {}),
  });

  function sdk(clientId: string, clientSecret: string): Looker40SDK {
    const ini = join(dir, `sdk-${n++}.ini`);
    writeFileSync(ini, `[Looker]\nbase_url=${server.url}\nclient_id=${clientId}\nclient_secret=${clientSecret}\nverify_ssl=false\n`);
    return LookerNodeSDK.init40(new NodeSettingsIniFile('', ini, 'Looker'));
  }

  const raw = async (path: string, token: string, init: RequestInit = {}): Promise<{ status: number; body: unknown }> => {
    const res = await fetch(`${server.url}/api/4.0${path}`, { ...init, headers: { authorization: `token ${token}`, 'content-type': 'application/json' } });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) as unknown : null };
  };

  const tokenOf = (s: Looker40SDK): string => (s.authSession as unknown as { activeToken: { access_token: string } }).activeToken.access_token;

  let admin: Looker40SDK;
  let viewer: { id: string; client_id: string; client_secret: string };
  let developer: { id: string; client_id: string; client_secret: string };

  beforeAll(async () => {
    vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    if (target.name === 'postgres') target.databaseUrl = await pgSchemaUrl('e2e_api_sessions');
    server = await start();
    admin = sdk(ADMIN.OVERLOOK_ADMIN_CLIENT_ID, ADMIN.OVERLOOK_ADMIN_CLIENT_SECRET);
    const makeUser = async (first: string, roleName: string): Promise<{ id: string; client_id: string; client_secret: string }> => {
      const user = await admin.ok(admin.create_user({ first_name: first, last_name: 'Test' }));
      const roles = await admin.ok(admin.all_roles({}));
      const role = roles.find((r) => r.name === roleName)!;
      await admin.ok(admin.set_user_roles(user.id!, [role.id!]));
      const cred = await admin.ok(admin.create_user_credentials_api3(user.id!));
      return { id: user.id!, client_id: cred.client_id!, client_secret: cred.client_secret! };
    };
    viewer = await makeUser('Vera', 'Viewer');
    developer = await makeUser('Dev', 'Developer');
  });

  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('logs in with the official SDK and answers me and session in Looker\'s shapes', async () => {
    const me = await admin.ok(admin.me());
    expect(me.email).toBe('root@example.com');
    assertResponseMatchesSpec('me', 200, me);
    const session = await admin.ok(admin.session());
    expect(session).toMatchObject({ workspace_id: 'production', sudo_user_id: null });
    assertResponseMatchesSpec('session', 200, session);
  });

  it('switches only this token between production and dev', async () => {
    const a = sdk(developer.client_id, developer.client_secret);
    const b = sdk(developer.client_id, developer.client_secret);
    expect((await a.ok(a.session())).workspace_id).toBe('production');
    expect((await b.ok(b.session())).workspace_id).toBe('production');
    expect((await a.ok(a.update_session({ workspace_id: 'dev' }))).workspace_id).toBe('dev');
    expect((await a.ok(a.session())).workspace_id).toBe('dev');
    expect((await b.ok(b.session())).workspace_id).toBe('production');
    // A new login of the same user starts in production again.
    const c = sdk(developer.client_id, developer.client_secret);
    expect((await c.ok(c.session())).workspace_id).toBe('production');
    expect((await a.ok(a.update_session({ workspace_id: 'production' }))).workspace_id).toBe('production');
  });

  it('rejects unknown workspaces with 422 and leaves the session unchanged', async () => {
    const a = sdk(developer.client_id, developer.client_secret);
    await a.ok(a.update_session({ workspace_id: 'dev' }));
    const bad = await a.update_session({ workspace_id: 'staging' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatchObject({ message: 'Validation Failed', errors: [expect.objectContaining({ field: 'workspace_id' })] });
    expect((await a.ok(a.session())).workspace_id).toBe('dev');
  });

  it('refuses dev to users without the develop permission (403)', async () => {
    const v = sdk(viewer.client_id, viewer.client_secret);
    const res = await v.update_session({ workspace_id: 'dev' });
    expect(res.ok).toBe(false);
    const status = await raw('/session', tokenOf(v), { method: 'PATCH', body: JSON.stringify({ workspace_id: 'dev' }) });
    expect(status.status).toBe(403);
    expect((await v.ok(v.session())).workspace_id).toBe('production');
  });

  it('starts sudo tokens in production whatever the user\'s other tokens do', async () => {
    const d = sdk(developer.client_id, developer.client_secret);
    await d.ok(d.update_session({ workspace_id: 'dev' }));
    const s = sdk(ADMIN.OVERLOOK_ADMIN_CLIENT_ID, ADMIN.OVERLOOK_ADMIN_CLIENT_SECRET);
    // The SDK drops a sudo id given before its first login (NodeSession._login resets it), so log in first.
    await s.ok(s.me());
    await s.authSession.login(developer.id);
    const session = await s.ok(s.session());
    expect(session.workspace_id).toBe('production');
    expect((await s.ok(s.me())).id).toBe(developer.id);
    expect(session.sudo_user_id).toBe((await admin.ok(admin.me())).id);
    expect((await d.ok(d.session())).workspace_id).toBe('dev');
  });

  it('logout revokes only that token', async () => {
    const a = sdk(viewer.client_id, viewer.client_secret);
    const b = sdk(viewer.client_id, viewer.client_secret);
    await a.ok(a.me());
    await b.ok(b.me());
    const old = tokenOf(a);
    expect(await a.authSession.logout()).toBe(true);
    const after = await raw('/user', old);
    expect(after).toEqual({ status: 401, body: { message: 'Requires authentication.', documentation_url: expect.stringContaining('https://cloud.google.com/looker/docs/') as unknown } });
    expect((await b.ok(b.me())).id).toBe(viewer.id);
  });

  it('rejects forged tokens and wrong secrets in Looker\'s shape', async () => {
    expect((await raw('/session', 'forged-token')).status).toBe(401);
    const wrong = sdk(viewer.client_id, 'not-the-secret');
    const res = await wrong.me();
    expect(res.ok).toBe(false);
  });

  it('keeps tokens and their workspaces across a restart, and expires them on time', async () => {
    const a = sdk(developer.client_id, developer.client_secret);
    await a.ok(a.update_session({ workspace_id: 'dev' }));
    const token = tokenOf(a);
    await server.close();
    server = await start({ tokenTtlSeconds: 1 });
    expect(await raw('/session', token)).toMatchObject({ status: 200, body: { workspace_id: 'dev' } });
    // A token issued with a 1 s lifetime is refused once it has passed.
    const login = await fetch(`${server.url}/api/4.0/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `client_id=${developer.client_id}&client_secret=${developer.client_secret}` });
    const short = (await login.json()) as { access_token: string; expires_in: number };
    expect(short.expires_in).toBe(1);
    expect((await raw('/session', short.access_token)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1200));
    expect((await raw('/session', short.access_token)).status).toBe(401);
    await server.close();
    server = await start();
  });

  it('answers hostile input with 4xx in Looker\'s shape, never 500', async () => {
    const token = tokenOf(admin);
    const cases: [string, RequestInit][] = [
      ['/session', { method: 'PATCH', body: '{"workspace_id":' }],
      ['/session', { method: 'PATCH', body: JSON.stringify({ workspace_id: 42 }) }],
      ['/session', { method: 'PATCH', body: JSON.stringify({ workspace_id: "dev'; DROP TABLE users; --" }) }],
      ['/users/1%27%20OR%201=1', {}],
      ['/users/..%2F..%2Fetc%2Fpasswd', {}],
      ['/users', { method: 'POST', body: JSON.stringify({ first_name: 12 }) }],
      ['/users/1/roles', { method: 'PUT', body: JSON.stringify({ not: 'an array' }) }],
      ['/session', { method: 'PATCH', body: JSON.stringify({ workspace_id: 'x'.repeat(2 * 1024 * 1024) }) }],
    ];
    for (const [path, init] of cases) {
      const res = await raw(path, token, init);
      expect({ path, ok: res.status >= 400 && res.status < 500 }).toEqual({ path, ok: true });
      expect(res.body).toMatchObject({ message: expect.any(String) as unknown, documentation_url: expect.any(String) as unknown });
    }
    expect((await raw('/users', token)).status).toBe(200);
  });
});
