import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../store/index.ts';
import { createTestDatabase, testClock, type TestDatabase } from '../store/test-support.ts';
import { browserAuthenticator, type BrowserCredentials } from './browser-session.ts';
import { ApiError } from './errors.ts';

describe('browser session authentication (real SQLite store)', () => {
  let db: TestDatabase;
  let store: Store;
  let userId = '';
  const clock = testClock();
  const permissions = (): Promise<{ permissions: ReadonlySet<string> }> => Promise.resolve({ permissions: new Set(['develop', 'access_data']) });

  beforeAll(async () => {
    db = await createTestDatabase('sqlite', 'browser_auth');
    store = await db.open(clock.now);
    userId = (await store.users.createUser({ first_name: 'Ada', role_ids: ['3'] })).id;
  });
  afterAll(async () => {
    await store.close();
    await db.cleanup();
  });

  const read = (raw: string, extra: Partial<BrowserCredentials> = {}): BrowserCredentials => ({ raw, csrf: undefined, stateChanging: false, userAgent: 'UA/1', ...extra });

  it('pins render and embed sessions to production whatever the UI dev mode, and ui sessions follow it', async () => {
    const auth = browserAuthenticator(store, permissions, 0);
    await store.users.updateUser(userId, { ui_dev_mode: true });
    const ui = await store.browserSessions.create({ userId, kind: 'ui' });
    const render = await store.browserSessions.create({ userId, kind: 'render' });
    const embed = await store.browserSessions.create({ userId, kind: 'embed' });
    expect(await auth.authenticate(read(ui.raw))).toMatchObject({ userId, via: 'ui', workspaceId: 'dev', tokenHash: ui.session_hash });
    expect(await auth.authenticate(read(render.raw))).toMatchObject({ via: 'render', workspaceId: 'production' });
    expect(await auth.authenticate(read(embed.raw))).toMatchObject({ via: 'embed', workspaceId: 'production' });
    await store.users.updateUser(userId, { ui_dev_mode: false });
    expect(await auth.authenticate(read(ui.raw))).toMatchObject({ workspaceId: 'production' });
  });

  it('checks the CSRF token on writes and the bound User-Agent on every call', async () => {
    const auth = browserAuthenticator(store, permissions, 60_000);
    const s = await store.browserSessions.create({ userId, kind: 'embed', userAgent: 'UA/1' });
    await expect(auth.authenticate(read(s.raw, { stateChanging: true }))).rejects.toBeInstanceOf(ApiError);
    await expect(auth.authenticate(read(s.raw, { stateChanging: true, csrf: 'wrong' }))).rejects.toBeInstanceOf(ApiError);
    expect(await auth.authenticate(read(s.raw, { stateChanging: true, csrf: s.csrf }))).toMatchObject({ via: 'embed' });
    await expect(auth.authenticate(read(s.raw, { userAgent: 'Other/2' }))).rejects.toMatchObject({ statusCode: 403 });
  });

  it('forgets revoked, expired and unknown sessions, and sessions of disabled users', async () => {
    const auth = browserAuthenticator(store, permissions, 0);
    expect(await auth.authenticate(read('not-a-session'))).toBeNull();
    const s = await store.browserSessions.create({ userId, kind: 'ui' });
    expect(await store.browserSessions.revoke(s.session_hash)).toBe(true);
    expect(await auth.authenticate(read(s.raw))).toBeNull();
    const other = (await store.users.createUser({ first_name: 'Gone' })).id;
    const t = await store.browserSessions.create({ userId: other, kind: 'ui' });
    await store.users.updateUser(other, { is_disabled: true });
    expect(await auth.authenticate(read(t.raw))).toBeNull();
    await expect(store.browserSessions.create({ userId: other, kind: 'ui' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(store.browserSessions.create({ userId, kind: 'ui', ttlSeconds: 0 })).rejects.toMatchObject({ code: 'invalid' });
    const short = await store.browserSessions.create({ userId, kind: 'render', ttlSeconds: 60 });
    expect(await auth.authenticate(read(short.raw))).not.toBeNull();
    clock.advance(61);
    expect(await auth.authenticate(read(short.raw))).toBeNull();
    // The revoked one and the expired ones go; the disabled user's live session stays until it expires.
    const dead = await store.browserSessions.deleteDead();
    expect(dead).toBeGreaterThanOrEqual(2);
    expect(await store.db.selectFrom('browser_sessions').select('session_hash').where('session_hash', '=', short.session_hash).executeTakeFirst()).toBeUndefined();
  });
});
