/**
 * Issue 9's later parts over real HTTP with the official SDK: the embed settings (`get_setting` /
 * `set_setting`: domain allowlist with wildcard origins, signed / cookieless switches), groups named
 * by `group_ids` and made for `external_group_id`, `validate_embed_url`, `create_embed_user`,
 * `credentials_embed` and `group_ids` on users, and row-level security for embed users through
 * user_attributes and LookML `access_filter`. SQLite and PostgreSQL metadata.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Looker40SDK } from '@looker/sdk';
import { assertResponseMatchesSpec } from '../../src/api/spec-validate.ts';
import { makeRemote } from '../../src/workspaces/git/test-helpers.ts';
import { Browser } from './embed-fixture.ts';
import { ordersView, startQueryFixture, type QueryFixture } from './support.ts';

const SECURE_MODEL = `connection: "warehouse"
include: "*.view.lkml"
explore: orders {
  access_filter: { field: orders.status user_attribute: allowed_status }
}
`;

const GRANT = { session_length: 600, permissions: ['access_data', 'explore', 'see_user_dashboards'], models: ['secure'] };

describe.each(['sqlite', 'postgres'] as const)('embed administration over HTTP on %s', (metadata) => {
  let fx: QueryFixture;
  let admin: Looker40SDK;
  let viewer: Looker40SDK;

  beforeAll(async () => {
    vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    fx = await startQueryFixture(metadata, `e2e_embed_admin_${metadata}`, { connection: true });
    admin = fx.sdk();
    await mkdir(join(fx.root, 'secure-remote'));
    const remote = await makeRemote(join(fx.root, 'secure-remote'), { 'secure.model.lkml': SECURE_MODEL, 'orders.view.lkml': ordersView('secure') });
    await admin.ok(admin.update_session({ workspace_id: 'dev' }));
    await admin.ok(admin.create_project({ name: 'secure', git_remote_url: remote }));
    await admin.ok(admin.deploy_ref_to_production({ project_id: 'secure', branch: 'main' }));
    await admin.ok(admin.create_user_attribute({ name: 'allowed_status', label: 'Allowed status', type: 'string' }));
    const user = await admin.ok(admin.create_user({ first_name: 'View' }));
    await admin.ok(admin.set_user_roles(user.id ?? '', ['5']));
    const cred = await admin.ok(admin.create_user_credentials_api3(user.id ?? ''));
    viewer = fx.sdkFor(cred.client_id ?? '', cred.client_secret ?? '');
  });
  afterAll(async () => {
    await fx.close();
  });

  const ssoUrl = async (body: Record<string, unknown>): Promise<string> =>
    (await admin.ok(admin.create_sso_embed_url({ target_url: `${fx.server.url}/embed/explore/secure/orders`, ...GRANT, external_user_id: 'tenant-user', ...body }))).url ?? '';
  const allowed = async (domain: string): Promise<unknown> =>
    (await (await fetch(`${fx.server.url}/x-overlook/embed/domain?embed_domain=${encodeURIComponent(domain)}`)).json());

  it('get_setting / set_setting: the embed domain allowlist with wildcards, admin only', async () => {
    const before = await admin.ok(admin.get_setting());
    assertResponseMatchesSpec('get_setting', 200, before);
    expect(before).toMatchObject({ embed_enabled: true, embed_cookieless_v2: true, embed_config: { domain_allowlist: [], sso_auth_enabled: true, embed_cookieless_v2: true } });

    const after = await admin.ok(admin.set_setting({ embed_config: { domain_allowlist: ['https://*.Customer.example', 'http://localhost:3000/'] } }));
    assertResponseMatchesSpec('set_setting', 200, after);
    expect(after.embed_config?.domain_allowlist).toEqual(['http://localhost:3000', 'https://*.customer.example']);
    expect(await allowed('https://app.customer.example')).toEqual({ allowed: true });
    expect(await allowed('https://deep.app.customer.example')).toEqual({ allowed: true });
    expect(await allowed('https://customer.example')).toEqual({ allowed: false });
    expect(await allowed('https://app.customer.example.evil.net')).toEqual({ allowed: false });
    expect(await allowed('http://localhost:3000')).toEqual({ allowed: true });

    const bad = await fx.raw(admin, 'PATCH', '/setting', { embed_config: { domain_allowlist: ['customer.example'] } });
    expect(bad.status).toBe(422);
    expect(await bad.json()).toMatchObject({
      errors: [{ field: 'embed_config', code: 'invalid', message: '"customer.example" is not an embed domain: use an origin such as https://app.example.com, or https://*.example.com for all its subdomains.' }],
    });
    const other = await fx.raw(admin, 'PATCH', '/setting', { timezone: 'UTC' });
    expect(other.status).toBe(422);
    expect(((await other.json()) as { message: string }).message).toBe('Overlook stores only the embed settings (embed_config, embed_cookieless_v2); it cannot set "timezone".');
    expect((await fx.raw(viewer, 'GET', '/setting')).status).toBe(403);
    expect((await fx.raw(viewer, 'PATCH', '/setting', { embed_config: { domain_allowlist: ['https://*.evil.example'] } })).status).toBe(403);
    expect((await admin.ok(admin.get_setting('embed_config'))).embed_config?.domain_allowlist).toEqual(['http://localhost:3000', 'https://*.customer.example']);
  });

  it('sso_auth_enabled false: signed logins get the error page, create_sso_embed_url a 403', async () => {
    const url = await ssoUrl({ user_attributes: { allowed_status: 'complete' } });
    await admin.ok(admin.set_setting({ embed_config: { sso_auth_enabled: false } }));
    try {
      const login = await new Browser(fx.server.url).fetch('GET', url);
      expect(login.status).toBe(403);
      expect(login.setCookies).toEqual([]);
      expect(login.text).toContain('Signed embedding is disabled on this server (embed_config.sso_auth_enabled is false).');
      expect((await fx.raw(admin, 'POST', '/embed/sso_url', { target_url: '/embed/looks/1', ...GRANT, external_user_id: 'x' })).status).toBe(403);
    } finally {
      await admin.ok(admin.set_setting({ embed_config: { sso_auth_enabled: true } }));
    }
    expect((await new Browser(fx.server.url).fetch('GET', url)).status).toBe(302);
  });

  it('access_filter + user_attributes: each embed user sees only their rows; no value, no rows', async () => {
    const rows = async (attributes: Record<string, string> | undefined, externalUserId: string): Promise<{ status: number; body: unknown }> => {
      const browser = new Browser(fx.server.url);
      const login = await browser.fetch('GET', await ssoUrl({ external_user_id: externalUserId, ...(attributes === undefined ? {} : { user_attributes: attributes }) }));
      expect(login.status).toBe(302);
      const res = await browser.fetch('POST', '/api/4.0/queries/run/json', { model: 'secure', view: 'orders', fields: ['orders.status', 'orders.count'], sorts: ['orders.status'] });
      return { status: res.status, body: JSON.parse(res.text) as unknown };
    };
    expect(await rows({ allowed_status: 'complete' }, 'tenant-a')).toEqual({ status: 200, body: [{ 'orders.status': 'complete', 'orders.count': 33 }] });
    expect(await rows({ allowed_status: 'pending' }, 'tenant-b')).toEqual({ status: 200, body: [{ 'orders.status': 'pending', 'orders.count': 34 }] });
    // A later login with other attributes replaces them.
    expect(await rows({ allowed_status: 'complete,pending' }, 'tenant-a')).toEqual({
      status: 200, body: [{ 'orders.status': 'complete', 'orders.count': 33 }, { 'orders.status': 'pending', 'orders.count': 34 }],
    });
    const none = await rows(undefined, 'tenant-a');
    expect(none.status).toBe(422);
    expect(JSON.stringify(none.body)).toContain("Explore 'orders' has an access_filter on user attribute 'allowed_status', which has no value for this user.");
  });

  it('group_ids enrol the embed user; external_group_id makes its group; both show on the user', async () => {
    const group = await admin.ok(admin.create_group({ name: 'Customers' }));
    assertResponseMatchesSpec('create_group', 200, group);
    expect(group).toMatchObject({ name: 'Customers', user_count: 0, externally_managed: false, external_group_id: null });
    expect((await fx.raw(admin, 'POST', '/groups', { name: 'Customers' })).status).toBe(409);
    expect((await fx.raw(viewer, 'POST', '/groups', { name: 'Mine' })).status).toBe(403);

    const browser = new Browser(fx.server.url);
    const login = await browser.fetch('GET', await ssoUrl({ external_user_id: 'grouped', group_ids: [group.id], external_group_id: 'acme', user_attributes: { allowed_status: 'complete' } }));
    expect(login.status).toBe(302);
    const userId = ((await browser.json('GET', '/x-overlook/ui/me')).body.user as { id: string }).id;
    const groups = await admin.ok(admin.all_groups({}));
    assertResponseMatchesSpec('all_groups', 200, groups);
    const acme = groups.find((g) => g.external_group_id === 'acme');
    expect(acme).toMatchObject({ name: 'Embed group acme', externally_managed: true, user_count: 1 });
    expect((await admin.ok(admin.group(group.id ?? ''))).user_count).toBe(1);

    const user = await admin.ok(admin.user(userId));
    assertResponseMatchesSpec('user', 200, user);
    expect(user.group_ids).toEqual([group.id, acme?.id]);
    expect(user.credentials_embed).toEqual([expect.objectContaining({ id: userId, external_user_id: 'grouped', external_group_id: 'acme', type: 'embed', is_disabled: false })]);
    expect(user.credentials_embed?.[0]?.logged_in_at).toMatch(/^\d{4}-/);
    const members = await admin.ok(admin.all_group_users({ group_id: group.id ?? '' }));
    assertResponseMatchesSpec('all_group_users', 200, members);
    expect(members.map((m) => m.id)).toEqual([userId]);

    const unknown = await new Browser(fx.server.url).fetch('GET', await ssoUrl({ external_user_id: 'grouped', group_ids: [group.id, '987654'] }));
    expect(unknown.status).toBe(403);
    expect(unknown.setCookies).toEqual([]);
    expect(unknown.text).toContain('&#39;group_ids&#39; param names a group that does not exist: &#34;987654&#34;.');

    expect((await fx.raw(admin, 'DELETE', `/groups/${group.id}`)).status).toBe(204);
    expect((await admin.ok(admin.user(userId))).group_ids).toEqual([acme?.id]);
  });

  it('validate_embed_url: a fresh signed URL is valid, a used or tampered one is not', async () => {
    const url = await ssoUrl({ external_user_id: 'validated', user_attributes: { allowed_status: 'complete' } });
    const ok = await admin.ok(admin.validate_embed_url(url));
    assertResponseMatchesSpec('validate_embed_url', 200, ok);
    expect(ok).toEqual({ url });
    expect((await new Browser(fx.server.url).fetch('GET', url)).status).toBe(302);
    const used = await fx.raw(admin, 'GET', `/embed/sso/validate?url=${encodeURIComponent(url)}`);
    expect(used.status).toBe(422);
    expect(await used.json()).toMatchObject({ errors: [{ field: 'url', message: "'nonce' param has already been used: a signed embed URL works only once." }] });
    const tampered = new URL(await ssoUrl({ external_user_id: 'validated' }));
    tampered.searchParams.set('models', '["secure","shop"]');
    const bad = await fx.raw(admin, 'GET', `/embed/sso/validate?url=${encodeURIComponent(tampered.href)}`);
    expect(((await bad.json()) as { message: string }).message).toBe("'signature' param failed to authenticate.");
    expect((await fx.raw(admin, 'GET', '/embed/sso/validate')).status).toBe(422);
    expect((await fx.raw(viewer, 'GET', `/embed/sso/validate?url=${encodeURIComponent(url)}`)).status).toBe(403);
  });

  it('create_embed_user: an embed user before its first login, the same one afterwards', async () => {
    const made = await admin.ok(admin.create_embed_user({ external_user_id: 'pre-made' }));
    assertResponseMatchesSpec('create_embed_user', 200, made);
    expect(made).toMatchObject({ first_name: 'Embed', last_name: 'User', display_name: 'Embed User' });
    expect((await admin.ok(admin.create_embed_user({ external_user_id: 'pre-made' }))).id).toBe(made.id);
    const before = await admin.ok(admin.user(made.id ?? ''));
    expect(before.credentials_embed).toEqual([expect.objectContaining({ external_user_id: 'pre-made', logged_in_at: null })]);
    expect(before.role_ids).toEqual([]);
    const browser = new Browser(fx.server.url);
    await browser.fetch('GET', await ssoUrl({ external_user_id: 'pre-made', first_name: 'Pre', user_attributes: { allowed_status: 'complete' } }));
    expect(((await browser.json('GET', '/x-overlook/ui/me')).body.user as { id: string }).id).toBe(made.id);
    expect((await fx.raw(viewer, 'POST', '/users/embed_user', { external_user_id: 'x' })).status).toBe(403);
    // Users that are no embed users have no embed credential.
    expect((await admin.ok(admin.me())).credentials_embed).toEqual([]);
  });
});
