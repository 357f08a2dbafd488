import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../store/index.ts';
import { hashToken } from '../store/index.ts';
import { DIALECTS, createTestDatabase, testClock, type TestDatabase } from '../store/test-support.ts';
import { EmbedError } from './errors.ts';
import { EmbedService, LOGIN_TOKEN_PARAM } from './service.ts';
import { createSignedEmbedUrl, type EmbedUserGrant } from './signing.ts';
import type { EmbedTables } from './tables.ts';

const HOST = 'bi.example:9999';
const ADDRESS = { origin: `https://${HOST}`, host: HOST };
const USER: EmbedUserGrant = {
  external_user_id: 'ext-1', first_name: 'Pat', last_name: 'Embed', session_length: 3600,
  permissions: ['access_data', 'see_user_dashboards', 'see_lookml_dashboards', 'develop', 'see_lookml', 'administer', 'use_sql_runner'],
  models: ['shop'], user_attributes: { region: 'EU' },
};

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof EmbedError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected an EmbedError');
}

describe.each(DIALECTS)('embed service on %s', (dialect) => {
  let db: TestDatabase;
  let store: Store;
  let embed: EmbedService;
  let adminId = '';
  const clock = testClock('2025-01-01T00:00:00.000Z');

  beforeAll(async () => {
    db = await createTestDatabase(dialect, 'embed_service');
    store = await db.open(clock.now);
    embed = new EmbedService({ store, env: { OVERLOOK_SECRET_KEY: 'test key' }, productionModels: () => Promise.resolve(new Set(['shop', 'finance'])) });
    adminId = (await store.users.createUser({ first_name: 'Ada', role_ids: ['2'] })).id;
    await store.attributes.createUserAttribute({ name: 'region', label: 'Region', type: 'string' });
    await store.attributes.createUserAttribute({ name: 'max_amount', label: 'Max amount', type: 'number' });
  });
  afterAll(async () => {
    await store.close();
    await db.cleanup();
  });

  /** A URL as create_sso_embed_url makes it, split the way the login route sees it. */
  async function ssoLogin(request: Partial<EmbedUserGrant> & { target_url?: string } = {}) {
    const url = new URL(await embed.createSsoUrl({ target_url: '/embed/dashboards/1', ...USER, ...request }, ADDRESS, adminId));
    return { url, login: () => embed.signedLogin({ hosts: [HOST], embedPath: url.pathname, search: url.search }) };
  }

  it('secrets: created sealed, signed with, deleted', async () => {
    const created = await embed.createSecret(adminId, { algorithm: 'hmac/sha-1' });
    expect(created).toMatchObject({ algorithm: 'hmac/sha-1', secret_type: 'SSO', enabled: true, user_id: adminId });
    expect(created.secret).toMatch(/^[0-9a-f]{64}$/);
    const stored = await store.db.withTables<EmbedTables>().selectFrom('embed_secrets').selectAll().execute();
    expect(stored.map((r) => r.secret_ciphertext).join()).not.toContain(created.secret);
    expect((await embed.repo.usableSecrets())[0]).toEqual({ id: created.id, secret: created.secret, algorithm: 'hmac/sha-1' });
    expect(await embed.deleteSecret(created.id)).toBe(true);
    expect(await embed.deleteSecret(created.id)).toBe(false);
    expect(await refusal(embed.createSecret(adminId, { algorithm: 'md5' }))).toMatchObject({ code: 'invalid_params' });
  });

  it('create_sso_embed_url makes a default secret when none is active, and the URL logs in once', async () => {
    expect(await embed.repo.usableSecrets()).toEqual([]);
    const { url, login } = await ssoLogin();
    expect(url.origin).toBe(`https://${HOST}`);
    expect(url.pathname).toBe('/login/embed/%2Fembed%2Fdashboards%2F1');
    expect(await embed.repo.usableSecrets()).toHaveLength(1);
    const result = await login();
    expect(result).toMatchObject({ target: { url: '/embed/dashboards/1' }, sessionLength: 3600, forceLogoutLogin: true });
    expect(await refusal(login())).toEqual({ code: 'replayed_nonce', message: "'nonce' param has already been used: a signed embed URL works only once." });
  });

  it('the embed user: stable by external_user_id, never develop, only the granted models, attributes set', async () => {
    const first = await (await ssoLogin()).login();
    const second = await (await ssoLogin({ first_name: 'Patricia', user_attributes: { max_amount: '50' } })).login();
    expect(second.userId).toBe(first.userId);
    const user = await store.users.user(first.userId);
    expect(user).toMatchObject({ first_name: 'Patricia', last_name: 'Embed', embed_external_user_id: 'ext-1', email: null });
    const permissions = [...await store.roles.userPermissions(first.userId)].sort();
    expect(permissions).toEqual(['access_data', 'see_lookml_dashboards', 'see_user_dashboards']);
    const roles = (await store.roles.userRoles(first.userId))!;
    expect(roles).toHaveLength(1);
    expect(roles[0]!.model_set).toMatchObject({ all_access: false, models: ['shop'] });
    const values = Object.fromEntries(((await store.attributes.userAttributeValues(first.userId)) ?? []).filter((v) => v.source === 'user').map((v) => [v.name, v.value]));
    // The second login did not send region: its value is gone (grants are replaced, not merged).
    expect(values).toEqual({ max_amount: '50' });
    expect(await embed.repo.credentials(first.userId)).toMatchObject({ external_user_id: 'ext-1', models: ['shop'], permissions: ['access_data', 'see_lookml_dashboards', 'see_user_dashboards'] });
  });

  it('identical grants share one role; a new grant moves the user to another', async () => {
    const a = await (await ssoLogin({ external_user_id: 'ext-2' })).login();
    const b = await (await ssoLogin({ external_user_id: 'ext-3' })).login();
    expect((await store.users.user(a.userId))!.role_ids).toEqual((await store.users.user(b.userId))!.role_ids);
    await (await ssoLogin({ external_user_id: 'ext-3', models: ['shop', 'finance'] })).login();
    expect((await store.users.user(b.userId))!.role_ids).not.toEqual((await store.users.user(a.userId))!.role_ids);
    expect((await store.roles.userRoles(b.userId))![0]!.model_set.models).toEqual(['finance', 'shop']);
  });

  it('unknown model, explore of an ungranted model, unknown group, unknown or system attribute, bad attribute value', async () => {
    expect(await refusal((await ssoLogin({ models: ['shop', 'nope'] })).login()))
      .toEqual({ code: 'unknown_model', message: `'models' param names a model that does not exist in production: "nope".` });
    expect(await refusal((await ssoLogin({ target_url: '/embed/explore/finance/ledger' })).login()))
      .toMatchObject({ code: 'bad_target', message: 'The embed target uses model "finance", which neither the \'models\' param nor the roles of the URL\'s groups grant.' });
    expect(await refusal((await ssoLogin({ group_ids: ['7'] })).login())).toMatchObject({ code: 'unknown_group' });
    expect(await refusal((await ssoLogin({ user_attributes: { nope: 'x' } })).login())).toMatchObject({ code: 'bad_user_attribute' });
    expect(await refusal((await ssoLogin({ user_attributes: { email: 'x@y' } })).login())).toMatchObject({ code: 'bad_user_attribute' });
    expect(await refusal((await ssoLogin({ user_attributes: { max_amount: 'lots' } })).login()))
      .toEqual({ code: 'bad_user_attribute', message: `'user_attributes' value of "max_amount" is not valid: Value must be a number for a number attribute.` });
  });

  it('a refused login leaves no trace: the nonce of an unknown-model URL was not spent, no user was made', async () => {
    const before = await store.users.countUsers();
    await refusal((await ssoLogin({ external_user_id: 'ghost', models: ['nope'] })).login());
    expect(await store.users.countUsers()).toBe(before);
    expect(await store.users.userByEmbedExternalId('ghost')).toBeNull();
  });

  it('stale time by the server clock', async () => {
    const { login } = await ssoLogin();
    clock.advance(301);
    expect(await refusal(login())).toMatchObject({ code: 'stale_time' });
  });

  it('a nonce stays spent for an hour; URLs with it but a fresh time are refused', async () => {
    const secret = (await embed.repo.usableSecrets())[0]!;
    const make = (): URL => new URL(createSignedEmbedUrl({ ...ADDRESS, target: '/embed/looks/1', user: USER, secret: secret.secret, algorithm: secret.algorithm, nonce: 'fixed-nonce', time: embed.nowSeconds() }));
    const first = make();
    await embed.signedLogin({ hosts: [HOST], embedPath: first.pathname, search: first.search });
    clock.advance(1800);
    const again = make();
    expect(await refusal(embed.signedLogin({ hosts: [HOST], embedPath: again.pathname, search: again.search }))).toMatchObject({ code: 'replayed_nonce' });
  });

  it('nonces: single use until they expire; the sweep removes dead rows', async () => {
    expect(await embed.repo.useNonce('"sweep-me"', 60)).toBe(true);
    expect(await embed.repo.useNonce('"sweep-me"', 60)).toBe(false);
    clock.advance(61);
    expect(await embed.repo.useNonce('"sweep-me"', 60)).toBe(true);
    clock.advance(61);
    await embed.repo.deleteDead();
    const db = store.db.withTables<EmbedTables>();
    expect(await db.selectFrom('embed_nonces').select('nonce_hash').where('nonce_hash', '=', hashToken('"sweep-me"')).execute()).toEqual([]);
    expect(await db.selectFrom('embed_nonces').select('expires_at').where('expires_at', '<=', clock.now().toISOString()).execute()).toEqual([]);
  });

  it('a disabled embed user cannot log in', async () => {
    const { userId } = await (await ssoLogin({ external_user_id: 'ext-disabled' })).login();
    await store.users.updateUser(userId, { is_disabled: true });
    expect(await refusal((await ssoLogin({ external_user_id: 'ext-disabled' })).login())).toMatchObject({ code: 'user_disabled' });
  });

  it('create_sso_embed_url input checks and the domain allowlist', async () => {
    expect(await refusal(embed.createSsoUrl({ target_url: '/embed/looks/1', permissions: [], models: [] }, ADDRESS, adminId))).toMatchObject({ code: 'missing_param' });
    expect(await refusal(embed.createSsoUrl({ target_url: '/embed/looks/1', external_user_id: 'x' }, ADDRESS, adminId)))
      .toEqual({ code: 'missing_param', message: 'Provide group_ids, or both models and permissions.' });
    expect(await refusal(embed.createSsoUrl({ ...USER, target_url: '/embed/looks/1', session_length: 0 }, ADDRESS, adminId))).toMatchObject({ code: 'bad_session_length' });
    expect(await refusal(embed.createSsoUrl({ ...USER, target_url: '/admin' }, ADDRESS, adminId))).toMatchObject({ code: 'bad_target' });
    expect(await refusal(embed.createSsoUrl({ ...USER, target_url: '/embed/looks/1', secret_id: '999' }, ADDRESS, adminId))).toMatchObject({ code: 'not_found' });
    expect(await embed.domainAllowed('https://app.example')).toBe(false);
    await embed.createSsoUrl({ ...USER, target_url: '/embed/looks/1', embed_domain: 'HTTPS://App.Example/' }, ADDRESS, adminId);
    expect(await embed.domainAllowed('https://app.example')).toBe(true);
    expect(await embed.domainAllowed('https://app.example:444')).toBe(false);
    expect(await refusal(embed.createSsoUrl({ ...USER, target_url: '/embed/looks/1', embed_domain: 'javascript:alert(1)' }, ADDRESS, adminId))).toMatchObject({ code: 'invalid_params' });
  });

  it('as-me URLs: one use, five minutes, the caller themself', async () => {
    const url = new URL(await embed.createUrlAsMe(adminId, { target_url: 'https://bi.example/dashboards/1', session_length: 600 }, ADDRESS));
    expect(url.pathname).toBe('/login/embed/%2Fembed%2Fdashboards%2F1');
    const token = url.searchParams.get(LOGIN_TOKEN_PARAM)!;
    expect(await embed.tokenLogin(token, url.pathname)).toMatchObject({ userId: adminId, sessionLength: 600, target: { url: '/embed/dashboards/1' } });
    expect(await refusal(embed.tokenLogin(token, url.pathname))).toMatchObject({ code: 'bad_token' });
    const late = new URL(await embed.createUrlAsMe(adminId, { target_url: '/embed/looks/1' }, ADDRESS));
    clock.advance(301);
    expect(await refusal(embed.tokenLogin(late.searchParams.get(LOGIN_TOKEN_PARAM)!, late.pathname))).toMatchObject({ code: 'bad_token' });
  });
});
