import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_PERMISSIONS } from './index.ts';
import type { Store } from './index.ts';
import { DIALECTS, createTestDatabase, storeError } from './test-support.ts';
import type { TestDatabase } from './test-support.ts';

describe.each(DIALECTS)('roles and permissions on %s', (dialect) => {
  let database: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    database = await createTestDatabase(dialect, 'roles');
    store = await database.open();
  });
  afterAll(async () => {
    await store.close();
    await database.cleanup();
  });

  async function userWith(roleIds: string[]): Promise<string> {
    return (await store.users.createUser({ role_ids: roleIds })).id;
  }

  it('seeds Looker\'s built-in roles, permission sets and the All model set', async () => {
    const roles = await store.roles.allRoles();
    expect(roles.map((role) => [role.id, role.name, role.permission_set.name, role.model_set.name])).toEqual([
      ['2', 'Admin', 'Admin', 'All'], ['3', 'Developer', 'Developer', 'All'], ['4', 'User', 'User', 'All'],
      ['5', 'Viewer', 'Viewer', 'All'],
    ]);
    const sets = await store.roles.allPermissionSets();
    expect(sets.map((set) => [set.id, set.name, set.built_in, set.all_access, set.permissions.length])).toEqual([
      ['1', 'Admin', true, true, ALL_PERMISSIONS.length], ['2', 'Developer', false, false, 24],
      ['3', 'User', false, false, 19], ['4', 'Viewer', false, false, 13],
    ]);
    expect(await store.roles.allModelSets()).toEqual([{ id: '1', name: 'All', built_in: true, all_access: true, models: [] }]);
    expect(await store.roles.modelSet('1')).toEqual((await store.roles.allModelSets())[0]);
    expect(await store.roles.permissionSet('4')).toEqual({
      id: '4', name: 'Viewer', built_in: false, all_access: false,
      permissions: [
        'access_data', 'clear_cache_refresh', 'create_alerts', 'download_without_limit', 'follow_alerts',
        'login_special_email', 'mobile_app_access', 'schedule_look_emails', 'see_drill_overlay',
        'see_lookml_dashboards', 'see_looks', 'see_user_dashboards', 'send_to_integration',
      ],
    });
    expect(ALL_PERMISSIONS).toEqual(expect.arrayContaining([
      'access_data', 'see_lookml_dashboards', 'see_looks', 'see_user_dashboards', 'explore', 'create_table_calculations',
      'save_content', 'create_public_looks', 'download_with_limit', 'download_without_limit', 'schedule_look_emails',
      'send_to_s3', 'send_to_sftp', 'send_outgoing_webhook', 'send_to_integration', 'see_sql', 'see_lookml', 'develop',
      'deploy', 'support_access_toggle', 'use_sql_runner', 'clear_cache_refresh', 'see_drill_overlay', 'manage_spaces',
      'manage_homepage', 'embed_browse_spaces', 'see_schedules', 'see_pdts', 'see_datagroups', 'update_datagroups',
      'see_queries', 'see_logs', 'see_users', 'sudo', 'see_system_activity', 'administer',
    ]));
    expect(new Set(ALL_PERMISSIONS).size).toBe(ALL_PERMISSIONS.length);
  });

  it('computes permissions for each built-in role', async () => {
    const admin = await store.roles.userPermissions(await userWith(['2']));
    expect([...admin].sort()).toEqual([...ALL_PERMISSIONS].sort());
    const developer = await store.roles.userPermissions(await userWith(['3']));
    expect(['develop', 'deploy', 'see_lookml', 'use_sql_runner', 'explore'].every((p) => developer.has(p))).toBe(true);
    expect(['administer', 'sudo', 'see_users'].some((p) => developer.has(p))).toBe(false);
    const user = await store.roles.userPermissions(await userWith(['4']));
    expect(['explore', 'see_sql', 'see_lookml', 'save_content'].every((p) => user.has(p))).toBe(true);
    expect(['develop', 'deploy', 'use_sql_runner'].some((p) => user.has(p))).toBe(false);
    const viewer = await store.roles.userPermissions(await userWith(['5']));
    expect(viewer.has('see_looks')).toBe(true);
    expect(['explore', 'see_sql', 'develop'].some((p) => viewer.has(p))).toBe(false);
    expect((await store.roles.userPermissions(await userWith([])))).toEqual(new Set());
    expect((await store.roles.userPermissions('999999'))).toEqual(new Set());
    expect((await store.roles.userPermissions('nope'))).toEqual(new Set());
  });

  it('unions permissions over several roles', async () => {
    const set = await store.roles.createPermissionSet({ name: 'Sudoers', permissions: ['sudo', 'see_users'] });
    const role = await store.roles.createRole({ name: 'Sudo', permission_set_id: set.id, model_set_id: '1' });
    const permissions = await store.roles.userPermissions(await userWith(['5', role.id]));
    expect([...permissions].sort()).toEqual([
      ...(await store.roles.permissionSet('4'))?.permissions ?? [], 'see_users', 'sudo',
    ].sort());
  });

  it('sets a user\'s roles atomically and reads them back', async () => {
    const id = await userWith(['4']);
    expect((await store.roles.setUserRoles(id, ['3', '5', '3']))?.map((role) => role.name)).toEqual(['Developer', 'Viewer']);
    expect((await store.roles.userRoles(id))?.map((role) => role.id)).toEqual(['3', '5']);
    expect((await store.users.user(id))?.role_ids).toEqual(['3', '5']);
    for (const bad of [['3', '999'], ['abc']]) {
      const error = await storeError(store.roles.setUserRoles(id, bad));
      expect([error.code, error.field]).toEqual(['invalid', 'role_ids']);
    }
    expect((await store.roles.userRoles(id))?.map((role) => role.id)).toEqual(['3', '5']);
    expect(await store.roles.setUserRoles(id, [])).toEqual([]);
    expect(await store.roles.setUserRoles('999999', ['2'])).toBeNull();
    expect(await store.roles.userRoles('999999')).toBeNull();
    expect(await store.roles.roleUserIds('3')).not.toContain(id);
  });

  it('creates, renames and deletes roles; names are unique and Admin stays', async () => {
    const models = await store.roles.createModelSet({ name: 'Shop', models: ['thelook', 'ecommerce', 'thelook'] });
    expect(models).toMatchObject({ name: 'Shop', built_in: false, all_access: false, models: ['ecommerce', 'thelook'] });
    const role = await store.roles.createRole({ name: 'Shop viewer', permission_set_id: '4', model_set_id: models.id });
    expect(role).toMatchObject({ name: 'Shop viewer', permission_set: { name: 'Viewer' }, model_set: { id: models.id } });
    expect(await store.roles.role(role.id)).toEqual(role);
    const holder = await userWith([role.id]);
    expect(await store.roles.roleUserIds(role.id)).toEqual([holder]);

    const duplicate = await storeError(store.roles.createRole({ name: 'Shop viewer', permission_set_id: '4', model_set_id: '1' }));
    expect([duplicate.code, duplicate.field]).toEqual(['conflict', 'name']);
    const badSet = await storeError(store.roles.createRole({ name: 'X', permission_set_id: '999', model_set_id: '1' }));
    expect([badSet.code, badSet.field]).toEqual(['invalid', 'permission_set_id']);
    const badModels = await storeError(store.roles.createRole({ name: 'X', permission_set_id: '4', model_set_id: 'x' }));
    expect([badModels.code, badModels.field]).toEqual(['invalid', 'model_set_id']);
    const noName = await storeError(store.roles.createRole({ name: '  ', permission_set_id: '4', model_set_id: '1' }));
    expect([noName.code, noName.field]).toEqual(['invalid', 'name']);

    expect(await store.roles.updateRole(role.id, { name: 'Shop reader', permission_set_id: '3' }))
      .toMatchObject({ id: role.id, name: 'Shop reader', permission_set: { name: 'User' } });
    expect(await store.roles.updateRole('999999', { name: 'x' })).toBeNull();
    expect(await store.roles.deleteRole(role.id)).toBe(true);
    expect(await store.roles.role(role.id)).toBeNull();
    expect((await store.users.user(holder))?.role_ids).toEqual([]);
    const admin = await storeError(store.roles.deleteRole('2'));
    expect([admin.code, admin.message]).toEqual(['invalid', 'The Admin role cannot be deleted']);
    expect(await store.roles.deleteRole('999999')).toBe(false);
    expect((await store.roles.allRoles({ ids: ['2', '5', 'zz'] })).map((r) => r.name)).toEqual(['Admin', 'Viewer']);
  });

  it('rejects unknown permissions and duplicate set names', async () => {
    const unknown = await storeError(store.roles.createPermissionSet({ name: 'Bad', permissions: ['see_looks', 'fly'] }));
    expect([unknown.code, unknown.field, unknown.message]).toEqual(['invalid', 'permissions', 'Unknown permission "fly"']);
    const taken = await storeError(store.roles.createPermissionSet({ name: 'Viewer', permissions: [] }));
    expect([taken.code, taken.field]).toEqual(['conflict', 'name']);
    const badModel = await storeError(store.roles.createModelSet({ name: 'Bad', models: ['../etc'] }));
    expect([badModel.code, badModel.field]).toEqual(['invalid', 'models']);
    expect((await store.roles.allPermissionSets()).map((set) => set.name)).not.toContain('Bad');
  });
});
