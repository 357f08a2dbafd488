import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../store/index.ts';
import { hashToken } from '../store/index.ts';
import { DIALECTS, createTestDatabase, testClock, type TestDatabase } from '../store/test-support.ts';
import { CookielessSessions, type AcquireRequest } from './cookieless.ts';
import { EmbedError } from './errors.ts';
import { EmbedService } from './service.ts';

const UA = 'Mozilla/5.0 (X11; Linux x86_64) TestBrowser/1.0';
const OTHER_UA = 'Mozilla/5.0 OtherBrowser/2.0';
const USER: AcquireRequest = { external_user_id: 'cl-1', session_length: 900, permissions: ['access_data', 'see_user_dashboards', 'develop'], models: ['shop'] };

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof EmbedError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected an EmbedError');
}

/** The first iframe URL exactly as the embed SDK builds it (path part). */
function sdkLoginPath(navigationToken: string, target = '/embed/dashboards/1?embed_domain=https://app.example&sdk=3'): string {
  return `/login/embed/${encodeURIComponent(`${target}&embed_navigation_token=${navigationToken}`)}`;
}

describe.each(DIALECTS)('cookieless embed sessions on %s', (dialect) => {
  let db: TestDatabase;
  let store: Store;
  let sessions: CookielessSessions;
  const clock = testClock('2025-02-01T00:00:00.000Z');

  beforeAll(async () => {
    db = await createTestDatabase(dialect, 'embed_cookieless');
    store = await db.open(clock.now);
    await store.attributes.createUserAttribute({ name: 'max_amount', label: 'Max amount', type: 'number' });
    sessions = new CookielessSessions(new EmbedService({ store, env: { OVERLOOK_SECRET_KEY: 'k' }, productionModels: () => Promise.resolve(new Set(['shop'])) }));
  });
  afterAll(async () => {
    await store.close();
    await db.cleanup();
  });

  it('acquire: four tokens with the documented lifetimes; the API token is an access token of the embed user', async () => {
    const got = await sessions.acquire(USER, UA);
    expect(got).toMatchObject({ authentication_token_ttl: 30, navigation_token_ttl: 600, api_token_ttl: 600, session_reference_token_ttl: 900 });
    const tokens = [got.authentication_token, got.navigation_token, got.api_token, got.session_reference_token];
    expect(new Set(tokens).size).toBe(4);
    for (const t of tokens) expect(t).toMatch(/^[\w-]{43}$/);
    const user = (await store.users.userByEmbedExternalId('cl-1'))!;
    const token = await store.tokens.findToken(got.api_token!);
    expect(token).toMatchObject({ user_id: user.id, workspace_id: 'production' });
    expect([...await store.roles.userPermissions(user.id)].sort()).toEqual(['access_data', 'see_user_dashboards']);
  });

  it('login with the authentication token: once, same browser, with a navigation token of the session', async () => {
    const got = await sessions.acquire(USER, UA);
    const path = sdkLoginPath(got.navigation_token!);
    expect(await refusal(sessions.login(got.authentication_token, path, OTHER_UA))).toMatchObject({ code: 'wrong_browser' });
    // The refused attempt spent the one-time token: a stolen token is not reusable from any browser.
    expect(await refusal(sessions.login(got.authentication_token, path, UA))).toMatchObject({ code: 'bad_token' });
    const again = await sessions.acquire({ ...USER, session_reference_token: got.session_reference_token }, UA);
    const login = await sessions.login(again.authentication_token, sdkLoginPath(again.navigation_token!), UA);
    expect(login).toMatchObject({ target: { url: `/embed/dashboards/1?embed_domain=https://app.example&sdk=3&embed_navigation_token=${again.navigation_token}` }, forceLogoutLogin: true });
    expect(login.sessionLength).toBeLessThanOrEqual(900);
    expect(await refusal(sessions.login(again.authentication_token, sdkLoginPath(again.navigation_token!), UA))).toMatchObject({ code: 'bad_token' });
  });

  it('login refuses a missing or foreign navigation token and an ungranted model', async () => {
    const a = await sessions.acquire(USER, UA);
    const b = await sessions.acquire({ ...USER, external_user_id: 'cl-2' }, UA);
    expect(await refusal(sessions.login(a.authentication_token, sdkLoginPath(b.navigation_token!), UA)))
      .toEqual({ code: 'bad_token', message: 'The embed target needs a live embed_navigation_token of this session.' });
    const c = await sessions.acquire(USER, UA);
    expect(await refusal(sessions.login(c.authentication_token, `/login/embed/${encodeURIComponent('/embed/looks/1')}`, UA))).toMatchObject({ code: 'bad_token' });
    const d = await sessions.acquire(USER, UA);
    expect(await refusal(sessions.login(d.authentication_token, sdkLoginPath(d.navigation_token!, '/embed/explore/finance/ledger?sdk=3'), UA))).toMatchObject({ code: 'bad_target' });
  });

  it('the authentication token lasts 30 seconds', async () => {
    const got = await sessions.acquire(USER, UA);
    clock.advance(31);
    expect(await refusal(sessions.login(got.authentication_token, sdkLoginPath(got.navigation_token!), UA))).toMatchObject({ code: 'bad_token' });
  });

  it('acquire with a live reference token: same session, not extended; another user or browser is a 404', async () => {
    const first = await sessions.acquire(USER, UA);
    clock.advance(100);
    const second = await sessions.acquire({ ...USER, session_reference_token: first.session_reference_token, session_length: 5000 }, UA);
    expect(second.session_reference_token).toBe(first.session_reference_token);
    expect(second.session_reference_token_ttl).toBe(800);
    expect(second.authentication_token).not.toBe(first.authentication_token);
    expect(await refusal(sessions.acquire({ ...USER, external_user_id: 'cl-9', session_reference_token: first.session_reference_token }, UA))).toMatchObject({ code: 'not_found' });
    expect(await refusal(sessions.acquire({ ...USER, session_reference_token: first.session_reference_token }, OTHER_UA))).toMatchObject({ code: 'not_found' });
  });

  it('acquire takes user attributes as the API body has them (numbers, lists, null)', async () => {
    await sessions.acquire({ ...USER, external_user_id: 'cl-attr', user_attributes: { max_amount: 5 } }, UA);
    const user = (await store.users.userByEmbedExternalId('cl-attr'))!;
    expect(await store.attributes.attributeValuesForUser(user.id)).toMatchObject({ max_amount: '5' });
    await sessions.acquire({ ...USER, external_user_id: 'cl-attr', user_attributes: null }, UA);
    expect(await store.attributes.attributeValuesForUser(user.id)).not.toHaveProperty('max_amount');
    expect(await refusal(sessions.acquire({ ...USER, external_user_id: 'cl-attr', user_attributes: { max_amount: { a: 1 } } }, UA)))
      .toEqual({ code: 'invalid_params', message: `'user_attributes' value of "max_amount" must be a string, number or boolean.` });
  });

  it('acquire needs a User-Agent and checks the grant', async () => {
    expect(await refusal(sessions.acquire(USER, undefined))).toMatchObject({ code: 'invalid_params' });
    expect(await refusal(sessions.acquire({ ...USER, models: ['nope'] }, UA))).toMatchObject({ code: 'unknown_model' });
    expect(await refusal(sessions.acquire({ ...USER, session_length: 2_592_001 }, UA))).toMatchObject({ code: 'bad_session_length' });
    expect(await refusal(sessions.acquire({ session_length: 60 }, UA))).toMatchObject({ code: 'missing_param' });
  });

  it('generate: new navigation and API tokens capped by the session; then ttl 0 once it ends', async () => {
    const got = await sessions.acquire({ ...USER, session_length: 700 }, UA);
    clock.advance(200);
    const fresh = await sessions.generate({ session_reference_token: got.session_reference_token, api_token: got.api_token, navigation_token: got.navigation_token }, UA);
    expect(fresh).toMatchObject({ navigation_token_ttl: 500, api_token_ttl: 500, session_reference_token: got.session_reference_token, session_reference_token_ttl: 500 });
    expect(fresh.api_token).not.toBe(got.api_token);
    expect(await refusal(sessions.generate({ session_reference_token: got.session_reference_token }, OTHER_UA))).toMatchObject({ code: 'wrong_browser' });
    const other = await sessions.acquire({ ...USER, external_user_id: 'cl-3' }, UA);
    expect(await refusal(sessions.generate({ session_reference_token: got.session_reference_token, api_token: other.api_token }, UA)))
      .toEqual({ code: 'invalid_params', message: 'Invalid input tokens provided: the api token belongs to another session.' });
    clock.advance(501);
    expect(await sessions.generate({ session_reference_token: got.session_reference_token }, UA)).toEqual({
      navigation_token: null, navigation_token_ttl: 0, api_token: null, api_token_ttl: 0, session_reference_token: got.session_reference_token, session_reference_token_ttl: 0,
    });
  });

  it('end: the session, its API tokens and browser sessions are reported for revocation; ended sessions are unknown', async () => {
    const got = await sessions.acquire(USER, UA);
    const login = await sessions.login(got.authentication_token, sdkLoginPath(got.navigation_token!), UA);
    await sessions.recordBrowserSession(login.sessionId, login.userId, 'raw-cookie-value', new Date(clock.now().getTime() + 60_000).toISOString());
    const ended = await sessions.end(got.session_reference_token);
    expect(ended).toEqual({ apiTokenHashes: [hashToken(got.api_token!)], browserSessionHashes: [hashToken('raw-cookie-value')] });
    expect(await sessions.end(got.session_reference_token)).toBeNull();
    expect((await sessions.generate({ session_reference_token: got.session_reference_token }, UA)).session_reference_token_ttl).toBe(0);
    // A new acquire with the ended reference token starts a new session.
    const next = await sessions.acquire({ ...USER, session_reference_token: got.session_reference_token }, UA);
    expect(next.session_reference_token).not.toBe(got.session_reference_token);
  });
});
