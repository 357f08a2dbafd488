import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store, User } from './index.ts';
import { hashToken } from './secrets.ts';
import { DIALECTS, createTestDatabase, storeError, testClock } from './test-support.ts';
import type { TestDatabase } from './test-support.ts';

describe.each(DIALECTS)('tokens and sessions on %s', (dialect) => {
  let database: TestDatabase;
  let store: Store;
  let admin: User;
  let developer: User;
  const clock = testClock('2024-06-01T10:00:00.000Z');
  beforeAll(async () => {
    database = await createTestDatabase(dialect, 'tokens');
    store = await database.open(clock.now);
    admin = await store.users.createUser({ first_name: 'Root', role_ids: ['2'] });
    developer = await store.users.createUser({ first_name: 'Dev', role_ids: ['3'], ui_dev_mode: true });
  });
  afterAll(async () => {
    await store.close();
    await database.cleanup();
  });

  it('issues a random token once and stores only its SHA-256', async () => {
    const issued = await store.tokens.issueToken({ userId: developer.id });
    expect(issued).toEqual({
      access_token: issued.access_token, token_hash: hashToken(issued.access_token), expires_in: 3600,
      expires_at: '2024-06-01T11:00:00.000Z',
    });
    expect(issued.access_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = await sql<Record<string, unknown>>`select * from access_tokens where token_hash = ${issued.token_hash}`
      .execute(store.db);
    expect(rows.rows).toHaveLength(1);
    expect(JSON.stringify(rows.rows)).not.toContain(issued.access_token);
  });

  it('finds a live token with its production session; forged tokens find nothing', async () => {
    const issued = await store.tokens.issueToken({ userId: developer.id });
    expect(await store.tokens.findToken(issued.access_token)).toEqual({
      token_hash: issued.token_hash, user_id: developer.id, sudo_user_id: null, api3_credential_id: null,
      created_at: '2024-06-01T10:00:00.000Z', expires_at: '2024-06-01T11:00:00.000Z', workspace_id: 'production',
      session_updated_at: '2024-06-01T10:00:00.000Z',
    });
    expect(await store.tokens.findTokenByHash(issued.token_hash)).not.toBeNull();
    for (const forged of [`${issued.access_token}x`, issued.token_hash, '', "' OR 1=1 --"]) {
      expect(await store.tokens.findToken(forged)).toBeNull();
    }
  });

  it('expires tokens at expires_at', async () => {
    const issued = await store.tokens.issueToken({ userId: developer.id, ttlSeconds: 60 });
    clock.advance(59);
    expect(await store.tokens.findToken(issued.access_token)).not.toBeNull();
    expect(await store.tokens.getSession(issued.token_hash)).not.toBeNull();
    clock.advance(1);
    expect(await store.tokens.findToken(issued.access_token)).toBeNull();
    expect(await store.tokens.getSession(issued.token_hash)).toBeNull();
    expect(await store.tokens.setWorkspace(issued.token_hash, 'dev')).toBeNull();
    expect(await store.tokens.revokeToken(issued.access_token)).toBe(false);
  });

  it('revokes one token and leaves the user\'s others alone', async () => {
    const first = await store.tokens.issueToken({ userId: developer.id });
    const second = await store.tokens.issueToken({ userId: developer.id });
    expect(await store.tokens.revokeToken(first.access_token)).toBe(true);
    expect(await store.tokens.findToken(first.access_token)).toBeNull();
    expect(await store.tokens.getSession(first.token_hash)).toBeNull();
    expect(await store.tokens.findToken(second.access_token)).not.toBeNull();
    expect(await store.tokens.revokeToken(first.access_token)).toBe(false);
    expect(await store.tokens.revokeToken('never-issued')).toBe(false);
  });

  it('starts every session in production and switches each token independently', async () => {
    const one = await store.tokens.issueToken({ userId: developer.id });
    const two = await store.tokens.issueToken({ userId: developer.id });
    clock.advance(1);
    expect(await store.tokens.setWorkspace(one.token_hash, 'dev')).toEqual({
      token_hash: one.token_hash, user_id: developer.id, sudo_user_id: null, workspace_id: 'dev',
      updated_at: clock.now().toISOString(), expires_at: one.expires_at,
    });
    expect((await store.tokens.getSession(two.token_hash))?.workspace_id).toBe('production');
    // A token issued while another is in dev (and the UI preference is dev) still starts in production.
    const three = await store.tokens.issueToken({ userId: developer.id });
    expect((await store.tokens.findToken(three.access_token))?.workspace_id).toBe('production');
    expect((await store.tokens.findToken(one.access_token))?.workspace_id).toBe('dev');
    expect((await store.tokens.setWorkspace(one.token_hash, 'production'))?.workspace_id).toBe('production');
    expect((await store.users.user(developer.id))?.ui_dev_mode).toBe(true);
  });

  it('switches tokens requested together, each to its own workspace and only while live', async () => {
    const one = await store.tokens.issueToken({ userId: developer.id });
    const two = await store.tokens.issueToken({ userId: developer.id });
    const revoked = await store.tokens.issueToken({ userId: developer.id });
    await store.tokens.revokeToken(revoked.access_token);
    clock.advance(1);
    // Issued in one tick: on SQLite they share one commit (group commit).
    const switched = await Promise.all([
      store.tokens.switchWorkspace(one.token_hash, 'dev'),
      store.tokens.switchWorkspace(revoked.token_hash, 'dev'),
      store.tokens.switchWorkspace(two.token_hash, 'dev'),
      store.tokens.switchWorkspace(hashToken('unknown'), 'dev'),
    ]);
    expect(switched).toEqual([true, false, true, false]);
    for (const t of [one, two]) {
      expect(await store.tokens.getSession(t.token_hash)).toEqual({
        token_hash: t.token_hash, user_id: developer.id, sudo_user_id: null, workspace_id: 'dev',
        updated_at: clock.now().toISOString(), expires_at: t.expires_at,
      });
    }
    const rows = await sql<{ workspace_id: string }>`select workspace_id from sessions where token_hash = ${revoked.token_hash}`.execute(store.db);
    expect(rows.rows).toEqual([{ workspace_id: 'production' }]);
  });

  it('leaves a token switched twice at once in the workspace of the later request', async () => {
    const issued = await store.tokens.issueToken({ userId: developer.id });
    const other = await store.tokens.issueToken({ userId: developer.id });
    // PostgreSQL runs concurrent statements on separate connections in no set order; SQLite's
    // group commit keeps arrival order, which is what this pins down.
    const results = dialect === 'sqlite'
      ? await Promise.all([
        store.tokens.switchWorkspace(issued.token_hash, 'dev'),
        store.tokens.switchWorkspace(other.token_hash, 'dev'),
        store.tokens.switchWorkspace(issued.token_hash, 'production'),
        store.tokens.switchWorkspace(issued.token_hash, 'dev'),
        store.tokens.switchWorkspace(other.token_hash, 'production'),
      ])
      : [
        await store.tokens.switchWorkspace(issued.token_hash, 'dev'),
        await store.tokens.switchWorkspace(other.token_hash, 'dev'),
        await store.tokens.switchWorkspace(issued.token_hash, 'production'),
        await store.tokens.switchWorkspace(issued.token_hash, 'dev'),
        await store.tokens.switchWorkspace(other.token_hash, 'production'),
      ];
    expect(results).toEqual([true, true, true, true, true]);
    expect((await store.tokens.getSession(issued.token_hash))?.workspace_id).toBe('dev');
    expect((await store.tokens.getSession(other.token_hash))?.workspace_id).toBe('production');
  });

  it('refuses any workspace but production/dev, leaving the session unchanged', async () => {
    const issued = await store.tokens.issueToken({ userId: developer.id });
    await store.tokens.setWorkspace(issued.token_hash, 'dev');
    for (const bad of ['Dev', 'staging', '', ' dev', "dev'; --"]) {
      const error = await storeError(store.tokens.setWorkspace(issued.token_hash, bad));
      expect([error.code, error.field, error.message]).toEqual(['invalid', 'workspace_id', 'workspace_id must be "production" or "dev"']);
    }
    expect((await store.tokens.getSession(issued.token_hash))?.workspace_id).toBe('dev');
    expect(await store.tokens.setWorkspace(hashToken('unknown'), 'dev')).toBeNull();
  });

  it('issues sudo tokens acting as the target, recording the admin, starting in production', async () => {
    const own = await store.tokens.issueToken({ userId: developer.id });
    await store.tokens.setWorkspace(own.token_hash, 'dev');
    const sudo = await store.tokens.issueToken({ userId: developer.id, sudoByUserId: admin.id });
    expect(await store.tokens.findToken(sudo.access_token)).toMatchObject({
      user_id: developer.id, sudo_user_id: admin.id, workspace_id: 'production',
    });
    expect(await store.tokens.getSession(sudo.token_hash)).toMatchObject({ user_id: developer.id, sudo_user_id: admin.id });
  });

  it('records the API3 credential behind a token and checks it belongs to the user', async () => {
    const credential = await store.credentials.createApi3(developer.id);
    const issued = await store.tokens.issueToken({ userId: developer.id, credentialId: credential.id });
    expect((await store.tokens.findToken(issued.access_token))?.api3_credential_id).toBe(credential.id);
    const foreign = await storeError(store.tokens.issueToken({ userId: admin.id, credentialId: credential.id }));
    expect([foreign.code, foreign.field]).toEqual(['not_found', 'credentialId']);
  });

  it('refuses unknown users, sudoers and bad lifetimes without writing anything', async () => {
    const count = async () => Number((await sql<{ n: number | string }>`select count(*) as n from access_tokens`.execute(store.db)).rows[0]?.n);
    const before = await count();
    const cases: [Parameters<Store['tokens']['issueToken']>[0], string][] = [
      [{ userId: '999999' }, 'userId'], [{ userId: 'abc' }, 'userId'],
      [{ userId: developer.id, sudoByUserId: '999999' }, 'sudoByUserId'],
      [{ userId: developer.id, ttlSeconds: 0 }, 'ttlSeconds'], [{ userId: developer.id, ttlSeconds: 1.5 }, 'ttlSeconds'],
    ];
    for (const [input, field] of cases) {
      expect((await storeError(store.tokens.issueToken(input))).field).toBe(field);
    }
    expect(await count()).toBe(before);
  });

  it('stops honouring the tokens of a disabled user, and revokes all of a user\'s tokens on demand', async () => {
    const user = await store.users.createUser({ first_name: 'Temp' });
    const a = await store.tokens.issueToken({ userId: user.id });
    const b = await store.tokens.issueToken({ userId: user.id });
    await store.users.updateUser(user.id, { is_disabled: true });
    expect(await store.tokens.findToken(a.access_token)).toBeNull();
    await store.users.updateUser(user.id, { is_disabled: false });
    expect(await store.tokens.findToken(a.access_token)).not.toBeNull();
    expect(await store.tokens.revokeUserTokens(user.id)).toBe(2);
    expect(await store.tokens.findToken(b.access_token)).toBeNull();
  });

  it('deletes dead tokens with their sessions', async () => {
    const live = await store.tokens.issueToken({ userId: admin.id });
    const deleted = await store.tokens.deleteDeadTokens();
    expect(deleted).toBeGreaterThan(0);
    const remaining = await sql<{ n: number | string }>`select count(*) as n from access_tokens
      where revoked_at is not null or expires_at <= ${clock.now().toISOString()}`.execute(store.db);
    expect(Number(remaining.rows[0]?.n)).toBe(0);
    const orphans = await sql<{ n: number | string }>`select count(*) as n from sessions
      where token_hash not in (select token_hash from access_tokens)`.execute(store.db);
    expect(Number(orphans.rows[0]?.n)).toBe(0);
    expect(await store.tokens.findToken(live.access_token)).not.toBeNull();
  });

  it('keeps tokens and their workspaces across close and reopen, until they expire', async () => {
    const issued = await store.tokens.issueToken({ userId: developer.id });
    await store.tokens.setWorkspace(issued.token_hash, 'dev');
    await store.close();
    store = await database.open(clock.now);
    expect(await store.tokens.findToken(issued.access_token)).toMatchObject({ user_id: developer.id, workspace_id: 'dev' });
    clock.advance(3600);
    expect(await store.tokens.findToken(issued.access_token)).toBeNull();
  });
});
