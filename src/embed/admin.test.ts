import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../store/index.ts';
import { DIALECTS, createTestDatabase, testClock, type TestDatabase } from '../store/test-support.ts';
import { applyFlags, DEFAULT_EMBED_FLAGS, embedConfigJson, parseFlags } from './config.ts';
import { EmbedError } from './errors.ts';
import { allGroups, createGroup, deleteGroup, groupIdsOfUsers, groupUserIds } from './groups.ts';
import { CookielessSessions } from './cookieless.ts';
import { EmbedService } from './service.ts';
import { createSignedEmbedUrl, type EmbedUserGrant } from './signing.ts';

const HOST = 'bi.example:9999';
const ADDRESS = { origin: `https://${HOST}`, host: HOST };
const USER: EmbedUserGrant = { external_user_id: 'ext-g', session_length: 600, permissions: ['access_data', 'see_user_dashboards'], models: ['shop'] };

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof EmbedError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected an EmbedError');
}

describe('embed flags', () => {
  it('a stored value overrides the defaults; damaged or unknown members read as the defaults', () => {
    expect(parseFlags(null)).toEqual(DEFAULT_EMBED_FLAGS);
    expect(parseFlags('{"hide_look_navigation":true}')).toEqual({ ...DEFAULT_EMBED_FLAGS, hide_look_navigation: true });
    expect(parseFlags('not json')).toEqual(DEFAULT_EMBED_FLAGS);
    expect(parseFlags('{"sso_auth_enabled":false,"strict_sameorigin_for_login":"yes","look_filters":true}')).toEqual({ ...DEFAULT_EMBED_FLAGS, sso_auth_enabled: false });
  });

  it('every EmbedConfig member is enforced or refused by name; read-only members are ignored', () => {
    const getBody = embedConfigJson(DEFAULT_EMBED_FLAGS, ['https://a.example']);
    const { permissions, ...members } = getBody;
    expect(members).toEqual({
      domain_allowlist: ['https://a.example'], alert_url_allowlist: [], alert_url_param_owner: null, alert_url_label: null,
      sso_auth_enabled: true, embed_cookieless_v2: true, embed_content_navigation: false, embed_content_management: false,
      strict_sameorigin_for_login: true, look_filters: false, hide_look_navigation: false, embed_enabled: true,
    });
    expect(permissions).toMatchObject({ access_data: true, explore: true });
    expect(permissions).not.toHaveProperty('develop');
    // What GET answers can be sent back as it is.
    expect(applyFlags(DEFAULT_EMBED_FLAGS, getBody)).toEqual(DEFAULT_EMBED_FLAGS);
    expect(applyFlags(DEFAULT_EMBED_FLAGS, { sso_auth_enabled: false, strict_sameorigin_for_login: false, hide_look_navigation: true, look_filters: false, alert_url_label: '' }))
      .toEqual({ ...DEFAULT_EMBED_FLAGS, sso_auth_enabled: false, strict_sameorigin_for_login: false, hide_look_navigation: true });
    const refused = (patch: Record<string, unknown>): { field: string | undefined; message: string } => {
      try {
        applyFlags(DEFAULT_EMBED_FLAGS, patch);
      } catch (error) {
        if (error instanceof EmbedError) return { field: error.field, message: error.message };
      }
      throw new Error('expected a refusal');
    };
    expect(refused({ look_filters: true })).toEqual({ field: 'embed_config.look_filters', message: 'embed_config.look_filters is not supported: embedded Looks show no filters in Overlook, so it can only be false (got true).' });
    expect(refused({ embed_content_navigation: true }).field).toBe('embed_config.embed_content_navigation');
    expect(refused({ embed_content_management: true }).message).toBe('embed_config.embed_content_management is not supported: embed frames have no content management in Overlook, so it can only be false (got true).');
    expect(refused({ alert_url_allowlist: ['https://a.example/x'] }).message).toBe('embed_config.alert_url_allowlist is not supported: Overlook sends no alerts or scheduled deliveries to link from, so it can only be [] (got ["https://a.example/x"]).');
    expect(refused({ alert_url_param_owner: 'looker' }).message).toContain('so it can only be null (got "looker")');
    expect(refused({ alert_url_label: 'App' }).field).toBe('embed_config.alert_url_label');
    expect(refused({ embed_show_tile_filter_information: true }).message).toContain('a setting of later Looker API versions');
    expect(refused({ embed_vis_modernization_default: true }).field).toBe('embed_config.embed_vis_modernization_default');
    expect(refused({ hide_look_navigation: 'yes' })).toEqual({ field: 'embed_config.hide_look_navigation', message: 'embed_config.hide_look_navigation must be true or false.' });
    expect(applyFlags(DEFAULT_EMBED_FLAGS, { embed_enabled: false, permissions: { develop: true } })).toEqual(DEFAULT_EMBED_FLAGS);
    expect(refused({ nope: true })).toEqual({ field: 'embed_config.nope', message: 'embed_config has no setting "nope".' });
  });
});

