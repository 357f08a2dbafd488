import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store, User } from './index.ts';
import { DIALECTS, createTestDatabase, storeError } from './test-support.ts';
import type { TestDatabase } from './test-support.ts';

describe.each(DIALECTS)('user attributes and settings on %s', (dialect) => {
  let database: TestDatabase;
  let store: Store;
  let user: User;
  beforeAll(async () => {
    database = await createTestDatabase(dialect, 'attributes');
    store = await database.open();
    user = await store.users.createUser({ first_name: 'Ida', last_name: 'Lovelace', email: 'ida@example.com' });
  });
  afterAll(async () => {
    await store.close();
    await database.cleanup();
  });

  it('seeds Looker\'s system attributes', async () => {
    const attributes = await store.attributes.allUserAttributes();
    expect(attributes.map((a) => [a.name, a.label, a.type, a.default_value, a.is_system, a.is_permanent, a.user_can_edit]))
      .toEqual([
        ['email', 'Email', 'string', null, true, true, false],
        ['first_name', 'First Name', 'string', null, true, true, false],
        ['last_name', 'Last Name', 'string', null, true, true, false],
        ['locale', 'Locale', 'string', 'en', true, true, false],
        ['name', 'Name', 'string', null, true, true, false],
      ]);
    expect((await store.attributes.allUserAttributes({ sorts: 'name desc' })).map((a) => a.name))
      .toEqual(['name', 'locale', 'last_name', 'first_name', 'email']);
    expect((await storeError(store.attributes.allUserAttributes({ sorts: 'id; drop' }))).field).toBe('sorts');
  });

  it('takes system values from the user record and falls back to defaults', async () => {
    expect(await store.attributes.attributeValuesForUser(user.id)).toEqual({
      email: 'ida@example.com', first_name: 'Ida', last_name: 'Lovelace', locale: 'en', name: 'Ida Lovelace',
    });
    await store.users.updateUser(user.id, { locale: 'fr_FR', last_name: null });
    expect(await store.attributes.attributeValuesForUser(user.id)).toEqual({
      email: 'ida@example.com', first_name: 'Ida', locale: 'fr_FR', name: 'Ida',
    });
    expect(await store.attributes.attributeValuesForUser('999999')).toEqual({});
  });

  it('prefers a user\'s own value over the default, per user', async () => {
    const region = await store.attributes.createUserAttribute({
      name: 'region', label: 'Region', type: 'string', default_value: 'EMEA', user_can_edit: true,
    });
    expect(region).toMatchObject({ name: 'region', is_system: false, is_permanent: false, user_can_view: true, user_can_edit: true });
    const other = await store.users.createUser({ first_name: 'Other' });
    expect(await store.attributes.setUserAttributeValue(user.id, region.id, 'APAC')).toEqual({
      user_attribute_id: region.id, user_id: user.id, name: 'region', label: 'Region', value: 'APAC', source: 'user',
      value_is_hidden: false, user_can_edit: true, hidden_value_domain_whitelist: null,
    });
    expect((await store.attributes.setUserAttributeValue(user.id, region.id, 'AMER')).value).toBe('AMER');
    expect((await store.attributes.attributeValuesForUser(user.id)).region).toBe('AMER');
    expect((await store.attributes.attributeValuesForUser(other.id)).region).toBe('EMEA');
    const values = await store.attributes.userAttributeValues(other.id);
    expect(values?.map((v) => [v.name, v.value, v.source])).toEqual([
      ['email', null, null], ['first_name', 'Other', 'system'], ['last_name', null, null], ['locale', 'en', 'default'],
      ['name', 'Other', 'system'], ['region', 'EMEA', 'default'],
    ]);
    expect(await store.attributes.deleteUserAttributeValue(user.id, region.id)).toBe(true);
    expect((await store.attributes.attributeValuesForUser(user.id)).region).toBe('EMEA');
    expect(await store.attributes.deleteUserAttributeValue(user.id, region.id)).toBe(false);
    expect(await store.attributes.userAttributeValues('999999')).toBeNull();
  });

  it('checks values against the attribute type', async () => {
    const age = await store.attributes.createUserAttribute({ name: 'max_rows', label: 'Max rows', type: 'number' });
    const flag = await store.attributes.createUserAttribute({ name: 'is_vip', label: 'VIP', type: 'yesno', default_value: 'no' });
    expect((await store.attributes.setUserAttributeValue(user.id, age.id, '500')).value).toBe('500');
    for (const [id, bad] of [[age.id, 'many'], [age.id, ''], [flag.id, 'true']] as const) {
      const error = await storeError(store.attributes.setUserAttributeValue(user.id, id, bad));
      expect([error.code, error.field]).toEqual(['invalid', 'value']);
    }
    const badDefault = await storeError(store.attributes.createUserAttribute({ name: 'n2', label: 'N', type: 'number', default_value: 'x' }));
    expect([badDefault.code, badDefault.field]).toEqual(['invalid', 'default_value']);
    const badType = await storeError(store.attributes.createUserAttribute({ name: 'n3', label: 'N', type: 'color' }));
    expect([badType.code, badType.field]).toEqual(['invalid', 'type']);
    for (const name of ['Region', 'has space', '1abc', '', 'a-b']) {
      expect((await storeError(store.attributes.createUserAttribute({ name, label: 'L', type: 'string' }))).field).toBe('name');
    }
    const taken = await storeError(store.attributes.createUserAttribute({ name: 'email', label: 'E', type: 'string' }));
    expect([taken.code, taken.field]).toEqual(['conflict', 'name']);
  });

  it('protects system attributes and deletes custom ones with their values', async () => {
    const email = (await store.attributes.allUserAttributes()).find((a) => a.name === 'email');
    if (!email) throw new Error('email attribute missing');
    const setSystem = await storeError(store.attributes.setUserAttributeValue(user.id, email.id, 'x@example.com'));
    expect([setSystem.code, setSystem.field]).toEqual(['invalid', 'user_attribute_id']);
    const deleteSystem = await storeError(store.attributes.deleteUserAttribute(email.id));
    expect(deleteSystem.code).toBe('invalid');
    const rename = await storeError(store.attributes.updateUserAttribute(email.id, { name: 'mail' }));
    expect([rename.code, rename.field]).toEqual(['invalid', 'name']);
    expect(await store.attributes.updateUserAttribute(email.id, { label: 'E-mail', value_is_hidden: false }))
      .toMatchObject({ name: 'email', label: 'E-mail' });

    const team = await store.attributes.createUserAttribute({ name: 'team', label: 'Team', type: 'string' });
    await store.attributes.setUserAttributeValue(user.id, team.id, 'core');
    expect(await store.attributes.updateUserAttribute(team.id, { default_value: 'none', value_is_hidden: true }))
      .toMatchObject({ default_value: 'none', value_is_hidden: true });
    expect(await store.attributes.deleteUserAttribute(team.id)).toBe(true);
    expect(await store.attributes.userAttribute(team.id)).toBeNull();
    expect('team' in (await store.attributes.attributeValuesForUser(user.id))).toBe(false);
    expect(await store.attributes.deleteUserAttribute(team.id)).toBe(false);
    expect(await store.attributes.updateUserAttribute(team.id, { label: 'x' })).toBeNull();
    const missingUser = await storeError(store.attributes.setUserAttributeValue('999999', email.id, 'v'));
    expect([missingUser.code, missingUser.field]).toEqual(['not_found', 'user_id']);
    const missingAttribute = await storeError(store.attributes.setUserAttributeValue(user.id, '999999', 'v'));
    expect([missingAttribute.code, missingAttribute.field]).toEqual(['not_found', 'user_attribute_id']);
  });

  it('keeps an attribute named __proto__ as plain data', async () => {
    const odd = await store.attributes.createUserAttribute({ name: '__proto__', label: 'Odd', type: 'string', default_value: 'v' });
    const values = await store.attributes.attributeValuesForUser(user.id);
    expect(Object.getPrototypeOf(values)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(values, '__proto__')?.value).toBe('v');
    await store.attributes.deleteUserAttribute(odd.id);
  });

  it('stores server settings, and lets exactly one caller claim a key', async () => {
    expect(await store.settings.getSetting('admin_bootstrapped')).toBeNull();
    const claims = await Promise.all(['a', 'b', 'c'].map((value) => store.settings.claimSetting('admin_bootstrapped', value)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await store.settings.getSetting('admin_bootstrapped')).toBe(['a', 'b', 'c'][claims.indexOf(true)]);
    await store.settings.setSetting('admin_bootstrapped', 'd');
    expect(await store.settings.getSetting('admin_bootstrapped')).toBe('d');
    expect(await store.settings.deleteSetting('admin_bootstrapped')).toBe(true);
    expect(await store.settings.deleteSetting('admin_bootstrapped')).toBe(false);
  });
});
