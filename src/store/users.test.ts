import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from './index.ts';
import { DIALECTS, createTestDatabase, storeError, testClock } from './test-support.ts';
import type { TestDatabase } from './test-support.ts';

async function count(store: Store, table: string): Promise<number> {
  const result = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(store.db);
  return Number(result.rows[0]?.n);
}

describe.each(DIALECTS)('users on %s', (dialect) => {
  let database: TestDatabase;
  let store: Store;
  const clock = testClock('2024-03-01T12:00:00.000Z');
  beforeAll(async () => {
    database = await createTestDatabase(dialect, 'users');
    store = await database.open(clock.now);
  });
  afterAll(async () => {
    await store.close();
    await database.cleanup();
  });

  it('creates a user with defaults and reads it back by id', async () => {
    const created = await store.users.createUser({ first_name: 'Grace', last_name: 'Hopper' });
    expect(created).toEqual({
      id: created.id, first_name: 'Grace', last_name: 'Hopper', display_name: 'Grace Hopper', email: null,
      is_disabled: false, locale: null, created_at: '2024-03-01T12:00:00.000Z', home_folder_id: null,
      personal_folder_id: null, ui_dev_mode: false, embed_external_user_id: null, embed_external_group_id: null,
      role_ids: [], credentials_email: null, credentials_api3: [],
    });
    expect(created.id).toMatch(/^[1-9][0-9]*$/);
    expect(await store.users.user(created.id)).toEqual(created);
  });

  it('creates user, email credential and roles together', async () => {
    const user = await store.users.createUser({
      first_name: 'Alan', last_name: 'Turing', email: 'Alan@Example.com', locale: 'en_GB', role_ids: ['3', '4'],
    });
    expect(user.email).toBe('Alan@Example.com');
    expect(user.role_ids).toEqual(['3', '4']);
    expect(user.credentials_email).toEqual({
      user_id: user.id, email: 'Alan@Example.com', has_password: false, forced_password_reset_at_next_login: false,
      created_at: '2024-03-01T12:00:00.000Z', logged_in_at: null,
    });
    expect((await store.users.userByEmail('  alan@EXAMPLE.com '))?.id).toBe(user.id);
  });

  it('keeps emails unique case-insensitively, and rolls back the whole create on conflict', async () => {
    await store.users.createUser({ first_name: 'Ann', email: 'ann@example.org' });
    const usersBefore = await count(store, 'users');
    const error = await storeError(store.users.createUser({ first_name: 'Other', email: 'ANN@Example.ORG', role_ids: ['2'] }));
    expect([error.code, error.field, error.message]).toEqual(['conflict', 'email', 'Another user already has this email address']);
    expect(await count(store, 'users')).toBe(usersBefore);
    expect(await count(store, 'user_roles')).toBe(2);
  });

  it('rolls back a create whose role does not exist (no user, no email credential)', async () => {
    const users = await count(store, 'users');
    const emails = await count(store, 'credentials_email');
    const error = await storeError(store.users.createUser({ email: 'ghost@example.org', role_ids: ['4', '999'] }));
    expect([error.code, error.field, error.message]).toEqual(['invalid', 'role_ids', 'Role 999 not found']);
    expect([await count(store, 'users'), await count(store, 'credentials_email')]).toEqual([users, emails]);
    expect(await store.users.userByEmail('ghost@example.org')).toBeNull();
  });

  it('rejects malformed emails and a password without an email', async () => {
    for (const email of ['', 'no-at-sign', 'two words@example.com', `${'x'.repeat(250)}@example.com`]) {
      const error = await storeError(store.users.createUser({ email }));
      expect([error.code, error.field]).toEqual(['invalid', 'email']);
    }
    const error = await storeError(store.users.createUser({ password: 'secret' }));
    expect([error.code, error.field]).toEqual(['invalid', 'password']);
  });

  it('updates fields, including the sticky UI dev-mode preference and booleans', async () => {
    const user = await store.users.createUser({ first_name: 'Ed' });
    const updated = await store.users.updateUser(user.id, {
      last_name: 'Codd', locale: 'fr', ui_dev_mode: true, is_disabled: true, home_folder_id: 'lookml',
    });
    expect(updated).toMatchObject({
      id: user.id, first_name: 'Ed', last_name: 'Codd', locale: 'fr', ui_dev_mode: true, is_disabled: true,
      home_folder_id: 'lookml', display_name: 'Ed Codd',
    });
    expect(await store.users.updateUser(user.id, { first_name: null, is_disabled: false })).toMatchObject({
      first_name: null, is_disabled: false, ui_dev_mode: true, display_name: 'Codd',
    });
    expect(await store.users.updateUser(user.id, {})).toMatchObject({ last_name: 'Codd' });
    expect(await store.users.updateUser('999999', { first_name: 'x' })).toBeNull();
  });

  it('answers null / false for ids that are missing or not integers', async () => {
    for (const id of ['999999', '0', '-1', 'abc', '1.5', '1e3', '../1', "1' OR '1'='1", '', '12345678901234567890']) {
      expect(await store.users.user(id)).toBeNull();
      expect(await store.users.updateUser(id, { first_name: 'x' })).toBeNull();
      expect(await store.users.deleteUser(id)).toBe(false);
    }
  });

  it('lists users by ids, with Looker sorts, limit and offset', async () => {
    const a = await store.users.createUser({ first_name: 'Zed', last_name: 'Alpha' });
    const b = await store.users.createUser({ first_name: 'Amy', last_name: 'Alpha' });
    const c = await store.users.createUser({ first_name: 'Bob', last_name: 'Beta' });
    const ids = [a.id, b.id, c.id];
    expect((await store.users.allUsers({ ids })).map((user) => user.id)).toEqual(ids);
    expect((await store.users.allUsers({ ids, sorts: 'last_name desc, first_name' })).map((user) => user.first_name))
      .toEqual(['Bob', 'Amy', 'Zed']);
    expect((await store.users.allUsers({ ids, sorts: 'id desc', limit: 2 })).map((user) => user.id)).toEqual([c.id, b.id]);
    expect((await store.users.allUsers({ ids, offset: 1 })).map((user) => user.id)).toEqual([b.id, c.id]);
    expect((await store.users.allUsers({ ids: ['abc', '0'] }))).toEqual([]);
    expect((await store.users.allUsers()).length).toBe(await store.users.countUsers());
  });

  it('refuses sorts on unknown fields instead of building SQL from them', async () => {
    for (const sorts of ['password_hash', 'id; drop table users', 'id sideways', 'id asc desc']) {
      const error = await storeError(store.users.allUsers({ sorts }));
      expect([error.code, error.field]).toEqual(['invalid', 'sorts']);
    }
  });

  it('keeps embed external user ids unique', async () => {
    const user = await store.users.createUser({ embed_external_user_id: 'ext-1', embed_external_group_id: 'g' });
    expect((await store.users.userByEmbedExternalId('ext-1'))?.id).toBe(user.id);
    const error = await storeError(store.users.createUser({ embed_external_user_id: 'ext-1' }));
    expect([error.code, error.field]).toEqual(['conflict', 'embed_external_user_id']);
  });

  it('deletes a user with everything that hangs off it', async () => {
    // The deleted user is an admin who also holds a sudo token acting as someone else.
    const other = await store.users.createUser({ first_name: 'Other', role_ids: ['5'] });
    const user = await store.users.createUser({ first_name: 'Gone', email: 'gone@example.org', role_ids: ['2'] });
    const api3 = await store.credentials.createApi3(user.id);
    const own = await store.tokens.issueToken({ userId: user.id, credentialId: api3.id });
    const sudo = await store.tokens.issueToken({ userId: other.id, sudoByUserId: user.id });
    const attribute = await store.attributes.createUserAttribute({ name: 'gone_attr', label: 'Gone', type: 'string' });
    await store.attributes.setUserAttributeValue(user.id, attribute.id, 'v');
    const before = {
      tokens: await count(store, 'access_tokens'), sessions: await count(store, 'sessions'),
      roles: await count(store, 'user_roles'), values: await count(store, 'user_attribute_values'),
    };

    expect(await store.users.deleteUser(user.id)).toBe(true);
    expect(await store.users.user(user.id)).toBeNull();
    expect(await store.users.userByEmail('gone@example.org')).toBeNull();
    expect(await store.credentials.allApi3(user.id)).toEqual([]);
    expect(await store.tokens.findToken(own.access_token)).toBeNull();
    expect(await store.tokens.findToken(sudo.access_token)).toBeNull();
    expect({
      tokens: await count(store, 'access_tokens'), sessions: await count(store, 'sessions'),
      roles: await count(store, 'user_roles'), values: await count(store, 'user_attribute_values'),
    }).toEqual({ tokens: before.tokens - 2, sessions: before.sessions - 2, roles: before.roles - 1, values: before.values - 1 });
    expect(await store.users.deleteUser(user.id)).toBe(false);
    expect(await store.users.user(other.id)).not.toBeNull();
  });

  it('never reuses the id of a deleted user', async () => {
    const first = await store.users.createUser({ first_name: 'Temp' });
    await store.users.deleteUser(first.id);
    const next = await store.users.createUser({ first_name: 'Next' });
    expect(Number(next.id)).toBeGreaterThan(Number(first.id));
  });

  it('commits or rolls back a store.transaction as a whole', async () => {
    const users = await count(store, 'users');
    const tokens = await count(store, 'access_tokens');
    await expect(store.transaction(async (tx) => {
      const user = await tx.users.createUser({ first_name: 'Half', email: 'half@example.org', role_ids: ['4'] });
      await tx.tokens.issueToken({ userId: user.id });
      await tx.credentials.createApi3(user.id);
      throw new Error('boom');
    })).rejects.toThrow('boom');
    expect([await count(store, 'users'), await count(store, 'access_tokens')]).toEqual([users, tokens]);
    expect(await store.users.userByEmail('half@example.org')).toBeNull();

    const made = await store.transaction(async (tx) => {
      const user = await tx.users.createUser({ first_name: 'Whole', email: 'whole@example.org' });
      await tx.settings.setSetting('whole_user', user.id);
      return user;
    });
    expect((await store.users.userByEmail('whole@example.org'))?.id).toBe(made.id);
    expect(await store.settings.getSetting('whole_user')).toBe(made.id);
  });
});