describe.each(DIALECTS)('embed settings, groups, validation and embed users on %s', (dialect) => {
  let db: TestDatabase;
  let store: Store;
  let embed: EmbedService;
  let adminId = '';
  const clock = testClock('2025-01-01T00:00:00.000Z');

  beforeAll(async () => {
    db = await createTestDatabase(dialect, 'embed_admin');
    store = await db.open(clock.now);
    embed = new EmbedService({ store, env: { OVERLOOK_SECRET_KEY: 'test key' }, productionModels: () => Promise.resolve(new Set(['shop'])) });
    adminId = (await store.users.createUser({ first_name: 'Ada', role_ids: ['2'] })).id;
    await embed.createSecret(adminId, { algorithm: 'hmac/sha-1' });
  });
  afterAll(async () => {
    await store.close();
    await db.cleanup();
  });

  async function ssoLogin(request: Partial<EmbedUserGrant> = {}) {
    const url = new URL(await embed.createSsoUrl({ target_url: '/embed/dashboards/1', ...USER, ...request }, ADDRESS, adminId));
    return { url, login: () => embed.signedLogin({ hosts: [HOST], embedPath: url.pathname, search: url.search }) };
  }

  it('the allowlist: replaced as a whole, canonical, wildcards match subdomains', async () => {
    await embed.updateSetting({ embed_config: { domain_allowlist: ['https://*.Example.com', 'http://localhost:8080/', 'https://app.other.net'] } });
    const setting = await embed.settingJson();
    expect(setting).toMatchObject({
      embed_enabled: true, embed_cookieless_v2: true,
      embed_config: { domain_allowlist: ['http://localhost:8080', 'https://*.example.com', 'https://app.other.net'], sso_auth_enabled: true, embed_enabled: true },
    });
    expect(await embed.domainAllowed('https://shop.example.com')).toBe(true);
    expect(await embed.domainAllowed('https://a.b.example.com/')).toBe(true);
    expect(await embed.domainAllowed('https://example.com')).toBe(false);
    expect(await embed.domainAllowed('http://shop.example.com')).toBe(false);
    expect(await embed.domainAllowed('http://localhost:8080')).toBe(true);
    expect(await embed.domainAllowed('http://localhost:8081')).toBe(false);

    // An invalid entry refuses the whole change: nothing is written.
    expect(await refusal(embed.updateSetting({ embed_config: { domain_allowlist: ['https://ok.example', 'ok.example'], hide_look_navigation: true } })))
      .toMatchObject({ code: 'invalid_params' });
    expect((await embed.settingJson()).embed_config).toMatchObject({ hide_look_navigation: false, domain_allowlist: ['http://localhost:8080', 'https://*.example.com', 'https://app.other.net'] });
    // So does an unsupported flag next to a good list.
    expect(await refusal(embed.updateSetting({ embed_config: { domain_allowlist: [], look_filters: true } }))).toMatchObject({ code: 'invalid_params' });
    expect((await embed.settingJson()).embed_config).toMatchObject({ look_filters: false, domain_allowlist: ['http://localhost:8080', 'https://*.example.com', 'https://app.other.net'] });

    // Leaving domain_allowlist out keeps the list; create_sso_embed_url adds its embed_domain.
    await embed.updateSetting({ embed_config: { hide_look_navigation: true } });
    await embed.createSsoUrl({ target_url: '/embed/looks/1', ...USER, embed_domain: 'https://app.third.org' }, ADDRESS, adminId);
    expect((await embed.settingJson()).embed_config).toMatchObject({ hide_look_navigation: true, domain_allowlist: ['http://localhost:8080', 'https://*.example.com', 'https://app.other.net', 'https://app.third.org'] });
    await embed.updateSetting({ embed_config: { hide_look_navigation: false } });
    await embed.updateSetting({ embed_config: { domain_allowlist: [] } });
    expect(await embed.domainAllowed('https://shop.example.com')).toBe(false);
  });

  it('switching signed or cookieless embedding off refuses them; embed_config overrides the old top-level flag', async () => {
    const { login } = await ssoLogin({ external_user_id: 'ext-switch' });
    await embed.updateSetting({ embed_config: { sso_auth_enabled: false } });
    const off = 'Signed embedding is disabled on this server (embed_config.sso_auth_enabled is false).';
    expect(await refusal(login())).toEqual({ code: 'disabled', message: off });
    expect(await refusal(embed.createSsoUrl({ target_url: '/embed/looks/1', ...USER }, ADDRESS, adminId))).toEqual({ code: 'disabled', message: off });
    expect(await refusal(embed.createUrlAsMe(adminId, { target_url: '/embed/looks/1' }, ADDRESS))).toEqual({ code: 'disabled', message: off });
    await embed.updateSetting({ embed_config: { sso_auth_enabled: true } });
    // The refused attempt did not spend the nonce.
    expect((await login()).userId).not.toBe('');

    await embed.updateSetting({ embed_cookieless_v2: false, embed_config: { embed_cookieless_v2: true } });
    expect((await embed.settingJson()).embed_cookieless_v2).toBe(true);
    await embed.updateSetting({ embed_cookieless_v2: false });
    expect((await embed.settingJson()).embed_config).toMatchObject({ embed_cookieless_v2: false });
    const cookieless = new CookielessSessions(embed);
    expect(await refusal(cookieless.acquire({ ...USER, external_user_id: 'ext-cl' }, 'UA/1')))
      .toEqual({ code: 'disabled', message: 'Cookieless embedding is disabled on this server (embed_config.embed_cookieless_v2 is false).' });
    await embed.updateSetting({ embed_cookieless_v2: true });
    expect((await cookieless.acquire({ ...USER, external_user_id: 'ext-cl' }, 'UA/1')).authentication_token).toMatch(/\S/);
  });

  it('group_ids enrol the embed user in existing groups; unknown ids refuse the login; each login replaces them', async () => {
    const sales = await createGroup(store, 'Sales');
    const emea = await createGroup(store, 'EMEA');
    await expect(createGroup(store, 'Sales')).rejects.toThrow('A group named "Sales" already exists.');
    const { userId } = await (await ssoLogin({ group_ids: [sales.id, emea.id, sales.id] })).login();
    expect((await groupIdsOfUsers(store.db, [userId])).get(userId)).toEqual([sales.id, emea.id]);
    expect(await groupUserIds(store, sales.id)).toEqual([userId]);

    expect(await refusal((await ssoLogin({ group_ids: [sales.id, '999', 'x'] })).login()))
      .toEqual({ code: 'unknown_group', message: `'group_ids' param names groups that do not exist: "999", "x".` });
    expect((await groupIdsOfUsers(store.db, [userId])).get(userId)).toEqual([sales.id, emea.id]);

    await (await ssoLogin({ group_ids: [emea.id] })).login();
    expect((await groupIdsOfUsers(store.db, [userId])).get(userId)).toEqual([emea.id]);
    await (await ssoLogin()).login();
    expect((await groupIdsOfUsers(store.db, [userId])).get(userId)).toEqual([]);
    expect(await deleteGroup(store, emea.id)).toBe(true);
    expect(await deleteGroup(store, emea.id)).toBe(false);
  });

  it('external_group_id: one embed-exclusive group per value, shared by its users, kept until changed', async () => {
    const a = await (await ssoLogin({ external_user_id: 'ext-a', external_group_id: 'tenant-1' })).login();
    const b = await (await ssoLogin({ external_user_id: 'ext-b', external_group_id: 'tenant-1' })).login();
    const tenant = (await allGroups(store)).find((g) => g.external_group_id === 'tenant-1');
    expect(tenant).toMatchObject({ name: 'Embed group tenant-1', user_count: 2 });
    expect((await groupIdsOfUsers(store.db, [a.userId])).get(a.userId)).toEqual([tenant!.id]);
    // A later URL without external_group_id keeps the user in it.
    await (await ssoLogin({ external_user_id: 'ext-a' })).login();
    expect((await groupIdsOfUsers(store.db, [a.userId])).get(a.userId)).toEqual([tenant!.id]);
    expect((await embed.repo.credentials(a.userId))?.external_group_id).toBe('tenant-1');
    await (await ssoLogin({ external_user_id: 'ext-b', external_group_id: 'tenant-2' })).login();
    expect(await groupUserIds(store, tenant!.id)).toEqual([a.userId]);
    expect((await store.users.user(b.userId))?.embed_external_group_id).toBe('tenant-2');
  });

  it('validate_embed_url: every login check, nothing spent', async () => {
    const { url, login } = await ssoLogin({ external_user_id: 'ext-validate' });
    await embed.validateSignedUrl(url.href);
    await embed.validateSignedUrl(url.href);
    expect(await store.users.userByEmbedExternalId('ext-validate')).toBeNull();
    await login();
    expect(await refusal(embed.validateSignedUrl(url.href)))
      .toEqual({ code: 'replayed_nonce', message: "'nonce' param has already been used: a signed embed URL works only once." });

    const tampered = new URL(url);
    tampered.searchParams.set('models', '["shop","x"]');
    expect(await refusal(embed.validateSignedUrl(tampered.href))).toMatchObject({ code: 'bad_signature' });
    const other = new URL((await ssoLogin()).url);
    other.host = 'elsewhere.example';
    expect(await refusal(embed.validateSignedUrl(other.href))).toMatchObject({ code: 'bad_signature' });
    const stale = (await ssoLogin()).url;
    clock.advance(301);
    expect(await refusal(embed.validateSignedUrl(stale.href))).toMatchObject({ code: 'stale_time' });
    expect(await refusal(embed.validateSignedUrl('not a url'))).toMatchObject({ code: 'invalid_params' });
    expect(await refusal(embed.validateSignedUrl('https://bi.example:9999/embed/dashboards/1'))).toMatchObject({ code: 'bad_target' });
    const asMe = await embed.createUrlAsMe(adminId, { target_url: '/embed/looks/1' }, ADDRESS);
    expect(await refusal(embed.validateSignedUrl(asMe))).toMatchObject({ code: 'invalid_params' });
    const secret = (await embed.repo.usableSecrets())[0]!;
    const unknownGroup = createSignedEmbedUrl({ ...ADDRESS, target: '/embed/looks/1', user: { ...USER, group_ids: ['424242'] }, secret: secret.secret, algorithm: secret.algorithm, time: embed.nowSeconds() });
    expect(await refusal(embed.validateSignedUrl(unknownGroup))).toMatchObject({ code: 'unknown_group' });
  });

  it('create_embed_user: made once, without grants, then the same user; a login later fills it in', async () => {
    const made = await embed.createEmbedUser('pre-made');
    expect(made).toMatchObject({ first_name: 'Embed', last_name: 'User', embed_external_user_id: 'pre-made', role_ids: [] });
    expect(await embed.repo.credentials(made.id)).toMatchObject({ external_user_id: 'pre-made', permissions: [], models: [], logged_in_at: null });
    expect((await embed.createEmbedUser('pre-made')).id).toBe(made.id);
    const { userId } = await (await ssoLogin({ external_user_id: 'pre-made', first_name: 'Pre' })).login();
    expect(userId).toBe(made.id);
    expect(await embed.repo.credentials(made.id)).toMatchObject({ permissions: ['access_data', 'see_user_dashboards'], models: ['shop'] });
    expect(await refusal(embed.createEmbedUser('  '))).toEqual({ code: 'invalid_params', message: 'external_user_id must be 1 to 255 characters.' });
  });
});
