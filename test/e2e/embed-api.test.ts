/**
 * Issue 9 over real HTTP (no browser): embed secrets, signed URLs made by `create_sso_embed_url` and
 * by an embedding app itself, `GET /login/embed/...` with its refusals (replayed nonce, stale time,
 * wrong signature, tampered field, unknown model, bad session_length), the embed user and its
 * session (production only, no develop, no IDE, update_session dev refused), "as me" URLs, and
 * cookieless sessions bound to the User-Agent. SQLite and PostgreSQL metadata.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Looker40SDK } from '@looker/sdk';
import { assertResponseMatchesSpec } from '../../src/api/spec-validate.ts';
import { createSignedEmbedUrl, type EmbedUserGrant } from '../../src/embed/signing.ts';
import { Browser, UA } from './embed-fixture.ts';
import { startQueryFixture, type QueryFixture } from './support.ts';

const GRANT = {
  external_user_id: 'customer-42', first_name: 'Pat', last_name: 'Customer', session_length: 900,
  permissions: ['access_data', 'see_user_dashboards', 'see_lookml_dashboards', 'develop', 'see_lookml'], models: ['shop'],
};

describe.each(['sqlite', 'postgres'] as const)('embedding over HTTP on %s', (metadata) => {
  let fx: QueryFixture;
  let admin: Looker40SDK;
  let dashboardId = '';
  let host = '';

  beforeAll(async () => {
    vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    fx = await startQueryFixture(metadata, `e2e_embed_api_${metadata}`, { connection: true });
    admin = fx.sdk();
    host = new URL(fx.server.url).host;
    dashboardId = (await admin.ok(admin.create_dashboard({ title: 'Embedded', folder_id: '1' }))).id ?? '';
  });
  afterAll(async () => {
    await fx.close();
  });

  const ssoUrl = async (extra: Record<string, unknown> = {}): Promise<string> => {
    const res = await admin.ok(admin.create_sso_embed_url({ target_url: `${fx.server.url}/embed/dashboards/${dashboardId}`, ...GRANT, ...extra }));
    assertResponseMatchesSpec('create_sso_embed_url', 200, res);
    return res.url ?? '';
  };

  it('embed secrets: admin only, the secret shown once', async () => {
    const secret = await admin.ok(admin.create_embed_secret({ algorithm: 'hmac/sha-1' }));
    assertResponseMatchesSpec('create_embed_secret', 200, secret);
    expect(secret).toMatchObject({ algorithm: 'hmac/sha-1', enabled: true, secret_type: 'SSO' });
    expect(secret.secret).toMatch(/^[0-9a-f]{64}$/);
    const viewer = await admin.ok(admin.create_user({ first_name: 'View' }));
    await admin.ok(admin.set_user_roles(viewer.id ?? '', ['5']));
    const cred = await admin.ok(admin.create_user_credentials_api3(viewer.id ?? ''));
    const v = fx.sdkFor(cred.client_id ?? '', cred.client_secret ?? '');
    expect((await fx.raw(v, 'POST', '/embed_config/secrets', {})).status).toBe(403);
    expect((await fx.raw(v, 'POST', '/embed/sso_url', { target_url: '/embed/looks/1' })).status).toBe(403);
    expect((await fx.raw(admin, 'DELETE', `/embed_config/secrets/${secret.id}`)).status).toBe(204);
    expect((await fx.raw(admin, 'DELETE', `/embed_config/secrets/${secret.id}`)).status).toBe(404);
  });

  it('a signed URL opens an embed session pinned to production, without develop, once', async () => {
    const url = await ssoUrl();
    expect(url.startsWith(`${fx.server.url}/login/embed/%2Fembed%2Fdashboards%2F${dashboardId}?`)).toBe(true);
    const browser = new Browser(fx.server.url);
    const login = await browser.fetch('GET', url);
    expect(login.status).toBe(302);
    expect(login.headers.get('location')).toBe(`/embed/dashboards/${dashboardId}`);
    expect(login.setCookies.join('\n')).toMatch(/overlook_session=[\w-]+; Max-Age=900; Path=\/; HttpOnly; SameSite=Lax/);

    const me = await browser.json('GET', '/x-overlook/ui/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ kind: 'embed', workspace_id: 'production', user: { first_name: 'Pat', last_name: 'Customer', email: null } });
    expect(me.body.permissions).toEqual(['access_data', 'see_lookml_dashboards', 'see_user_dashboards']);
    const userId = (me.body.user as { id: string }).id;

    expect((await browser.json('GET', '/api/4.0/session')).body).toMatchObject({ workspace_id: 'production' });
    const toDev = await browser.json('PATCH', '/api/4.0/session', { workspace_id: 'dev' });
    expect(toDev.status).toBe(403);
    expect((await browser.json('GET', '/api/4.0/session')).body).toMatchObject({ workspace_id: 'production' });
    expect((await browser.json('GET', '/api/4.0/projects/shop/ide/file?path=shop.model.lkml')).status).toBe(403);
    expect((await browser.json('GET', `/api/4.0/dashboards/${dashboardId}`)).status).toBe(200);

    const creds = await admin.ok(admin.all_user_credentials_embeds(userId));
    assertResponseMatchesSpec('all_user_credentials_embeds', 200, creds);
    expect(creds).toEqual([expect.objectContaining({ id: userId, external_user_id: 'customer-42', type: 'embed', is_disabled: false })]);
    const one = await admin.ok(admin.user_credentials_embed(userId, userId));
    assertResponseMatchesSpec('user_credentials_embed', 200, one);
    expect((await fx.raw(admin, 'GET', `/users/${userId}/credentials_embed/999`)).status).toBe(404);

    const replay = await new Browser(fx.server.url).fetch('GET', url);
    expect(replay.status).toBe(401);
    expect(replay.setCookies).toEqual([]);
    expect(replay.headers.get('content-type')).toMatch(/^text\/html/);
    expect(replay.text).toContain('&#39;nonce&#39; param has already been used: a signed embed URL works only once.');
  });

  it('the same external_user_id is the same user; names and grants follow the latest URL', async () => {
    const a = new Browser(fx.server.url);
    await a.fetch('GET', await ssoUrl({ first_name: 'Patricia', permissions: ['access_data', 'see_user_dashboards'] }));
    const me = await a.json('GET', '/x-overlook/ui/me');
    expect(me.body).toMatchObject({ user: { first_name: 'Patricia' }, permissions: ['access_data', 'see_user_dashboards'] });
    const other = new Browser(fx.server.url);
    await other.fetch('GET', await ssoUrl());
    expect(((await other.json('GET', '/x-overlook/ui/me')).body.user as { id: string }).id).toBe((me.body.user as { id: string }).id);
  });

  it('force_logout_login ends the session this browser had', async () => {
    const browser = new Browser(fx.server.url);
    await browser.fetch('GET', await ssoUrl());
    const before = browser.cookies.get('overlook_session');
    const first = before ?? '';
    await browser.fetch('GET', await ssoUrl({ external_user_id: 'customer-43' }));
    const stale = new Browser(fx.server.url);
    stale.cookies.set('overlook_session', first);
    expect((await stale.json('GET', '/x-overlook/ui/me')).status).toBe(401);
    expect(((await browser.json('GET', '/x-overlook/ui/me')).body.user as { id: string }).id).not.toBe('');
  });

  it('deleting the embed credential ends what the embed user has open', async () => {
    const browser = new Browser(fx.server.url);
    await browser.fetch('GET', await ssoUrl({ external_user_id: 'customer-deleted' }));
    const userId = ((await browser.json('GET', '/x-overlook/ui/me')).body.user as { id: string }).id;
    expect((await fx.raw(admin, 'DELETE', `/users/${userId}/credentials_embed/${userId}`)).status).toBe(204);
    expect((await browser.json('GET', '/x-overlook/ui/me')).status).toBe(401);
    expect((await fx.raw(admin, 'DELETE', `/users/${userId}/credentials_embed/${userId}`)).status).toBe(404);
    expect(await admin.ok(admin.all_user_credentials_embeds(userId))).toEqual([]);
  });

  describe('refused logins: an error page and no session', () => {
    const refused = async (url: string, status: number, message: string): Promise<void> => {
      const res = await new Browser(fx.server.url).fetch('GET', url);
      expect(res.status).toBe(status);
      expect(res.setCookies).toEqual([]);
      expect(res.text).toContain(message.replace(/'/g, '&#39;').replace(/"/g, '&#34;'));
    };
    const selfSigned = async (grant: Partial<EmbedUserGrant>, time?: number): Promise<string> => {
      const secret = await admin.ok(admin.create_embed_secret({ algorithm: 'hmac/sha-1' }));
      return createSignedEmbedUrl({
        origin: fx.server.url, host, target: `/embed/dashboards/${dashboardId}?embed_domain=https://app.example&sdk=3`, user: { ...GRANT, ...grant },
        secret: secret.secret ?? '', algorithm: 'hmac/sha-1', ...(time === undefined ? {} : { time }),
      });
    };

    it('wrong signature', async () => {
      const url = new URL(await ssoUrl());
      url.searchParams.set('signature', 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=');
      await refused(url.href, 401, "'signature' param failed to authenticate.");
    });

    it('tampered field (models, permissions, external_user_id, target)', async () => {
      for (const [name, value] of [['models', '["shop","other"]'], ['permissions', '["access_data","develop"]'], ['external_user_id', '"admin"']] as const) {
        const url = new URL(await ssoUrl());
        url.searchParams.set(name, value);
        await refused(url.href, 401, "'signature' param failed to authenticate.");
      }
      const url = await ssoUrl();
      await refused(url.replace(`%2F${dashboardId}?`, `%2F${dashboardId}0?`), 401, "'signature' param failed to authenticate.");
    });

    it('stale time', async () => {
      await refused(await selfSigned({}, Math.floor(Date.now() / 1000) - 400), 401, "'time' param is not within 5 minutes of the server's system time.");
    });

    it('unknown model', async () => {
      await refused(await selfSigned({ models: ['shop', 'no_such_model'] }), 403, `'models' param names a model that does not exist in production: "no_such_model".`);
    });

    it('bad session_length', async () => {
      await refused(await selfSigned({ session_length: 2_592_001 }), 400, "'session_length' param must be a whole number of seconds from 1 to 2592000 (got 2592001).");
      expect((await fx.raw(admin, 'POST', '/embed/sso_url', { target_url: '/embed/looks/1', ...GRANT, session_length: 0 })).status).toBe(422);
    });

    it('an extra parameter, a target that is no embed page', async () => {
      await refused(`${await selfSigned({})}&embed_domain=x`, 400, 'This request includes invalid params: "embed_domain".');
      const res = await fx.raw(admin, 'POST', '/embed/sso_url', { ...GRANT, target_url: `${fx.server.url}/admin/users` });
      expect(res.status).toBe(422);
    });

    it('a URL signed by the embedding app itself (embed SDK shape) works', async () => {
      const res = await new Browser(fx.server.url).fetch('GET', await selfSigned({ external_user_id: 'self-signed' }));
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe(`/embed/dashboards/${dashboardId}?embed_domain=https://app.example&sdk=3`);
    });
  });

  it('create_embed_url_as_me: the caller in an embed session, production although their UI is in dev mode', async () => {
    const ui = new Browser(fx.server.url);
    await ui.json('POST', '/x-overlook/ui/login', { email: 'root@example.com', password: 'correct horse battery' });
    expect((await ui.json('PATCH', '/api/4.0/session', { workspace_id: 'dev' })).body).toMatchObject({ workspace_id: 'dev' });
    const res = await admin.ok(admin.create_embed_url_as_me({ target_url: `/embed/dashboards/${dashboardId}` }));
    assertResponseMatchesSpec('create_embed_url_as_me', 200, res);
    const frame = new Browser(fx.server.url);
    const login = await frame.fetch('GET', res.url ?? '');
    expect(login.status).toBe(302);
    const me = await frame.json('GET', '/x-overlook/ui/me');
    expect(me.body).toMatchObject({ kind: 'embed', workspace_id: 'production', user: { email: 'root@example.com' } });
    expect((await frame.json('PATCH', '/api/4.0/session', { workspace_id: 'dev' })).status).toBe(403);
    expect((await new Browser(fx.server.url).fetch('GET', res.url ?? '')).status).toBe(401);
  });

  it('cookieless: acquire, log in from the same browser, generate, delete', async () => {
    const headers = { headers: { 'User-Agent': UA } };
    const acquired = await admin.ok(admin.acquire_embed_cookieless_session({ ...GRANT, external_user_id: 'cookieless-1', embed_domain: 'https://app.example' }, headers));
    assertResponseMatchesSpec('acquire_embed_cookieless_session', 200, acquired);
    expect(acquired).toMatchObject({ authentication_token_ttl: 30, navigation_token_ttl: 600, api_token_ttl: 600, session_reference_token_ttl: 900 });
    const src = `/embed/dashboards/${dashboardId}?embed_domain=https://app.example&sdk=3&embed_navigation_token=${acquired.navigation_token}`;
    const loginUrl = `${fx.server.url}/login/embed/${encodeURIComponent(src)}?embed_authentication_token=${acquired.authentication_token}`;
    expect((await new Browser(fx.server.url, 'Other/1.0').fetch('GET', loginUrl)).status).toBe(401);

    const again = await admin.ok(admin.acquire_embed_cookieless_session({ ...GRANT, external_user_id: 'cookieless-1', session_reference_token: acquired.session_reference_token }, headers));
    const browser = new Browser(fx.server.url);
    const src2 = src.replace(acquired.navigation_token ?? '', again.navigation_token ?? '');
    const login = await browser.fetch('GET', `${fx.server.url}/login/embed/${encodeURIComponent(src2)}?embed_authentication_token=${again.authentication_token}`);
    expect(login.status).toBe(302);
    expect(login.headers.get('location')).toBe(src2);
    expect((await browser.json('GET', '/x-overlook/ui/me')).body).toMatchObject({ kind: 'embed', workspace_id: 'production' });
    // The session cookie is bound to the browser's User-Agent.
    const thief = new Browser(fx.server.url, 'Thief/1.0');
    thief.cookies.set('overlook_session', browser.cookies.get('overlook_session') ?? '');
    expect((await thief.json('GET', '/x-overlook/ui/me')).status).not.toBe(200);

    // The API token works as a bearer token of the embed user, in production.
    const apiCall = await fetch(`${fx.server.url}/api/4.0/session`, { headers: { authorization: `token ${acquired.api_token}` } });
    expect(await apiCall.json()).toMatchObject({ workspace_id: 'production' });
    const toDev = await fetch(`${fx.server.url}/api/4.0/session`, { method: 'PATCH', headers: { authorization: `token ${acquired.api_token}`, 'content-type': 'application/json' }, body: '{"workspace_id":"dev"}' });
    expect(toDev.status).toBe(403);

    const fresh = await admin.ok(admin.generate_tokens_for_cookieless_session({ session_reference_token: acquired.session_reference_token ?? '', api_token: acquired.api_token, navigation_token: acquired.navigation_token }, headers));
    assertResponseMatchesSpec('generate_tokens_for_cookieless_session', 200, fresh);
    expect(fresh).toMatchObject({ navigation_token_ttl: 600, api_token_ttl: 600 });
    expect((await fx.raw(admin, 'DELETE', `/embed/cookieless_session/${acquired.session_reference_token}`)).status).toBe(204);
    expect((await browser.json('GET', '/x-overlook/ui/me')).status).toBe(401);
    expect((await fetch(`${fx.server.url}/api/4.0/session`, { headers: { authorization: `token ${fresh.api_token}` } })).status).toBe(401);
    // The first API token was used above (so this node cached it): it ends at once all the same.
    expect((await fetch(`${fx.server.url}/api/4.0/session`, { headers: { authorization: `token ${acquired.api_token}` } })).status).toBe(401);
    const ended = await admin.ok(admin.generate_tokens_for_cookieless_session({ session_reference_token: acquired.session_reference_token ?? '' }, headers));
    expect(ended.session_reference_token_ttl).toBe(0);
    expect((await (await fetch(`${fx.server.url}/x-overlook/embed/domain?embed_domain=${encodeURIComponent('https://app.example')}`)).json())).toEqual({ allowed: true });
    expect((await (await fetch(`${fx.server.url}/x-overlook/embed/domain?embed_domain=${encodeURIComponent('https://evil.example')}`)).json())).toEqual({ allowed: false });
  });
});
