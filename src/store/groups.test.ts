import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from './index.ts';
import { DIALECTS, createTestDatabase, storeError } from './test-support.ts';
import type { TestDatabase } from './test-support.ts';

describe.each(DIALECTS)('groups: members hold their groups\' roles on %s', (dialect) => {
  let database: TestDatabase;
  let store: Store;
  let narrowRole = '';
  let otherRole = '';
  beforeAll(async () => {
    database = await createTestDatabase(dialect, 'groups');
    store = await database.open();
    const permissions = await store.roles.createPermissionSet({ name: 'Look only', permissions: ['access_data', 'see_looks'] });
    const develop = await store.roles.createPermissionSet({ name: 'Develop', permissions: ['develop', 'see_lookml', 'access_data'] });
    const shop = await store.roles.createModelSet({ name: 'Shop', models: ['shop'] });
    const finance = await store.roles.createModelSet({ name: 'Finance', models: ['finance'] });
    narrowRole = (await store.roles.createRole({ name: 'Shop looker', permission_set_id: permissions.id, model_set_id: shop.id })).id;
    otherRole = (await store.roles.createRole({ name: 'Finance dev', permission_set_id: develop.id, model_set_id: finance.id })).id;
  });
  afterAll(async () => {
    await store.close();
    await database.cleanup();
  });

  const sorted = (set: Set<string> | null): string[] | null => (set === null ? null : [...set].sort());

  it('a group\'s roles count for its members, next to their own (user_roles with and without direct_association_only)', async () => {
    const group = await store.groups.createGroup('  Analysts ');
    expect(group).toMatchObject({ name: 'Analysts', external_group_id: null, user_count: 0 });
    const ann = (await store.users.createUser({ first_name: 'Ann', role_ids: [otherRole] })).id;
    const bob = (await store.users.createUser({ first_name: 'Bob' })).id;
    expect(sorted(await store.roles.userPermissions(bob))).toEqual([]);

    expect((await store.groups.setRoleGroups(narrowRole, [group.id]))?.map((g) => g.id)).toEqual([group.id]);
    expect(await store.groups.roleGroupIds(narrowRole)).toEqual([group.id]);
    expect(await store.groups.addGroupUser(group.id, bob)).toBe(true);
    expect(await store.groups.addGroupUser(group.id, ann)).toBe(true);
    expect(await store.groups.addGroupUser(group.id, ann)).toBe(true);
    expect((await store.groups.group(group.id))?.user_count).toBe(2);

    expect(sorted(await store.roles.userPermissions(bob))).toEqual(['access_data', 'see_looks']);
    expect(sorted(await store.roles.userModels(bob))).toEqual(['shop']);
    expect(sorted(await store.roles.userPermissions(ann))).toEqual(['access_data', 'develop', 'see_lookml', 'see_looks']);
    expect(sorted(await store.roles.userModels(ann))).toEqual(['finance', 'shop']);
    expect((await store.roles.userRoles(ann))?.map((r) => r.name)).toEqual(['Shop looker', 'Finance dev']);
    expect((await store.roles.userRoles(ann, { directOnly: true }))?.map((r) => r.name)).toEqual(['Finance dev']);
    expect(await store.roles.roleUserIds(narrowRole)).toEqual([ann, bob].sort((a, b) => Number(a) - Number(b)));
    expect(await store.roles.roleUserIds(narrowRole, { directOnly: true })).toEqual([]);
    expect(await store.roles.roleUserIds(otherRole)).toEqual([ann]);

    // Leaving the group takes its roles away; the own ones stay.
    expect(await store.groups.removeGroupUser(group.id, ann)).toBe(true);
    expect(await store.groups.removeGroupUser(group.id, ann)).toBe(false);
    expect(sorted(await store.roles.userModels(ann))).toEqual(['finance']);
    // So does taking the role from the group.
    expect(await store.groups.setRoleGroups(narrowRole, [])).toEqual([]);
    expect(sorted(await store.roles.userPermissions(bob))).toEqual([]);
  });

  it('an all-models role through a group grants every model; deleting the group ends its grants', async () => {
    const group = await store.groups.createGroup('Viewers of all');
    const cy = (await store.users.createUser({ first_name: 'Cy', role_ids: [narrowRole] })).id;
    await store.groups.setRoleGroups('5', [group.id]);
    await store.groups.setUserGroups(cy, [group.id, '999999']);
    expect(await store.groups.groupIdsOfUsers([cy, '424242'])).toEqual(new Map([[cy, [group.id]], ['424242', []]]));
    expect(await store.roles.userModels(cy)).toBeNull();
    expect(await store.groups.groupModels([group.id])).toBeNull();
    expect(await store.roles.userPermissions(cy)).toContain('see_drill_overlay');
    expect(await store.groups.deleteGroup(group.id)).toBe(true);
    expect(await store.groups.roleGroupIds('5')).toEqual([]);
    expect(sorted(await store.roles.userModels(cy))).toEqual(['shop']);
    expect(await store.groups.deleteGroup(group.id)).toBe(false);
  });

  it('an embed user holds only embed permissions, whatever its groups\' roles grant (never develop)', async () => {
    const group = await store.groups.createGroup('Embed developers');
    await store.groups.setRoleGroups(otherRole, [group.id]);
    const embed = (await store.users.createUser({ first_name: 'Em', embed_external_user_id: 'tenant-1' })).id;
    await store.groups.setUserGroups(embed, [group.id]);
    expect(sorted(await store.roles.userPermissions(embed))).toEqual(['access_data']);
    expect(sorted(await store.roles.userModels(embed))).toEqual(['finance']);
    await store.groups.setRoleGroups('2', [group.id]);
    const admin = await store.roles.userPermissions(embed);
    expect(admin.has('develop') || admin.has('administer') || admin.has('see_lookml')).toBe(false);
    expect(admin.has('see_user_dashboards')).toBe(true);
  });

  it('every change to who holds a role through a group bumps the roles version (permission caches empty)', async () => {
    const group = await store.groups.createGroup('Bumped');
    const user = (await store.users.createUser({ first_name: 'Di' })).id;
    const bumps = async (change: () => Promise<unknown>): Promise<number> => {
      const before = store.changes.version('roles');
      await change();
      return store.changes.version('roles') - before;
    };
    expect(await bumps(() => store.groups.setRoleGroups(narrowRole, [group.id]))).toBe(1);
    expect(await bumps(() => store.groups.addGroupUser(group.id, user))).toBe(1);
    expect(await bumps(() => store.groups.addGroupUser(group.id, user))).toBe(0);
    expect(await bumps(() => store.groups.removeGroupUser(group.id, user))).toBe(1);
    expect(await bumps(() => store.groups.setUserGroups(user, [group.id]))).toBe(1);
    expect(await bumps(() => store.groups.deleteGroup(group.id))).toBe(1);
    expect(await bumps(() => store.groups.createGroup('No roles yet'))).toBe(0);
  });

  it('refusals: unknown role, group or user; names taken or empty; the external group of an embed id', async () => {
    const group = await store.groups.createGroup('Refusals');
    expect(await store.groups.setRoleGroups('987654', [group.id])).toBeNull();
    expect(await store.groups.roleGroupIds('abc')).toBeNull();
    expect(await storeError(store.groups.setRoleGroups(narrowRole, [group.id, '987654']))).toMatchObject({ code: 'invalid', field: 'group_ids', message: 'Group 987654 not found' });
    expect(await store.groups.addGroupUser(group.id, '987654')).toBe(false);
    expect(await store.groups.addGroupUser('987654', '1')).toBe(false);
    expect(await storeError(store.groups.createGroup('Refusals'))).toMatchObject({ code: 'conflict', field: 'name', message: 'A group named "Refusals" already exists.' });
    expect(await storeError(store.groups.createGroup('  '))).toMatchObject({ code: 'invalid', field: 'name', message: 'name must be 1 to 255 characters.' });
    expect(await store.groups.renameGroup(group.id, 'Renamed')).toMatchObject({ id: group.id, name: 'Renamed' });
    expect(await store.groups.renameGroup('987654', 'x')).toBeNull();
    expect(await store.groups.unknownGroups([group.id, '987654', 'x'])).toEqual(['987654', 'x']);

    const acme = await store.groups.externalGroup('acme');
    expect(await store.groups.externalGroup('acme')).toBe(acme);
    expect(await store.groups.findExternalGroup('acme')).toBe(acme);
    expect(await store.groups.findExternalGroup('nobody')).toBeNull();
    await store.groups.createGroup('Embed group taken');
    expect(await storeError(store.groups.externalGroup('taken'))).toMatchObject({ code: 'conflict', field: 'external_group_id' });
  });
});
