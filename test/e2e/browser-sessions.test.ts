/**
 * Issue 7, server side of DESIGN rule 6: web UI cookie sessions over real HTTP on SQLite and
 * PostgreSQL. The UI's dev mode is the user's sticky setting: it survives sign-out and a new
 * browser, API tokens of the same user never see it, and a token's switch never moves it. Also the
 * CSRF rule, Looker-shaped refusals, and the single-page app fallback next to the API's 404s.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LookerNodeSDK, NodeSettingsIniFile } from '@looker/sdk-node';
import type { Looker40SDK } from '@looker/sdk';
import type { RunningServer } from '../../src/api/server.ts';
import { serve } from '../../src/cli/serve.ts';
import { pgSchemaUrl } from './support.ts';

const ADMIN = { OVERLOOK_ADMIN_EMAIL: 'root@example.com', OVERLOOK_ADMIN_PASSWORD: 'correct horse battery', OVERLOOK_ADMIN_CLIENT_ID: 'uiadmin', OVERLOOK_ADMIN_CLIENT_SECRET: 'ui-admin-secret-0123456789' };
const DEV = { email: 'dev@example.com', password: 'dev password 123' };
const VIEWER = { email: 'viewer@example.com', password: 'viewer password 123' };

/** One browser: its cookies, sent back like a browser would (same origin). */
class Browser {
  readonly cookies = new Map<string, string>();
  constructor(private readonly base: string) {}

