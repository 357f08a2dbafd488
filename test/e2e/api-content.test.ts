/**
 * Issue 6 end to end (folders, looks, access, content validation) with the official SDK against a
 * real server over a deployed project and a DuckDB warehouse.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LookerNodeSDK, NodeSettingsIniFile } from '@looker/sdk-node';
import type { Looker40SDK } from '@looker/sdk';
import { DelimArray } from '@looker/sdk-rtl';
import { assertResponseMatchesSpec } from '../../src/api/spec-validate.ts';
import { ordersView, startQueryFixture, type QueryFixture } from './support.ts';

describe('folders, looks, access and content validation', () => {
  let fx: QueryFixture;
  let n = 0;
  const people = new Map<string, { id: string; clientId: string; secret: string }>();

  const as = (who: string): Looker40SDK => {
    const p = people.get(who)!;
    const ini = join(fx.root, `content-${n++}.ini`);
    writeFileSync(ini, `[Looker]\nbase_url=${fx.server.url}\nclient_id=${p.clientId}\nclient_secret=${p.secret}\nverify_ssl=false\n`);
    return LookerNodeSDK.init40(new NodeSettingsIniFile('', ini, 'Looker'));
  };

  beforeAll(async () => {
    vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    fx = await startQueryFixture('sqlite', 'unused', { connection: true });
    const admin = fx.sdk();
    const developer = (await admin.ok(admin.all_roles({}))).find((r) => r.name === 'Developer')!;
    for (const first of ['Ann', 'Ben']) {
      const user = await admin.ok(admin.create_user({ first_name: first, last_name: 'Content' }));
      await admin.ok(admin.set_user_roles(user.id!, [developer.id!]));
      const cred = await admin.ok(admin.create_user_credentials_api3(user.id!));
      people.set(first.toLowerCase(), { id: user.id!, clientId: cred.client_id!, secret: cred.client_secret! });
    }
  });

  afterAll(async () => {
    await fx.close();
  });

  it('lists the Shared and Users roots and the caller\'s personal folder; creates, renames, nests and searches folders', async () => {
    const ann = as('ann');
    const all = await ann.ok(ann.all_folders());
    expect(all.find((f) => f.id === '1')).toMatchObject({ name: 'Shared', is_shared_root: true, parent_id: null });
    expect(all.find((f) => f.id === '2')).toMatchObject({ name: 'Users', is_users_root: true });
    const personal = all.find((f) => f.is_personal)!;
    expect(personal).toMatchObject({ name: 'Ann Content', parent_id: '2' });
    for (const f of all) assertResponseMatchesSpec('all_folders', 200, [f]);
    expect((await ann.ok(ann.me())).personal_folder_id).toBe(personal.id);

    const team = await ann.ok(ann.create_folder({ name: 'Team Ann', parent_id: '1' }));
    const sub = await ann.ok(ann.create_folder({ name: 'Reports', parent_id: team.id! }));
    expect((await ann.ok(ann.folder_children({ folder_id: team.id! }))).map((f) => f.name)).toEqual(['Reports']);
    expect((await ann.ok(ann.folder_ancestors(sub.id!))).map((f) => f.name)).toEqual(['Shared', 'Team Ann']);
    expect((await ann.ok(ann.update_folder(sub.id!, { name: 'Weekly reports' }))).name).toBe('Weekly reports');
    expect((await ann.ok(ann.search_folders({ name: 'weekly%' }))).map((f) => f.id)).toEqual([sub.id]);
    const dup = await fx.raw(ann, 'POST', '/folders', { name: 'team ann', parent_id: '1' });
    expect(dup.status).toBe(409);
    expect((await ann.ok(ann.folder_parent(sub.id!))).id).toBe(team.id);
    expect((await fx.raw(ann, 'GET', '/folders/1/parent')).status).toBe(404);
    await ann.ok(ann.create_folder({ name: 'Monthly', parent_id: team.id! }));
    expect((await ann.ok(ann.folder_children_search({ folder_id: team.id!, name: 'w%' }))).map((f) => f.name)).toEqual(['Weekly reports']);
    expect((await ann.ok(ann.folder_children_search({ folder_id: team.id!, sorts: 'name desc' }))).map((f) => f.name)).toEqual(['Weekly reports', 'Monthly']);
    await ann.ok(ann.delete_folder(sub.id!));
    expect((await fx.raw(ann, 'GET', `/folders/${sub.id!}`)).status).toBe(404);
  });

  it('copies and moves looks between folders the caller may edit', async () => {
    const ann = as('ann');
    const from = await ann.ok(ann.create_folder({ name: 'Copy from', parent_id: '1' }));
    const to = await ann.ok(ann.create_folder({ name: 'Copy to', parent_id: '1' }));
    const q = await ann.ok(ann.create_query({ model: 'shop', view: 'orders', fields: ['orders.count'] }));
    const look = await ann.ok(ann.create_look({ title: 'Count', query_id: q.id!, folder_id: from.id! }));
    const copy = await ann.ok(ann.copy_look(look.id!, to.id));
    expect(copy).toMatchObject({ title: 'Count', folder_id: to.id, query_id: q.id });
    expect(copy.id).not.toBe(look.id);
    assertResponseMatchesSpec('copy_look', 200, copy);
    const second = await ann.ok(ann.copy_look(look.id!));
    expect(second).toMatchObject({ title: 'Count (copy)', folder_id: from.id });
    // A title already in the target folder is a conflict, as on create.
    expect((await fx.raw(ann, 'PATCH', `/looks/${copy.id!}/move?folder_id=${from.id!}`)).status).toBe(409);
    const moved = await ann.ok(ann.move_look(second.id!, to.id!));
    expect(moved).toMatchObject({ id: second.id, folder_id: to.id, title: 'Count (copy)' });
    expect((await ann.ok(ann.folder_looks(to.id!))).map((l) => l.title).sort()).toEqual(['Count', 'Count (copy)']);
    expect((await ann.ok(ann.folder_looks(from.id!))).map((l) => l.id)).toEqual([look.id]);
    const same = await fx.raw(ann, 'PATCH', `/looks/${look.id!}/move?folder_id=${from.id!}`);
    expect(same.status).toBe(422);
    // Ben may not edit Ann's personal folder: copying into it is refused, the look is untouched.
    const annPersonal = (await ann.ok(ann.all_folders())).find((f) => f.is_personal)!;
    const ben = as('ben');
    expect((await fx.raw(ben, 'POST', `/looks/${look.id!}/copy?folder_id=${annPersonal.id!}`)).status).toBeGreaterThanOrEqual(403);
    expect((await ann.ok(ann.folder_looks(annPersonal.id!))).length).toBe(0);
  });

  it('saves, runs, finds, updates and deletes looks', async () => {
    const ann = as('ann');
    const folder = await ann.ok(ann.create_folder({ name: 'Look shelf', parent_id: '1' }));
    const q = await ann.ok(ann.create_query({ model: 'shop', view: 'orders', fields: ['orders.status', 'orders.count'], sorts: ['orders.status'] }));
    const look = await ann.ok(ann.create_look({ title: 'Orders by status', query_id: q.id!, folder_id: folder.id!, description: 'All orders' }));
    expect(look).toMatchObject({ title: 'Orders by status', folder_id: folder.id, query_id: q.id, user_id: people.get('ann')!.id, deleted: false });
    expect(look.query).toMatchObject({ model: 'shop', view: 'orders' });
    expect(look.folder).toMatchObject({ id: folder.id, name: 'Look shelf' });
    assertResponseMatchesSpec('look', 200, look);
    const rows = await ann.ok(ann.run_look({ look_id: look.id!, result_format: 'json' }));
    const expected = await fx.direct('SELECT status, count(*)::INTEGER AS c FROM orders GROUP BY 1 ORDER BY 1');
    expect(rows).toEqual(expected.map((r) => ({ 'orders.status': r.status, 'orders.count': r.c })));
    expect((await ann.ok(ann.search_looks({ title: 'orders by%' }))).map((l) => l.id)).toEqual([look.id]);
    expect((await ann.ok(ann.folder_looks(folder.id!))).map((l) => l.title)).toEqual(['Orders by status']);
    expect((await ann.ok(ann.update_look(look.id!, { title: 'Status counts' }))).title).toBe('Status counts');
    const clash = await fx.raw(ann, 'POST', '/looks', { title: 'status counts', query_id: q.id, folder_id: folder.id });
    expect(clash.status).toBe(409);
    await ann.ok(ann.delete_look(look.id!));
    expect((await fx.raw(ann, 'GET', `/looks/${look.id!}`)).status).toBe(404);
  });

  it('lists a folder\'s dashboards', async () => {
    const ann = as('ann');
    const folder = await ann.ok(ann.create_folder({ name: 'Boards', parent_id: '1' }));
    const made = await ann.ok(ann.create_dashboard({ title: 'Ops', folder_id: folder.id! }));
    const listed = await ann.ok(ann.folder_dashboards(folder.id!));
    expect(listed.map((d) => [d.id, d.title])).toEqual([[made.id, 'Ops']]);
    assertResponseMatchesSpec('folder_dashboards', 200, listed);
  });

  it('keeps personal content private: another user gets 404, an admin sees it', async () => {
    const ann = as('ann');
    const ben = as('ben');
    const personal = (await ann.ok(ann.all_folders())).find((f) => f.is_personal)!;
    const q = await ann.ok(ann.create_query({ model: 'shop', view: 'orders', fields: ['orders.count'] }));
    const secret = await ann.ok(ann.create_look({ title: 'Private numbers', query_id: q.id!, folder_id: personal.id! }));
    expect((await fx.raw(ben, 'GET', `/looks/${secret.id!}`)).status).toBe(404);
    expect((await fx.raw(ben, 'GET', `/looks/${secret.id!}/run/json`)).status).toBe(404);
    expect((await ben.ok(ben.all_looks())).map((l) => l.id)).not.toContain(secret.id);
    expect((await ben.ok(ben.all_folders())).map((f) => f.id)).not.toContain(personal.id);
    expect((await fx.raw(ben, 'POST', '/looks', { title: 'Sneaky', query_id: q.id, folder_id: personal.id })).status).toBe(404);
    const admin = fx.sdk();
    expect((await admin.ok(admin.look(secret.id!))).title).toBe('Private numbers');
  });

  it('restricts a shared folder to the people on its access list', async () => {
    const ann = as('ann');
    const ben = as('ben');
    const team = await ann.ok(ann.create_folder({ name: 'Ann only', parent_id: '1' }));
    const q = await ann.ok(ann.create_query({ model: 'shop', view: 'orders', fields: ['orders.count'] }));
    const look = await ann.ok(ann.create_look({ title: 'Team numbers', query_id: q.id!, folder_id: team.id! }));
    expect((await ben.ok(ben.look(look.id!))).title).toBe('Team numbers');
    const meta = await ann.ok(ann.update_content_metadata(team.content_metadata_id!, { inherits: false }));
    expect(meta).toMatchObject({ inherits: false, folder_id: team.id, content_type: 'space' });
    const grants = await ann.ok(ann.all_content_metadata_accesses(team.content_metadata_id!));
    expect(grants.map((g) => [g.user_id, g.permission_type])).toEqual([[people.get('ann')!.id, 'edit']]);
    expect((await fx.raw(ben, 'GET', `/looks/${look.id!}`)).status).toBe(404);
    expect((await fx.raw(ben, 'PATCH', `/content_metadata/${team.content_metadata_id!}`, { inherits: true })).status).toBe(404);
    const viewGrant = await ann.ok(ann.create_content_metadata_access({ content_metadata_id: team.content_metadata_id!, permission_type: 'view' as never, user_id: people.get('ben')!.id }));
    expect((await ben.ok(ben.look(look.id!))).title).toBe('Team numbers');
    expect((await fx.raw(ben, 'PATCH', `/looks/${look.id!}`, { title: 'Ben was here' })).status).toBe(403);
    await ann.ok(ann.update_content_metadata_access(viewGrant.id!, { permission_type: 'edit' as never }));
    expect((await ben.ok(ben.update_look(look.id!, { title: 'Ben was here' }))).title).toBe('Ben was here');
    await ann.ok(ann.delete_content_metadata_access(viewGrant.id!));
    expect((await fx.raw(ben, 'GET', `/looks/${look.id!}`)).status).toBe(404);
  });

  it('content validation: a field renamed on a dev branch breaks a look there, production stays clean', async () => {
    const ann = as('ann');
    const folder = await ann.ok(ann.create_folder({ name: 'Validated', parent_id: '1' }));
    const q = await ann.ok(ann.create_query({ model: 'shop', view: 'orders', fields: ['orders.status', 'orders.count'], filters: { 'orders.status': 'complete' } }));
    const look = await ann.ok(ann.create_look({ title: 'Complete orders', query_id: q.id!, folder_id: folder.id! }));
    const clean = await ann.ok(ann.content_validation({ project_names: new DelimArray<string>(['shop']) }));
    expect(clean.content_with_errors?.filter((c) => c.look?.id === look.id)).toEqual([]);
    expect(clean.total_looks_validated).toBeGreaterThan(0);

    await ann.ok(ann.update_session({ workspace_id: 'dev' }));
    const renamed = ordersView('dev').replace('dimension: status {', 'dimension: state {');
    expect((await fx.raw(ann, 'PUT', '/projects/shop/ide/file', { path: 'orders.view.lkml', content: renamed })).status).toBe(200);
    const broken = await ann.ok(ann.content_validation({ project_names: new DelimArray<string>(['shop']) }));
    const entry = broken.content_with_errors?.find((c) => c.look?.id === look.id);
    expect(entry?.look).toMatchObject({ id: look.id, title: 'Complete orders', folder: { id: folder.id, name: 'Validated' } });
    expect(entry?.errors?.map((e) => [e.field_name, e.model_name, e.explore_name])).toEqual([['orders.status', 'shop', 'orders']]);
    assertResponseMatchesSpec('content_validation', 200, broken);
    const prod = as('ann');
    const stillClean = await prod.ok(prod.content_validation({}));
    expect(stillClean.content_with_errors?.filter((c) => c.look?.id === look.id)).toEqual([]);
    await fx.raw(ann, 'POST', '/projects/shop/ide/discard', {});
  });
});
