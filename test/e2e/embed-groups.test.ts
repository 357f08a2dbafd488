/**
 * Groups that mean something, over real HTTP with the unmodified @looker/sdk-node: roles granted to
 * groups (`set_role_groups` / `role_groups`) count for every member, next to their own roles
 * (`user_roles` / `role_users` with and without `direct_association_only`); membership changes
 * (`add_group_user` / `delete_group_user`) take effect on the very next request (the permission
 * cache empties); content access lists grant view or edit to a group's members; and embed users get
 * the roles of the groups their URL names (`group_ids`, `external_group_id`), embed permissions only.
 * SQLite and PostgreSQL metadata.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Looker40SDK } from '@looker/sdk';
import { assertResponseMatchesSpec } from '../../src/api/spec-validate.ts';
import { Browser } from './embed-fixture.ts';
import { startQueryFixture, type QueryFixture } from './support.ts';

const QUERY = { model: 'shop', view: 'orders', fields: ['orders.status', 'orders.count'], sorts: ['orders.status'] };

describe.each(['sqlite', 'postgres'] as const)('groups carry roles and content access on %s', (metadata) => {
  let fx: QueryFixture;
  let admin: Looker40SDK;
  /** A developer role on the shop model only. */
  let shopRole = '';
  let analysts = '';
  let gina = '';
  let ginaSdk: Looker40SDK;
  let omarSdk: Looker40SDK;

  const userWithKey = async (firstName: string, roleIds: string[]): Promise<{ id: string; sdk: Looker40SDK }> => {
    const user = await admin.ok(admin.create_user({ first_name: firstName }));
    if (roleIds.length > 0) await admin.ok(admin.set_user_roles(user.id ?? '', roleIds));
    const cred = await admin.ok(admin.create_user_credentials_api3(user.id ?? ''));
    return { id: user.id ?? '', sdk: fx.sdkFor(cred.client_id ?? '', cred.client_secret ?? '') };
  };
  const runs = async (sdk: Looker40SDK): Promise<number> => (await fx.raw(sdk, 'POST', '/queries/run/json', QUERY)).status;

  beforeAll(async () => {
    vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    fx = await startQueryFixture(metadata, `e2e_embed_groups_${metadata}`, { connection: true });
    admin = fx.sdk();
    await admin.ok(admin.update_session({ workspace_id: 'production' }));
    const models = await admin.ok(admin.create_model_set({ name: 'Shop only', models: ['shop'] }));
    shopRole = (await admin.ok(admin.create_role({ name: 'Shop developer', permission_set_id: '2', model_set_id: models.id ?? '' }))).id ?? '';
    analysts = (await admin.ok(admin.create_group({ name: 'Analysts' }))).id ?? '';
    ({ id: gina, sdk: ginaSdk } = await userWithKey('Gina', []));
    ({ sdk: omarSdk } = await userWithKey('Omar', ['4']));
  });
  afterAll(async () => {
    await fx.close();
  });

  it('set_role_groups / role_groups: a member holds the group\'s role at once, and loses it on leaving', async () => {
    expect(await runs(ginaSdk)).toBe(403);
    const set = await admin.ok(admin.set_role_groups(shopRole, [analysts]));
    assertResponseMatchesSpec('set_role_groups', 200, set);
    expect(set.map((g) => [g.id, g.name, g.user_count, g.can_add_to_content_metadata])).toEqual([[analysts, 'Analysts', 0, true]]);
    const listed = await admin.ok(admin.role_groups(shopRole));
    assertResponseMatchesSpec('role_groups', 200, listed);
    expect(listed.map((g) => g.id)).toEqual([analysts]);

    const added = await admin.ok(admin.add_group_user(analysts, { user_id: gina }));
    assertResponseMatchesSpec('add_group_user', 200, added);
    expect(added).toMatchObject({ id: gina, first_name: 'Gina', group_ids: [analysts], role_ids: [] });
    expect(await runs(ginaSdk)).toBe(200);
    // The role's permissions (develop) and only its models.
    expect((await ginaSdk.ok(ginaSdk.update_session({ workspace_id: 'dev' }))).workspace_id).toBe('dev');
    await ginaSdk.ok(ginaSdk.update_session({ workspace_id: 'production' }));
    expect((await ginaSdk.ok(ginaSdk.all_lookml_models({}))).map((m) => m.name)).toEqual(['shop']);

    const roles = await admin.ok(admin.user_roles({ user_id: gina }));
    assertResponseMatchesSpec('user_roles', 200, roles);
    expect(roles.map((r) => r.name)).toEqual(['Shop developer']);
    expect(await admin.ok(admin.user_roles({ user_id: gina, direct_association_only: true }))).toEqual([]);
    const holders = await admin.ok(admin.role_users({ role_id: shopRole }));
    assertResponseMatchesSpec('role_users', 200, holders);
    expect(holders.map((u) => u.id)).toEqual([gina]);
    expect(await admin.ok(admin.role_users({ role_id: shopRole, direct_association_only: true }))).toEqual([]);
    expect((await admin.ok(admin.all_group_users({ group_id: analysts }))).map((u) => u.id)).toEqual([gina]);

    expect((await fx.raw(admin, 'DELETE', `/groups/${analysts}/users/${gina}`)).status).toBe(204);
    expect(await runs(ginaSdk)).toBe(403);
    expect((await fx.raw(admin, 'DELETE', `/groups/${analysts}/users/${gina}`)).status).toBe(404);
    await admin.ok(admin.add_group_user(analysts, { user_id: gina }));
    expect(await runs(ginaSdk)).toBe(200);
    // Taking the role from the group works the same way.
    await admin.ok(admin.set_role_groups(shopRole, []));
    expect(await runs(ginaSdk)).toBe(403);
    await admin.ok(admin.set_role_groups(shopRole, [analysts]));
    expect(await runs(ginaSdk)).toBe(200);
  });

  it('refusals: unknown role or group, non-admins, a user that does not exist', async () => {
    const unknownGroup = await fx.raw(admin, 'PUT', `/roles/${shopRole}/groups`, [analysts, '987654']);
    expect(unknownGroup.status).toBe(422);
    expect(await unknownGroup.json()).toMatchObject({ errors: [{ field: 'group_ids', message: 'Group 987654 not found' }] });
    expect((await fx.raw(admin, 'PUT', '/roles/987654/groups', [analysts])).status).toBe(404);
    expect((await fx.raw(admin, 'GET', '/roles/987654/groups')).status).toBe(404);
    expect((await fx.raw(omarSdk, 'PUT', `/roles/${shopRole}/groups`, [])).status).toBe(403);
    expect((await fx.raw(omarSdk, 'POST', `/groups/${analysts}/users`, { user_id: gina })).status).toBe(403);
    expect((await fx.raw(admin, 'POST', `/groups/${analysts}/users`, { user_id: '987654' })).status).toBe(404);
    expect((await fx.raw(admin, 'POST', '/groups/987654/users', { user_id: gina })).status).toBe(404);
    // The role set is unchanged by the refused call.
    expect((await admin.ok(admin.role_groups(shopRole))).map((g) => g.id)).toEqual([analysts]);
    const renamed = await admin.ok(admin.update_group(analysts, { name: 'Data analysts' }));
    assertResponseMatchesSpec('update_group', 200, renamed);
    expect(renamed).toMatchObject({ id: analysts, name: 'Data analysts', user_count: 1 });
  });

  it('content access: a group\'s grant lets its members view (then edit) a folder; others see nothing', async () => {
    const team = await admin.ok(admin.create_folder({ name: 'Team', parent_id: '1' }));
    const cm = team.content_metadata_id ?? '';
    await admin.ok(admin.update_content_metadata(cm, { inherits: false }));
    const grant = await admin.ok(admin.create_content_metadata_access({ content_metadata_id: cm, permission_type: 'view' as never, group_id: analysts }));
    assertResponseMatchesSpec('create_content_metadata_access', 200, grant);
    expect(grant).toMatchObject({ content_metadata_id: cm, permission_type: 'view', group_id: analysts, user_id: null });

    expect((await ginaSdk.ok(ginaSdk.folder(team.id ?? ''))).name).toBe('Team');
    expect((await fx.raw(omarSdk, 'GET', `/folders/${team.id}`)).status).toBe(404);
    expect((await fx.raw(ginaSdk, 'PATCH', `/folders/${team.id}`, { name: 'Gina was here' })).status).toBe(403);

    await admin.ok(admin.update_content_metadata_access(grant.id ?? '', { permission_type: 'edit' as never }));
    expect((await ginaSdk.ok(ginaSdk.update_folder(team.id ?? '', { name: 'Team (edited)' }))).name).toBe('Team (edited)');

    const both = await fx.raw(admin, 'POST', '/content_metadata_access', { content_metadata_id: cm, permission_type: 'view', group_id: analysts, user_id: gina });
    expect(both.status).toBe(422);
    expect(await both.json()).toMatchObject({ message: 'Validation Failed', errors: [{ field: 'user_id', code: 'invalid', message: 'Give exactly one of user_id or group_id: whom the access is for.' }] });
    const nogroup = await fx.raw(admin, 'POST', '/content_metadata_access', { content_metadata_id: cm, permission_type: 'view', group_id: '987654' });
    expect(await nogroup.json()).toMatchObject({ errors: [{ field: 'group_id', message: 'group_id must name a group.' }] });

    // Leaving the group ends the access; deleting a group removes its grants.
    await fx.raw(admin, 'DELETE', `/groups/${analysts}/users/${gina}`);
    expect((await fx.raw(ginaSdk, 'GET', `/folders/${team.id}`)).status).toBe(404);
    await admin.ok(admin.add_group_user(analysts, { user_id: gina }));
    expect((await fx.raw(ginaSdk, 'GET', `/folders/${team.id}`)).status).toBe(200);
    const doomed = await admin.ok(admin.create_group({ name: 'Doomed' }));
    await admin.ok(admin.create_content_metadata_access({ content_metadata_id: cm, permission_type: 'view' as never, group_id: doomed.id ?? '' }));
    expect((await fx.raw(admin, 'DELETE', `/groups/${doomed.id}`)).status).toBe(204);
    expect((await admin.ok(admin.all_content_metadata_accesses(cm))).map((g) => g.group_id ?? `user ${g.user_id}`)).toEqual([`user ${(await admin.ok(admin.me())).id}`, analysts]);
  });

  it('embed users: group_ids alone grant the group\'s models and (embed-only) permissions; external groups get roles too', async () => {
    const ssoUrl = async (body: Record<string, unknown>): Promise<string> => (await admin.ok(admin.create_sso_embed_url({
      target_url: `${fx.server.url}/embed/explore/shop/orders`, session_length: 600, external_user_id: 'grouped-embed', ...body,
    }))).url ?? '';
    const browser = new Browser(fx.server.url);
    // No models or permissions of its own: the explore's model comes from the group's role.
    const login = await browser.fetch('GET', await ssoUrl({ group_ids: [analysts], permissions: [], models: [] }));
    expect(login.status).toBe(302);
    expect(login.headers.get('location')).toBe('/embed/explore/shop/orders');
    expect((await browser.fetch('POST', '/api/4.0/queries/run/json', QUERY)).status).toBe(200);
    // The group's role has develop; an embed user never does.
    const dev = await browser.fetch('PATCH', '/api/4.0/session', { workspace_id: 'dev' });
    expect(dev.status).toBeGreaterThanOrEqual(400);
    expect(dev.status).toBeLessThan(500);
    const me = (await browser.json('GET', '/x-overlook/ui/me')).body as { user: { id: string }; permissions: string[] };
    expect(me.permissions).toEqual(expect.arrayContaining(['access_data', 'explore', 'save_content', 'see_looks', 'see_sql']));
    expect(me.permissions.filter((p) => ['develop', 'deploy', 'see_lookml', 'use_sql_runner'].includes(p))).toEqual([]);
    expect((await admin.ok(admin.user_roles({ user_id: me.user.id }))).map((r) => r.name)).toContain('Shop developer');

    // Without the group the same grant reaches no model at all.
    const refused = await new Browser(fx.server.url).fetch('GET', await ssoUrl({ external_user_id: 'ungrouped-embed', permissions: ['access_data', 'explore'], models: [] }));
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('The embed target uses model &#34;shop&#34;, which neither the &#39;models&#39; param nor the roles of the URL&#39;s groups grant.');

    // external_group_id: the group made at the first login can be given roles; its members come from logins only.
    const tenant = new Browser(fx.server.url);
    expect((await tenant.fetch('GET', await ssoUrl({ external_user_id: 'tenant-embed', external_group_id: 'acme', permissions: ['access_data'], models: ['shop'] }))).status).toBe(302);
    const acme = (await admin.ok(admin.all_groups({}))).find((g) => g.external_group_id === 'acme');
    expect(acme).toMatchObject({ externally_managed: true, user_count: 1 });
    const permissions = async (): Promise<string[]> => ((await tenant.json('GET', '/x-overlook/ui/me')).body as { permissions: string[] }).permissions;
    expect(await permissions()).toEqual(['access_data']);
    await admin.ok(admin.set_role_groups(shopRole, [analysts, acme?.id ?? '']));
    // Same session, next request: the group's role, embed permissions only.
    expect(await permissions()).toEqual(expect.arrayContaining(['access_data', 'explore', 'see_looks']));
    expect(await permissions()).not.toContain('develop');
    expect((await tenant.fetch('POST', '/api/4.0/queries/run/json', QUERY)).status).toBe(200);
    const manual = await fx.raw(admin, 'POST', `/groups/${acme?.id}/users`, { user_id: gina });
    expect(manual.status).toBe(403);
    expect(((await manual.json()) as { message: string }).message).toBe(`Group ${acme?.id} is the embed group of external_group_id "acme": its members come from embed logins only.`);
  });
});