  async call(method: string, path: string, body?: unknown, csrf = true): Promise<{ status: number; body: unknown; headers: Headers }> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (cookie !== '') headers.cookie = cookie;
    const token = this.cookies.get('overlook_csrf');
    if (csrf && token !== undefined && method !== 'GET') headers['x-csrf-token'] = token;
    const res = await fetch(`${this.base}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  async signIn(who: { email: string; password: string }): Promise<unknown> {
    const res = await this.call('POST', '/x-overlook/ui/login', who);
    expect(res.status).toBe(200);
    return res.body;
  }

  async workspace(): Promise<unknown> {
    const res = await this.call('GET', '/api/4.0/session');
    expect(res.status).toBe(200);
    return (res.body as { workspace_id: string }).workspace_id;
  }
}

describe.each(['sqlite', 'postgres'] as const)('web UI browser sessions on %s', (dialect) => {
  const dir = mkdtempSync(join(tmpdir(), `overlook-ui-${dialect}-`));
  let server: RunningServer;
  let admin: Looker40SDK;
  let developerId = '';
  let n = 0;

  function sdk(clientId: string, clientSecret: string): Looker40SDK {
    const ini = join(dir, `sdk-${n++}.ini`);
    writeFileSync(ini, `[Looker]\nbase_url=${server.url}\nclient_id=${clientId}\nclient_secret=${clientSecret}\nverify_ssl=false\n`);
    return LookerNodeSDK.init40(new NodeSettingsIniFile('', ini, 'Looker'));
  }

  beforeAll(async () => {
    vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    const databaseUrl = dialect === 'postgres' ? await pgSchemaUrl('e2e_browser_sessions') : undefined;
    server = await serve({
      port: 0, host: '127.0.0.1', dataDir: dir, adminEnv: ADMIN, handleSignals: false, log: () => undefined,
      ...(databaseUrl === undefined ? {} : { databaseUrl }),
    });
    admin = sdk(ADMIN.OVERLOOK_ADMIN_CLIENT_ID, ADMIN.OVERLOOK_ADMIN_CLIENT_SECRET);
    const roles = await admin.ok(admin.all_roles({}));
    const make = async (who: { email: string; password: string }, role: string): Promise<string> => {
      const user = await admin.ok(admin.create_user({ first_name: role, last_name: 'Person' }));
      await admin.ok(admin.set_user_roles(user.id!, [roles.find((r) => r.name === role)!.id!]));
      // Looker sets passwords through its UI; Overlook also takes `password` on this body (extra field).
      await admin.ok(admin.create_user_credentials_email(user.id!, { email: who.email, password: who.password } as { email: string }));
      return user.id!;
    };
    developerId = await make(DEV, 'Developer');
    await make(VIEWER, 'Viewer');
  });

  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses bad sign-ins in Looker\'s error shape and sets HttpOnly session cookies on success', async () => {
    const b = new Browser(server.url);
    const wrong = await b.call('POST', '/x-overlook/ui/login', { email: DEV.email, password: 'nope' });
    expect(wrong).toMatchObject({ status: 401, body: { message: 'Wrong email or password.', documentation_url: expect.any(String) as unknown } });
    const missing = await b.call('POST', '/x-overlook/ui/login', { email: '' });
    expect(missing.status).toBe(422);
    expect((missing.body as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual(['email', 'password']);
    expect(b.cookies.size).toBe(0);

    const res = await b.call('POST', '/x-overlook/ui/login', DEV);
    expect(res.status).toBe(200);
    const setCookies = res.headers.getSetCookie();
    expect(setCookies.find((c) => c.startsWith('overlook_session='))).toMatch(/HttpOnly/i);
    expect(setCookies.find((c) => c.startsWith('overlook_csrf='))).not.toMatch(/HttpOnly/i);
    expect(setCookies.every((c) => /SameSite=Lax/i.test(c))).toBe(true);
    expect(res.body).toMatchObject({ user_id: developerId, csrf_token: b.cookies.get('overlook_csrf'), workspace_id: 'production' });
    const me = await b.call('GET', '/x-overlook/ui/me');
    expect(me.body).toMatchObject({ user: { id: developerId, email: DEV.email }, workspace_id: 'production', kind: 'ui' });
    expect((me.body as { permissions: string[] }).permissions).toContain('develop');
  });

  it('requires the CSRF header on state-changing calls made with the cookie', async () => {
    const b = new Browser(server.url);
    await b.signIn(DEV);
    const forged = await b.call('PATCH', '/api/4.0/session', { workspace_id: 'dev' }, false);
    expect(forged.status).toBe(403);
    expect((forged.body as { message: string }).message).toMatch(/x-csrf-token/);
    expect(await b.workspace()).toBe('production');
    // Reads need no CSRF token: a cross-site page cannot read the answer anyway.
    expect((await b.call('GET', '/api/4.0/user')).status).toBe(200);
  });

  it('keeps UI dev mode with the user: across sign-out and new browsers, never on API tokens', async () => {
    const first = new Browser(server.url);
    await first.signIn(DEV);
    expect(await first.workspace()).toBe('production');
    expect((await first.call('PATCH', '/api/4.0/session', { workspace_id: 'dev' })).body).toMatchObject({ workspace_id: 'dev' });
    expect(await first.workspace()).toBe('dev');

    // Sign out: the old cookie is dead; signing in from a fresh browser is still in dev.
    const old = first.cookies.get('overlook_session')!;
    expect((await first.call('POST', '/x-overlook/ui/logout')).status).toBe(204);
    expect(first.cookies.has('overlook_session')).toBe(false);
    const replay = new Browser(server.url);
    replay.cookies.set('overlook_session', old);
    expect((await replay.call('GET', '/api/4.0/session')).status).toBe(401);
    const second = new Browser(server.url);
    expect(await second.signIn(DEV)).toMatchObject({ workspace_id: 'dev' });
    expect(await second.workspace()).toBe('dev');

    // An API token of the same user starts in production, and its own switch leaves the UI alone.
    const cred = await admin.ok(admin.create_user_credentials_api3(developerId));
    const api = sdk(cred.client_id!, cred.client_secret!);
    expect((await api.ok(api.session())).workspace_id).toBe('production');
    await api.ok(api.update_session({ workspace_id: 'dev' }));
    await api.ok(api.update_session({ workspace_id: 'production' }));
    expect(await second.workspace()).toBe('dev');
    // And the UI leaving dev mode does not move the token.
    await api.ok(api.update_session({ workspace_id: 'dev' }));
    await second.call('PATCH', '/api/4.0/session', { workspace_id: 'production' });
    expect(await second.workspace()).toBe('production');
    expect((await api.ok(api.session())).workspace_id).toBe('dev');
  });

  it('refuses dev mode to a user without develop', async () => {
    const b = new Browser(server.url);
    await b.signIn(VIEWER);
    const res = await b.call('PATCH', '/api/4.0/session', { workspace_id: 'dev' });
    expect(res.status).toBe(403);
    expect(await b.workspace()).toBe('production');
  });

  it('serves the web UI for app routes and keeps Looker 404s for unknown API paths', async () => {
    const b = new Browser(server.url);
    for (const path of ['/', '/dashboards/7', '/explore/thelook/orders?fields=orders.count']) {
      const res = await b.call('GET', path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(res.body).toMatch(/<div id="root">/);
    }
    const api404 = await b.call('GET', '/api/4.0/no_such_thing');
    expect(api404).toMatchObject({ status: 404, body: { message: 'Not found' } });
    const ui404 = await b.call('GET', '/x-overlook/ui/nope');
    expect(ui404.status).toBe(404);
    expect((await b.call('GET', '/x-overlook/ui/me')).status).toBe(401);
  });
});
