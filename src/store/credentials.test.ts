import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store, User } from './index.ts';
import { hashToken } from './secrets.ts';
import { DIALECTS, createTestDatabase, storeError, testClock } from './test-support.ts';
import type { TestDatabase } from './test-support.ts';

describe.each(DIALECTS)('credentials on %s', (dialect) => {
  let database: TestDatabase;
  let store: Store;
  let user: User;
  const clock = testClock('2024-05-01T08:00:00.000Z');
  beforeAll(async () => {
    database = await createTestDatabase(dialect, 'credentials');
    store = await database.open(clock.now);
    user = await store.users.createUser({ first_name: 'Cred', email: 'cred@example.com', password: 'hunter2-but-longer' });
  });
  afterAll(async () => {
    await store.close();
    await database.cleanup();
  });

  describe('email and password', () => {
    it('stores only a scrypt hash of the password', async () => {
      const rows = await sql<{ password_hash: string }>`select password_hash from credentials_email where email = ${'cred@example.com'}`
        .execute(store.db);
      expect(rows.rows).toHaveLength(1);
      expect(rows.rows[0]?.password_hash).toMatch(/^\$scrypt\$ln=15,r=8,p=3\$/);
      expect(rows.rows[0]?.password_hash).not.toContain('hunter2');
      expect((await store.credentials.emailCredentials(user.id))?.has_password).toBe(true);
    });

    it('logs in with any case of the email and the right password, recording logged_in_at', async () => {
      clock.advance(60);
      expect(await store.credentials.verifyEmailLogin('CRED@example.com', 'hunter2-but-longer'))
        .toEqual({ user_id: user.id, credential_id: null });
      expect((await store.credentials.emailCredentials(user.id))?.logged_in_at).toBe('2024-05-01T08:01:00.000Z');
    });

    it('refuses a wrong password, an unknown email, and a disabled user', async () => {
      expect(await store.credentials.verifyEmailLogin('cred@example.com', 'hunter3-but-longer')).toBeNull();
      expect(await store.credentials.verifyEmailLogin('nobody@example.com', 'hunter2-but-longer')).toBeNull();
      await store.users.updateUser(user.id, { is_disabled: true });
      expect(await store.credentials.verifyEmailLogin('cred@example.com', 'hunter2-but-longer')).toBeNull();
      await store.users.updateUser(user.id, { is_disabled: false });
    });

    it('changes email and password, keeping emails unique', async () => {
      const other = await store.users.createUser({ first_name: 'Other', email: 'other@example.com' });
      expect(await store.credentials.verifyEmailLogin('other@example.com', 'anything')).toBeNull();
      const changed = await store.credentials.setEmailCredentials(other.id, { email: 'Renamed@Example.com', password: 'new-password-1' });
      expect(changed).toMatchObject({ user_id: other.id, email: 'Renamed@Example.com', has_password: true });
      expect(await store.credentials.verifyEmailLogin('renamed@example.com', 'new-password-1'))
        .toEqual({ user_id: other.id, credential_id: null });
      expect(await store.credentials.setPassword(other.id, 'newer-password-2')).toBe(true);
      expect(await store.credentials.verifyEmailLogin('renamed@example.com', 'new-password-1')).toBeNull();
      const conflict = await storeError(store.credentials.setEmailCredentials(other.id, { email: 'CRED@example.com' }));
      expect([conflict.code, conflict.field]).toEqual(['conflict', 'email']);
      expect((await store.users.user(other.id))?.email).toBe('Renamed@Example.com');
      const missing = await storeError(store.credentials.setEmailCredentials('999999', { email: 'x@example.com' }));
      expect(missing.code).toBe('not_found');
      expect(await store.credentials.deleteEmailCredentials(other.id)).toBe(true);
      expect(await store.credentials.emailCredentials(other.id)).toBeNull();
      expect(await store.credentials.setPassword(other.id, 'whatever')).toBe(false);
    });
  });

  describe('API3', () => {
    it('returns the secret once and stores only its hash', async () => {
      clock.advance(60);
      const created = await store.credentials.createApi3(user.id, { purpose: 'CI' });
      expect(created).toEqual({
        id: created.id, user_id: user.id, client_id: created.client_id, client_secret: created.client_secret,
        purpose: 'CI', is_disabled: false, created_at: '2024-05-01T08:02:00.000Z', logged_in_at: null,
      });
      expect(created.client_id).toMatch(/^[A-Za-z0-9]{20}$/);
      expect(created.client_secret).toMatch(/^[A-Za-z0-9]{24}$/);

      const listed = await store.credentials.allApi3(user.id);
      expect(listed).toEqual([{
        id: created.id, user_id: user.id, client_id: created.client_id, purpose: 'CI', is_disabled: false,
        created_at: '2024-05-01T08:02:00.000Z', logged_in_at: null,
      }]);
      expect(JSON.stringify(listed)).not.toContain(created.client_secret);
      expect(await store.credentials.api3(user.id, created.id)).toEqual(listed[0]);
      expect((await store.users.user(user.id))?.credentials_api3).toEqual(listed);

      const rows = await sql<{ client_secret_hash: string }>`select client_secret_hash from credentials_api3 where client_id = ${created.client_id}`
        .execute(store.db);
      expect(rows.rows).toEqual([{ client_secret_hash: `sha256$${hashToken(created.client_secret)}` }]);
    });

    it('verifies client id and secret; wrong secret, unknown id and disabled users fail', async () => {
      const created = await store.credentials.createApi3(user.id);
      clock.advance(5);
      expect(await store.credentials.verifyApi3(created.client_id, created.client_secret))
        .toEqual({ user_id: user.id, credential_id: created.id });
      expect((await store.credentials.api3(user.id, created.id))?.logged_in_at).toBe(clock.now().toISOString());
      expect(await store.credentials.verifyApi3(created.client_id, `${created.client_secret}x`)).toBeNull();
      expect(await store.credentials.verifyApi3(created.client_id, '')).toBeNull();
      expect(await store.credentials.verifyApi3('unknown-client-id', created.client_secret)).toBeNull();
      await store.users.updateUser(user.id, { is_disabled: true });
      expect(await store.credentials.verifyApi3(created.client_id, created.client_secret)).toBeNull();
      await store.users.updateUser(user.id, { is_disabled: false });
    });

    it('accepts a given client id/secret (bootstrap) and refuses a taken or malformed one', async () => {
      const given = await store.credentials.createApi3(user.id, { clientId: 'bootstrap_admin', clientSecret: 'a-long-enough-secret' });
      expect([given.client_id, given.client_secret]).toEqual(['bootstrap_admin', 'a-long-enough-secret']);
      expect(await store.credentials.verifyApi3('bootstrap_admin', 'a-long-enough-secret'))
        .toEqual({ user_id: user.id, credential_id: given.id });
      const taken = await storeError(store.credentials.createApi3(user.id, { clientId: 'bootstrap_admin' }));
      expect([taken.code, taken.field]).toEqual(['conflict', 'client_id']);
      const badId = await storeError(store.credentials.createApi3(user.id, { clientId: 'has space' }));
      expect([badId.code, badId.field]).toEqual(['invalid', 'client_id']);
      const shortSecret = await storeError(store.credentials.createApi3(user.id, { clientSecret: 'short' }));
      expect([shortSecret.code, shortSecret.field]).toEqual(['invalid', 'client_secret']);
      const noUser = await storeError(store.credentials.createApi3('999999'));
      expect(noUser.code).toBe('not_found');
    });

    it('deletes a credential (only for its own user) and ends the tokens it issued', async () => {
      const other = await store.users.createUser({ first_name: 'Someone' });
      const created = await store.credentials.createApi3(user.id);
      const token = await store.tokens.issueToken({ userId: user.id, credentialId: created.id });
      expect(await store.credentials.deleteApi3(other.id, created.id)).toBe(false);
      expect(await store.tokens.findToken(token.access_token)).not.toBeNull();
      expect(await store.credentials.deleteApi3(user.id, created.id)).toBe(true);
      expect(await store.tokens.findToken(token.access_token)).toBeNull();
      expect(await store.credentials.api3(user.id, created.id)).toBeNull();
      expect(await store.credentials.verifyApi3(created.client_id, created.client_secret)).toBeNull();
      expect(await store.credentials.deleteApi3(user.id, created.id)).toBe(false);
      expect(await store.credentials.deleteApi3(user.id, 'abc')).toBe(false);
    });
  });
});
